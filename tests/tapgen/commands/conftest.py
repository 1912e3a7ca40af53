"""Fixtures of the command tests that reach AWS: a project copy with fresh renders, and no real account."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import copy_project


@pytest.fixture
def fresh_project(tmp_path: Path) -> Path:
    """tapgen.toml of a copy of the project whose templates are current; a test may change it."""
    return copy_project(tmp_path)


@pytest.fixture
def no_aws_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials anywhere: environment, ~/.aws, or a profile."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
