"""The function's settings, read from its environment variables once per container."""

from __future__ import annotations

import os
from dataclasses import dataclass

from tap_shared import contract
from tap_shared.container import per_container

DEFAULT_READ_WINDOW_BYTES = 64 * 1024
DEFAULT_UPLOAD_URL_TTL = 900
DEFAULT_DOWNLOAD_URL_TTL = 300


class MisconfiguredError(RuntimeError):
    """The deployment did not give the function a variable it needs (a template bug, not a caller's)."""


@dataclass(frozen=True)
class Settings:
    environment: str
    app_version: str
    table_name: str
    bucket_name: str
    max_upload_bytes: int
    owner_index: str
    secret_arn: str
    upload_url_ttl: int
    download_url_ttl: int
    read_window_bytes: int


def _text(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if not value:
        raise MisconfiguredError(f"environment variable {name} is not set")
    return value


def _positive(name: str, default: int | None = None) -> int:
    raw = _text(name, None if default is None else str(default))
    try:
        value = int(raw)
    except ValueError:
        raise MisconfiguredError(f"environment variable {name}={raw!r} is not an integer") from None
    if value <= 0:
        raise MisconfiguredError(f"environment variable {name}={value} must be positive")
    return value


@per_container
def settings() -> Settings:
    """Required variables fail loudly on first use; the optional ones have the template's defaults."""
    return Settings(
        environment=_text(contract.ENV_ENVIRONMENT),
        app_version=os.environ.get(contract.ENV_APP_VERSION, "unknown"),
        table_name=_text(contract.ENV_TABLE_NAME),
        bucket_name=_text(contract.ENV_BUCKET_NAME),
        max_upload_bytes=_positive(contract.ENV_MAX_UPLOAD_BYTES),
        owner_index=os.environ.get(contract.ENV_OWNER_INDEX, contract.OWNER_INDEX_NAME),
        secret_arn=os.environ.get(contract.ENV_SECRET_ARN, ""),
        upload_url_ttl=_positive(contract.ENV_UPLOAD_URL_TTL, DEFAULT_UPLOAD_URL_TTL),
        download_url_ttl=_positive(contract.ENV_DOWNLOAD_URL_TTL, DEFAULT_DOWNLOAD_URL_TTL),
        read_window_bytes=_positive(contract.ENV_READ_WINDOW_BYTES, DEFAULT_READ_WINDOW_BYTES),
    )
