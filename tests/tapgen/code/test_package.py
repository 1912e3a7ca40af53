"""upload_artifacts: content-hash keys are uploaded once and skipped ever after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tapgen.code.artifacts import build_artifacts
from tapgen.code.package import ArtifactMismatch, sha256_checksum, upload_artifacts
from tests.conftest import ROOT


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="artifacts")
        yield client


def test_first_run_uploads_every_zip_under_its_hash_key(s3: Any) -> None:
    artifacts = build_artifacts(ROOT / "lambdas")
    report = upload_artifacts(s3, "artifacts", artifacts)
    assert report.uploaded == tuple(a.s3_key for a in artifacts.values())
    assert report.skipped == ()
    for artifact in artifacts.values():
        body = s3.get_object(Bucket="artifacts", Key=artifact.s3_key)["Body"].read()
        assert body == artifact.zip_bytes


def test_unchanged_zips_are_skipped(s3: Any) -> None:
    artifacts = build_artifacts(ROOT / "lambdas")
    upload_artifacts(s3, "artifacts", artifacts)
    report = upload_artifacts(s3, "artifacts", artifacts)
    assert report.uploaded == ()
    assert report.skipped == tuple(a.s3_key for a in artifacts.values())


def test_only_missing_keys_are_uploaded(s3: Any) -> None:
    artifacts = build_artifacts(ROOT / "lambdas")
    s3.put_object(Bucket="artifacts", Key=artifacts["api"].s3_key, Body=artifacts["api"].zip_bytes)
    report = upload_artifacts(s3, "artifacts", artifacts)
    assert report.skipped == (artifacts["api"].s3_key,)
    assert set(report.uploaded) == {a.s3_key for n, a in artifacts.items() if n != "api"}


def test_a_missing_bucket_is_an_error_not_a_skip(s3: Any) -> None:
    with pytest.raises(ClientError):
        upload_artifacts(s3, "no-such-bucket", build_artifacts(ROOT / "lambdas"))


@pytest.mark.parametrize(
    "planted",
    [
        pytest.param({"Body": b"not the zip"}, id="plain-put"),
        pytest.param({"Body": b"not the zip", "ChecksumAlgorithm": "SHA256"}, id="put-with-its-own-checksum"),
        pytest.param({"Body": b""}, id="empty-object"),
    ],
)
def test_a_planted_object_at_a_content_key_is_an_error_naming_the_key(s3: Any, planted: dict[str, Any]) -> None:
    artifacts = build_artifacts(ROOT / "lambdas")
    key = artifacts["image"].s3_key
    s3.put_object(Bucket="artifacts", Key=key, **planted)
    with pytest.raises(ArtifactMismatch, match=rf"s3://artifacts/{key} already exists with different content"):
        upload_artifacts(s3, "artifacts", artifacts)
    assert s3.get_object(Bucket="artifacts", Key=key)["Body"].read() == planted["Body"]  # left for inspection


def test_an_object_with_the_right_bytes_but_no_stored_checksum_is_verified_by_reading_it(s3: Any) -> None:
    artifacts = build_artifacts(ROOT / "lambdas")
    key = artifacts["data"].s3_key
    s3.put_object(Bucket="artifacts", Key=key, Body=artifacts["data"].zip_bytes)  # no checksum stored
    assert key in upload_artifacts(s3, "artifacts", artifacts).skipped


def test_uploads_carry_a_sha256_that_s3_verifies_and_reports(s3: Any) -> None:
    artifacts = build_artifacts(ROOT / "lambdas")
    upload_artifacts(s3, "artifacts", artifacts)
    assert artifacts
    for artifact in artifacts.values():
        head = s3.head_object(Bucket="artifacts", Key=artifact.s3_key, ChecksumMode="ENABLED")
        assert head["ChecksumSHA256"] == sha256_checksum(artifact.zip_bytes)
