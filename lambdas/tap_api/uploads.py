"""What a caller may upload: validation of `POST /files` and the object key it gets."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, NamedTuple

from tap_api.http import ApiError
from tap_shared import contract
from tap_shared.contract import extension_of

# The content types a caller may declare for each extension; the presigned POST then pins it.
CONTENT_TYPES: dict[str, frozenset[str]] = {
    suffix: frozenset(kinds) for suffix, kinds in contract.CONTENT_TYPES.items()
}
KIND_OF_EXTENSION = {suffix: kind for kind, suffixes in contract.KIND_SUFFIXES.items() for suffix in suffixes}
MAX_FILENAME_LENGTH = 255
MAX_SAFE_STEM = 100
UPLOAD_FIELDS = frozenset({"filename", "contentType", "size"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRequest(NamedTuple):
    filename: str
    extension: str
    kind: str
    content_type: str
    size: int

    def object_key(self, file_id: str) -> str:
        return f"{contract.UPLOAD_PREFIX}{file_id}/{safe_name(self.filename, self.extension)}"


def _invalid(message: str) -> ApiError:
    return ApiError(400, "invalid_request", message)


def safe_name(filename: str, extension: str) -> str:
    """An ASCII object name that keeps the caller's stem recognisable and the checked extension."""
    stem = unicodedata.normalize("NFKD", filename[: -len(extension)]).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("-", stem).strip(".-_")[:MAX_SAFE_STEM] or "file"
    return f"{stem}{extension}"


def _filename(body: dict[str, Any]) -> str:
    filename = body.get("filename")
    if not isinstance(filename, str) or not filename.strip():
        raise _invalid("filename must be a non-empty string")
    if len(filename) > MAX_FILENAME_LENGTH:
        raise _invalid(f"filename must be at most {MAX_FILENAME_LENGTH} characters")
    if any(c in filename for c in "/\\") or any(unicodedata.category(c)[0] == "C" for c in filename):
        raise _invalid("filename must not contain path separators or control characters")
    return filename


def _extension(filename: str) -> str:
    extension = extension_of(filename)
    if extension not in KIND_OF_EXTENSION:
        allowed = ", ".join(sorted(KIND_OF_EXTENSION))
        raise ApiError(
            400, "unsupported_type", f"extension {extension or '(none)'!r} is not supported; use one of {allowed}"
        )
    return extension


def _content_type(body: dict[str, Any], extension: str) -> str:
    content_type = body.get("contentType")
    if not isinstance(content_type, str):
        raise _invalid("contentType must be a string")
    normalised = content_type.split(";", 1)[0].strip().lower()
    if normalised not in CONTENT_TYPES[extension]:
        allowed = ", ".join(sorted(CONTENT_TYPES[extension]))
        raise ApiError(
            400, "unsupported_type", f"contentType {content_type!r} does not match {extension}; use {allowed}"
        )
    return normalised


def _size(body: dict[str, Any], max_bytes: int) -> int:
    size = body.get("size")
    if isinstance(size, bool) or not isinstance(size, int):
        raise _invalid("size must be an integer number of bytes")
    if size < 1:
        raise _invalid("size must be at least 1 byte")
    if size > max_bytes:
        raise ApiError(400, "too_large", f"size {size} exceeds the limit of {max_bytes} bytes")
    return size


def parse_upload(body: Any, max_bytes: int) -> UploadRequest:
    if not isinstance(body, dict):
        raise _invalid("request body must be a JSON object")
    unknown = sorted(set(body) - UPLOAD_FIELDS)
    if unknown:
        raise _invalid(f"unexpected field(s): {', '.join(unknown)}; expected filename, contentType, size")
    filename = _filename(body)
    extension = _extension(filename)
    return UploadRequest(
        filename=filename,
        extension=extension,
        kind=KIND_OF_EXTENSION[extension],
        content_type=_content_type(body, extension),
        size=_size(body, max_bytes),
    )
