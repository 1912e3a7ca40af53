"""AWS clients, created lazily once per container and reused by every invocation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from tap_shared.container import per_container

# Short timeouts and the standard retry mode: a stuck call should fail the invocation
# (and be retried by Lambda) rather than eat the whole timeout.
_CONFIG = Config(
    connect_timeout=3,
    read_timeout=10,
    retries={"mode": "standard", "max_attempts": 3},
    signature_version="s3v4",
)


@per_container
def client(service: str) -> Any:
    """A boto3 client for `service`; region and endpoint come from the Lambda environment."""
    make: Callable[..., Any] = boto3.client  # by name: boto3's typed overloads want a literal service
    return make(service, config=_CONFIG)
