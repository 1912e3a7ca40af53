"""Settings: read once per container from the contract's variables; a bad deployment fails loudly."""

from __future__ import annotations

import pytest

from tap_api.settings import (
    DEFAULT_DOWNLOAD_URL_TTL,
    DEFAULT_UPLOAD_URL_TTL,
    ApiSettings,
    allowed_origins,
    api_settings,
)
from tap_processors.pipeline import DEFAULT_READ_WINDOW_BYTES, read_window_bytes
from tap_shared import container, contract
from tap_shared.settings import MisconfiguredError, Settings, settings
from tests.lambdas.conftest import (
    APP_VERSION,
    BUCKET,
    DOWNLOAD_URL_TTL,
    ENVIRONMENT,
    MAX_UPLOAD_BYTES,
    READ_WINDOW_BYTES,
    TABLE,
    UPLOAD_URL_TTL,
)


def test_settings_from_the_environment(tap_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(contract.ENV_SECRET_ARN, "arn:aws:secretsmanager:us-east-1:123456789012:secret:s")
    assert settings() == Settings(ENVIRONMENT, APP_VERSION, TABLE, BUCKET, MAX_UPLOAD_BYTES)
    assert api_settings() == ApiSettings(
        contract.OWNER_INDEX_NAME,
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:s",
        UPLOAD_URL_TTL,
        DOWNLOAD_URL_TTL,
    )
    assert read_window_bytes() == READ_WINDOW_BYTES


def test_optional_variables_have_the_templates_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (contract.ENV_ENVIRONMENT, contract.ENV_TABLE_NAME, contract.ENV_BUCKET_NAME):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv(contract.ENV_MAX_UPLOAD_BYTES, "10")
    assert settings().app_version == "unknown"
    assert api_settings() == ApiSettings(
        contract.OWNER_INDEX_NAME, "", DEFAULT_UPLOAD_URL_TTL, DEFAULT_DOWNLOAD_URL_TTL
    )
    assert read_window_bytes() == DEFAULT_READ_WINDOW_BYTES


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        (None, ()),
        ("", ()),
        ("*", ("*",)),
        ("https://a.example, http://localhost:3000,,", ("https://a.example", "http://localhost:3000")),
    ],
    ids=["unset", "empty", "any", "list"],
)
def test_allowed_origins_are_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch, value: str | None, origins: tuple[str, ...]
) -> None:
    if value is None:
        monkeypatch.delenv(contract.ENV_CORS_ORIGINS, raising=False)
    else:
        monkeypatch.setenv(contract.ENV_CORS_ORIGINS, value)
    assert allowed_origins() == origins


def test_settings_are_read_once_per_container(tap_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    first = settings()
    monkeypatch.setenv(contract.ENV_TABLE_NAME, "changed")
    assert settings() is first
    container.reset()
    assert settings().table_name == "changed"


# (id, variable, value or None to unset, words of the error)
MISCONFIGURED = [
    ("no-environment", contract.ENV_ENVIRONMENT, None, "TAP_ENVIRONMENT is not set"),
    ("empty-table", contract.ENV_TABLE_NAME, "", "TAP_TABLE_NAME is not set"),
    ("no-bucket", contract.ENV_BUCKET_NAME, None, "TAP_BUCKET_NAME is not set"),
    ("no-limit", contract.ENV_MAX_UPLOAD_BYTES, None, "TAP_MAX_UPLOAD_BYTES is not set"),
    ("limit-not-a-number", contract.ENV_MAX_UPLOAD_BYTES, "25MiB", "'25MiB' is not an integer"),
    ("limit-zero", contract.ENV_MAX_UPLOAD_BYTES, "0", "must be positive"),
    ("limit-negative", contract.ENV_MAX_UPLOAD_BYTES, "-1", "must be positive"),
]


@pytest.mark.parametrize(
    ("name", "value", "message"), [c[1:] for c in MISCONFIGURED], ids=[c[0] for c in MISCONFIGURED]
)
def test_misconfiguration_fails_loudly(
    tap_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, name: str, value: str | None, message: str
) -> None:
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    with pytest.raises(MisconfiguredError, match=message):
        settings()


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        (contract.ENV_UPLOAD_URL_TTL, api_settings),
        (contract.ENV_DOWNLOAD_URL_TTL, api_settings),
        (contract.ENV_READ_WINDOW_BYTES, read_window_bytes),
    ],
    ids=["upload-ttl", "download-ttl", "read-window"],
)
def test_function_settings_must_be_positive_integers(
    tap_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, name: str, reader: object
) -> None:
    monkeypatch.setenv(name, "0")
    with pytest.raises(MisconfiguredError, match=f"{name}=0 must be positive"):
        reader()  # type: ignore[operator]
