"""Upload the deterministic Lambda zips to the artifact bucket under their content-hash keys.

A key names its bytes (`tapgen/<function>/<sha256>.zip`), so an unchanged deploy uploads nothing. A key is
only a name, though: an object already present is skipped only after its content is proven to be those bytes
(S3's stored SHA-256, or a download and hash), and a mismatch is an error, never a silent skip.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tapgen.code.artifacts import FunctionArtifact
from tapgen.errors import DeployError


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
    """Put `body` at `key` unless that exact content is there already; True if uploaded.

    Raises ArtifactMismatch when the key holds other bytes: whoever wrote them, they are not what was built.
    """
    checksum = sha256_checksum(body)
    stored = stored_checksum(s3_client, bucket, key)
    if stored is None:
        s3_client.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            # S3 refuses the upload unless the bytes it stores hash to this value, and keeps it for the next HEAD.
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=checksum,
        )
        return True
    if stored == UNKNOWN_CHECKSUM:
        stored = sha256_checksum(_download(s3_client, bucket, key, len(body)))
    if stored != checksum:
        raise ArtifactMismatch(bucket, key)
    return False


class ArtifactMismatch(DeployError):
    """An object at a content-hash key whose content is not the content that key names."""

    def __init__(self, bucket: str, key: str) -> None:
        super().__init__(
            f"s3://{bucket}/{key} already exists with different content than tapgen built: it was not written "
            "by tapgen (or was altered). Refusing to deploy it; remove it after checking who wrote it"
        )
        self.bucket = bucket
        self.key = key


# S3 gave no whole-object SHA-256 (uploaded without one, or multipart): the content must be read to be known.
UNKNOWN_CHECKSUM = ""


def sha256_checksum(body: bytes) -> str:
    """The base64 SHA-256 that S3 and Lambda (CodeSha256) report for `body`."""
    return base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def stored_checksum(s3_client: Any, bucket: str, key: str) -> str | None:
    """None when no object is at `key`; else its stored SHA-256, or UNKNOWN_CHECKSUM when S3 keeps none."""
    from botocore.exceptions import ClientError

    try:
        head = s3_client.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    value = head.get("ChecksumSHA256") or UNKNOWN_CHECKSUM
    # A multipart upload's checksum is a checksum of part checksums ("...-N"), not of the object.
    return UNKNOWN_CHECKSUM if "-" in value else str(value)


def _download(s3_client: Any, bucket: str, key: str, expected_size: int) -> bytes:
    """The object's bytes, reading one byte past the expected size at most (a larger object differs anyway)."""
    from botocore.exceptions import ClientError

    try:
        response = s3_client.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{expected_size}")
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "InvalidRange":  # an empty object
            return b""
        raise
    data: bytes = response["Body"].read(expected_size + 1)
    return data
