"""Artifact buckets as the bootstrap makes them, and existing ones checked but never changed (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tapgen.deploy.bootstrap import CHECKS, ensure_artifact_bucket, lacking
from tapgen.errors import DeployError


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("s3", region_name="eu-west-1")


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_a_missing_bucket_is_created_with_everything_in_its_region(s3: Any, region: str) -> None:
    regional = boto3.client("s3", region_name=region)
    assert ensure_artifact_bucket(regional, f"artifacts-{region}", region) == (True, [])
    location = regional.get_bucket_location(Bucket=f"artifacts-{region}")["LocationConstraint"] or "us-east-1"
    assert location == region


def test_an_existing_bucket_is_checked_and_left_as_it_is(s3: Any) -> None:
    s3.create_bucket(Bucket="plain", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    created, missing = ensure_artifact_bucket(s3, "plain", "eu-west-1")
    assert not created
    assert missing == list(CHECKS)  # a bare bucket lacks every one of them
    assert s3.get_bucket_versioning(Bucket="plain").get("Status") is None  # untouched


def test_a_bootstrapped_bucket_passes_its_own_checks_on_the_next_run(s3: Any) -> None:
    ensure_artifact_bucket(s3, "artifacts", "eu-west-1")
    assert ensure_artifact_bucket(s3, "artifacts", "eu-west-1") == (False, [])
    s3.delete_bucket_policy(Bucket="artifacts")
    assert lacking(s3, "artifacts") == ["a policy denying requests without TLS"]


def test_a_bucket_in_another_region_is_refused(s3: Any) -> None:
    s3.create_bucket(Bucket="elsewhere", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(DeployError, match="exists in eu-west-1, not in ap-south-1"):
        ensure_artifact_bucket(boto3.client("s3", region_name="ap-south-1"), "elsewhere", "ap-south-1")
