"""AWS clients: created once per container, with short timeouts and standard retries."""

from __future__ import annotations

from tap_shared import container
from tap_shared.clients import client


def test_one_client_per_service_per_container() -> None:
    s3 = client("s3")
    assert client("s3") is s3
    assert client("dynamodb") is not s3
    container.reset()
    assert client("s3") is not s3


def test_clients_fail_fast_and_retry_in_standard_mode() -> None:
    config = client("dynamodb").meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 10)
    # botocore reads the legacy "max_attempts" as retries: 3 of them, 4 attempts in all.
    assert config.retries == {"mode": "standard", "total_max_attempts": 4}
    assert config.signature_version == "s3v4"


def test_clients_take_the_region_from_the_environment() -> None:
    assert client("s3").meta.region_name == "us-east-1"
