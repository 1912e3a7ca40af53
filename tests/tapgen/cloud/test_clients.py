"""The AWS clients tapgen makes: retries are AWS's standard mode, their number settable the usual way."""

from __future__ import annotations

import pytest

from tapgen.cloud.clients import DEFAULT_MAX_ATTEMPTS, AwsTarget, clients_for


def test_calls_are_retried_eight_times_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_MAX_ATTEMPTS", raising=False)
    retries = clients_for(AwsTarget(region="us-east-1"))("sts").meta.config.retries
    # botocore reads a Config's max_attempts as retries: the first attempt comes on top.
    assert retries == {"mode": "standard", "total_max_attempts": DEFAULT_MAX_ATTEMPTS + 1}


def test_aws_max_attempts_sets_the_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    retries = clients_for(AwsTarget(region="us-east-1"))("sts").meta.config.retries
    assert retries == {"mode": "standard", "total_max_attempts": 1}
