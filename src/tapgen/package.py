"""Upload the deterministic Lambda zips to the artifact bucket under their content-hash keys.

A key names its bytes (`tapgen/<function>/<sha256>.zip`), so an object already present is the same
object: it is never uploaded again, and an unchanged deploy uploads nothing.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tapgen.artifacts import FunctionArtifact


@dataclass(frozen=True)
class UploadReport:
    """S3 keys uploaded and keys skipped because the bucket already held them, in artifact order."""

    uploaded: tuple[str, ...]
    skipped: tuple[str, ...]


def upload_artifacts(s3_client: Any, bucket: str, artifacts: Mapping[str, FunctionArtifact]) -> UploadReport:
    """Upload every artifact whose key is not in `bucket` yet; the checks run concurrently."""
    objects = {artifact.s3_key: artifact.zip_bytes for artifact in artifacts.values()}
    keys = list(objects)
    with ThreadPoolExecutor(max_workers=max(1, len(keys))) as pool:
        sent = list(pool.map(lambda key: ensure_object(s3_client, bucket, key, objects[key], "application/zip"), keys))
    return UploadReport(
        uploaded=tuple(k for k, s in zip(keys, sent, strict=True) if s),
        skipped=tuple(k for k, s in zip(keys, sent, strict=True) if not s),
    )


def ensure_object(s3_client: Any, bucket: str, key: str, body: bytes, content_type: str) -> bool:
    """Put `body` at `key` unless an object is already there (keys are content hashes); True if uploaded."""
    if object_exists(s3_client, bucket, key):
        return False
    digest = hashlib.sha256(body).digest()
    s3_client.put_object(
        Bucket=bucket,
        Key=key,
        Body=body,
        ContentType=content_type,
        # S3 verifies the bytes it stored against the hash the key promises.
        ChecksumSHA256=base64.b64encode(digest).decode("ascii"),
    )
    return True


def object_exists(s3_client: Any, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3_client.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True
