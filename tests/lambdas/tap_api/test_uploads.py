"""Validation of `POST /files` bodies, and the object key an accepted upload gets."""

from __future__ import annotations

from typing import Any

import pytest

from tap_api.http import ApiError
from tap_api.uploads import CONTENT_TYPES, KIND_OF_EXTENSION, UploadRequest, parse_upload, safe_name
from tap_shared import contract

LIMIT = 1000


def test_every_extension_the_processors_handle_has_content_types() -> None:
    assert set(CONTENT_TYPES) == {s for suffixes in contract.KIND_SUFFIXES.values() for s in suffixes}


# (id, filename, content type, size, expected extension, kind, stored content type)
VALID = [
    ("png", "a.png", "image/png", 1, ".png", "image", "image/png"),
    ("upper-case-extension", "Photo.JPG", "image/jpeg", 1000, ".jpg", "image", "image/jpeg"),
    ("content-type-parameters", "r.csv", " Text/CSV; charset=utf-8", 5, ".csv", "data", "text/csv"),
    ("markdown-as-plain-text", "README.md", "text/plain", 5, ".md", "document", "text/plain"),
    ("unicode-name", "Résumé 2024.pdf", "application/pdf", 9, ".pdf", "document", "application/pdf"),
    ("jsonl", "x.jsonl", "application/x-ndjson", 9, ".jsonl", "data", "application/x-ndjson"),
]


@pytest.mark.parametrize(
    ("filename", "content_type", "size", "extension", "kind", "stored"),
    [c[1:] for c in VALID],
    ids=[c[0] for c in VALID],
)
def test_valid_uploads(filename: str, content_type: str, size: int, extension: str, kind: str, stored: str) -> None:
    body = {"filename": filename, "contentType": content_type, "size": size}
    assert parse_upload(body, LIMIT) == UploadRequest(filename, extension, kind, stored, size)
    assert KIND_OF_EXTENSION[extension] == kind


GOOD = {"filename": "a.png", "contentType": "image/png", "size": 10}
# (id, body, status, code, words of the message)
INVALID = [
    ("not-an-object", ["a.png"], 400, "invalid_request", "must be a JSON object"),
    ("unknown-field", {**GOOD, "owner": "someone"}, 400, "invalid_request", "unexpected field(s): owner"),
    ("no-filename", {"contentType": "image/png", "size": 1}, 400, "invalid_request", "filename must be"),
    ("filename-not-text", {**GOOD, "filename": 5}, 400, "invalid_request", "filename must be"),
    ("filename-blank", {**GOOD, "filename": "   "}, 400, "invalid_request", "filename must be"),
    ("filename-too-long", {**GOOD, "filename": "a" * 252 + ".png"}, 400, "invalid_request", "at most 255"),
    ("filename-slash", {**GOOD, "filename": "../../etc/a.png"}, 400, "invalid_request", "path separators"),
    ("filename-backslash", {**GOOD, "filename": "c:\\a.png"}, 400, "invalid_request", "path separators"),
    ("filename-control", {**GOOD, "filename": "a\nb.png"}, 400, "invalid_request", "control characters"),
    ("filename-bidi-override", {**GOOD, "filename": "a\u202egnp.png"}, 400, "invalid_request", "control"),
    ("filename-lone-surrogate", {**GOOD, "filename": "a\ud800.png"}, 400, "invalid_request", "control characters"),
    ("no-extension", {**GOOD, "filename": "png"}, 400, "unsupported_type", "'(none)'"),
    ("dotfile", {**GOOD, "filename": ".png"}, 400, "unsupported_type", "'(none)'"),
    ("unsupported-extension", {**GOOD, "filename": "run.exe"}, 400, "unsupported_type", "'.exe' is not supported"),
    ("double-extension", {**GOOD, "filename": "a.png.exe"}, 400, "unsupported_type", "'.exe'"),
    ("no-content-type", {"filename": "a.png", "size": 1}, 400, "invalid_request", "contentType must be a string"),
    ("content-type-mismatch", {**GOOD, "contentType": "text/html"}, 400, "unsupported_type", "does not match .png"),
    ("content-type-of-other-image", {**GOOD, "contentType": "image/gif"}, 400, "unsupported_type", "use image/png"),
    ("no-size", {"filename": "a.png", "contentType": "image/png"}, 400, "invalid_request", "size must be an integer"),
    ("size-text", {**GOOD, "size": "10"}, 400, "invalid_request", "size must be an integer"),
    ("size-float", {**GOOD, "size": 10.0}, 400, "invalid_request", "size must be an integer"),
    ("size-bool", {**GOOD, "size": True}, 400, "invalid_request", "size must be an integer"),
    ("size-zero", {**GOOD, "size": 0}, 400, "invalid_request", "at least 1 byte"),
    ("size-negative", {**GOOD, "size": -5}, 400, "invalid_request", "at least 1 byte"),
    ("size-over-limit", {**GOOD, "size": LIMIT + 1}, 400, "too_large", f"exceeds the limit of {LIMIT} bytes"),
]


@pytest.mark.parametrize(("body", "status", "code", "message"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_uploads(body: Any, status: int, code: str, message: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_upload(body, LIMIT)
    assert (raised.value.status, raised.value.code) == (status, code)
    assert message in raised.value.message


# (id, filename, extension, safe name)
SAFE_NAMES = [
    ("plain", "report.pdf", ".pdf", "report.pdf"),
    ("spaces-and-symbols", "my report (final)!.pdf", ".pdf", "my-report-final.pdf"),
    ("accents", "Résumé.pdf", ".pdf", "Resume.pdf"),
    ("upper-extension", "PHOTO.JPG", ".jpg", "PHOTO.jpg"),
    ("nothing-left", "日本語.png", ".png", "file.png"),
    ("dots-only", "...png", ".png", "file.png"),
    ("long", "a" * 300 + ".txt", ".txt", "a" * 100 + ".txt"),
]


@pytest.mark.parametrize(
    ("filename", "extension", "expected"), [c[1:] for c in SAFE_NAMES], ids=[c[0] for c in SAFE_NAMES]
)
def test_safe_name(filename: str, extension: str, expected: str) -> None:
    assert safe_name(filename, extension) == expected


def test_object_key_is_under_the_upload_prefix_and_file_id() -> None:
    upload = parse_upload({"filename": "My Photo.PNG", "contentType": "image/png", "size": 3}, LIMIT)
    assert upload.object_key("0" * 32) == f"uploads/{'0' * 32}/My-Photo.png"
