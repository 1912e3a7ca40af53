"""The settings every function reads from its environment once per container, and how to read one.

A function's own variables are read by its own package (tap_api.settings, tap_processors.pipeline),
so each function reads exactly the variables its FunctionContract lists and the template sets.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from tap_shared import contract
from tap_shared.container import per_container


class MisconfiguredError(RuntimeError):
    """The deployment did not give the function a variable it needs (a template bug, not a caller's)."""


class Settings(NamedTuple):
    environment: str
    app_version: str
    table_name: str
    bucket_name: str
    max_upload_bytes: int


def text(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if not value:
        raise MisconfiguredError(f"environment variable {name} is not set")
    return value


def positive(name: str, default: int | None = None) -> int:
    raw = text(name, None if default is None else str(default))
    try:
        value = int(raw)
    except ValueError:
        raise MisconfiguredError(f"environment variable {name}={raw!r} is not an integer") from None
    if value <= 0:
        raise MisconfiguredError(f"environment variable {name}={value} must be positive")
    return value


@per_container
def settings() -> Settings:
    """Required variables fail loudly on first use; the optional one has a default."""
    return Settings(
        environment=text(contract.ENV_ENVIRONMENT),
        app_version=os.environ.get(contract.ENV_APP_VERSION, "unknown"),
        table_name=text(contract.ENV_TABLE_NAME),
        bucket_name=text(contract.ENV_BUCKET_NAME),
        max_upload_bytes=positive(contract.ENV_MAX_UPLOAD_BYTES),
    )
