"""Where a function's zip lives in the artifact bucket: a key named by the zip's content."""

from __future__ import annotations

KEY_PREFIX = "tapgen"


def artifact_s3_key(function: str, sha256: str) -> str:
    """The content-addressed S3 key of a function's zip."""
    return f"{KEY_PREFIX}/{function}/{sha256}.zip"
