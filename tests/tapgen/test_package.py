"""upload_artifacts: content-hash keys are uploaded once and skipped ever after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tapgen.artifacts import build_artifacts
from tapgen.package import upload_artifacts
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
