"""Every route through the api handler against moto: results, errors, caller isolation, pagination, uploads."""

from __future__ import annotations

import base64
import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from tap_api import cursor, handler, routes
from tap_api.http import ApiError, Request
from tap_processors import image
from tap_shared import contract, items
from tests.lambdas import samples
from tests.lambdas.conftest import (
    ALICE,
    APP_VERSION,
    BOB,
    BUCKET,
    CAROL,
    DAVE,
    DOWNLOAD_URL_TTL,
    ENVIRONMENT,
    MAX_UPLOAD_BYTES,
    REQUEST_ID,
    UPLOAD_URL_TTL,
    Aws,
    Caller,
    LambdaContext,
    api_event,
    s3_event,
)

Result = tuple[int, dict[str, Any], dict[str, str]]


def call(event: dict[str, Any]) -> Result:
    result = handler.handle(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"]), result["headers"]


def create(caller: Caller = ALICE, **body: Any) -> dict[str, Any]:
    status, created, _ = call(api_event("POST", "/files", caller=caller, body=body or _upload()))
    assert status == 201, created
    return created


def _upload(filename: str = "holiday.png", content_type: str = "image/png", size: int = 100) -> dict[str, Any]:
    return {"filename": filename, "contentType": content_type, "size": size}


@pytest.fixture
def ticking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Creation times one millisecond apart, so "newest first" has one right answer."""
    clock = itertools.count()
    monkeypatch.setattr(items, "now", lambda: f"2024-03-12T19:05:{next(clock) / 1000:06.3f}Z")


# (id, method, path, expected route or status)
RESOLVE = [
    ("health", "GET", "/health", routes.health),
    ("list", "GET", "/files", routes.list_files),
    ("create", "POST", "/files", routes.create_file),
    ("trailing-slash", "GET", "/files/", routes.list_files),
    ("get", "GET", "/files/abc", routes.get_file),
    ("download", "GET", "/files/abc/download", routes.download_file),
    ("unknown", "GET", "/nope", 404),
    ("root", "GET", "/", 404),
    ("empty-id", "GET", "/files//download", 404),
    ("too-deep", "GET", "/files/a/download/more", 404),
    ("case-matters", "GET", "/Files", 404),
]


@pytest.mark.parametrize(("method", "path", "expected"), [c[1:] for c in RESOLVE], ids=[c[0] for c in RESOLVE])
def test_resolve(method: str, path: str, expected: Any) -> None:
    if isinstance(expected, int):
        with pytest.raises(ApiError) as raised:
            routes.resolve(Request(method, path))
        assert raised.value.status == expected
    else:
        assert routes.resolve(Request(method, path))[0] is expected


def test_health(aws: Aws) -> None:
    assert call(api_event("GET", "/health"))[:2] == (
        200,
        {"status": "ok", "environment": ENVIRONMENT, "version": APP_VERSION},
    )


# (id, method, path, allowed methods)
WRONG_METHODS = [
    ("delete-files", "DELETE", "/files", "GET, POST"),
    ("put-health", "PUT", "/health", "GET"),
    ("post-file", "POST", "/files/0123456789abcdef0123456789abcdef", "GET"),
    ("head-download", "HEAD", "/files/0123456789abcdef0123456789abcdef/download", "GET"),
    ("lower-case-method-still-checked", "patch", "/files", "GET, POST"),
]


@pytest.mark.parametrize(("method", "path", "allow"), [c[1:] for c in WRONG_METHODS], ids=[c[0] for c in WRONG_METHODS])
def test_wrong_method_is_405_with_allow(aws: Aws, method: str, path: str, allow: str) -> None:
    status, body, headers = call(api_event(method, path))
    assert (status, body["error"]["code"], headers["allow"]) == (405, "method_not_allowed", allow)


@pytest.mark.parametrize("path", ["/nope", "/files/x/y/z", "/uploads", "/"], ids=["nope", "deep", "uploads", "root"])
def test_unknown_route_is_404(aws: Aws, path: str) -> None:
    status, body, _ = call(api_event("GET", path))
    assert (status, body["error"]["code"]) == (404, "not_found")


SOME_ID = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/files"), ("POST", "/files"), ("GET", f"/files/{SOME_ID}"), ("GET", f"/files/{SOME_ID}/download")],
    ids=["list", "create", "get", "download"],
)
def test_missing_caller_is_401(aws: Aws, method: str, path: str) -> None:
    status, body, _ = call(api_event(method, path, caller=None, body=_upload() if method == "POST" else None))
    assert (status, body["error"]["code"]) == (401, "unauthenticated")


def _policy(fields: dict[str, str]) -> dict[str, Any]:
    policy: dict[str, Any] = json.loads(base64.b64decode(fields["policy"]))
    return policy


@pytest.mark.parametrize("caller", [ALICE, CAROL], ids=["iam", "jwt"])
def test_create_records_a_pending_item_and_a_presigned_post(aws: Aws, caller: Caller) -> None:
    status, body, headers = call(api_event("POST", "/files", caller=caller, body=_upload("Holiday Pic.PNG", size=1234)))
    assert status == 201
    file_id = body["fileId"]
    key = f"uploads/{file_id}/Holiday-Pic.png"
    assert routes.FILE_ID.fullmatch(file_id)
    assert headers["location"] == f"/files/{file_id}"
    assert {k: body[k] for k in ("objectKey", "status", "expiresInSeconds", "maxBytes")} == {
        "objectKey": key,
        "status": "PENDING",
        "expiresInSeconds": UPLOAD_URL_TTL,
        "maxBytes": 1234,
    }
    fields = body["upload"]["fields"]
    assert (fields["key"], fields["Content-Type"]) == (key, "image/png")
    conditions = _policy(fields)["conditions"]
    assert {"bucket": BUCKET} in conditions
    assert {"key": key} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, 1234] in conditions
    item = aws.item(file_id)
    assert item is not None
    assert {k: item[k] for k in ("status", "objectKey", "kind", "size", "contentType", "filename")} == {
        "status": "PENDING",
        "objectKey": key,
        "kind": "image",
        "size": 1234,
        "contentType": "image/png",
        "filename": "Holiday Pic.PNG",
    }
    assert item[contract.OWNER_INDEX_PARTITION_KEY] == caller.owner
    assert item[contract.OWNER_INDEX_SORT_KEY] == f"{item['createdAt']}#{file_id}"


def test_the_presigned_post_expires_after_the_upload_ttl(aws: Aws) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    expiration = datetime.fromisoformat(_policy(create()["upload"]["fields"])["expiration"])
    after = datetime.now(UTC)
    assert before + timedelta(seconds=UPLOAD_URL_TTL) <= expiration <= after + timedelta(seconds=UPLOAD_URL_TTL)


def test_an_upload_with_the_presigned_post_lands_where_the_item_says(aws: Aws) -> None:
    png = samples.png(12, 9)
    body = create(filename="shot.png", contentType="image/png", size=len(png))
    upload = body["upload"]
    sent = requests.post(upload["url"], data=upload["fields"], files={"file": ("shot.png", png)}, timeout=10)
    assert sent.status_code == 204
    stored = aws.s3.get_object(Bucket=BUCKET, Key=body["objectKey"])
    assert (stored["Body"].read(), stored["ContentType"]) == (png, "image/png")

    event = s3_event(body["objectKey"], len(png), version_id=stored["VersionId"], etag=stored["ETag"].strip('"'))
    assert image.handle(event, LambdaContext())["records"][0]["status"] == "PROCESSED"
    status, item, _ = call(api_event("GET", f"/files/{body['fileId']}"))
    assert (status, item["status"], item["metadata"]) == (200, "PROCESSED", {"format": "png", "width": 12, "height": 9})

    status, link, _ = call(api_event("GET", f"/files/{body['fileId']}/download"))
    assert (status, link["fileId"], link["expiresInSeconds"]) == (200, body["fileId"], DOWNLOAD_URL_TTL)
    query = parse_qs(urlparse(link["url"]).query)
    assert query["versionId"] == [stored["VersionId"]]
    assert query["response-content-disposition"] == ['attachment; filename="shot.png"']
    assert query["X-Amz-Expires"] == [str(DOWNLOAD_URL_TTL)]
    downloaded = requests.get(link["url"], timeout=10)
    assert (downloaded.status_code, downloaded.content) == (200, png)


# (id, request body as sent, base64, status, code)
BAD_CREATES = [
    ("unknown-field", {**_upload(), "ownerId": "iam:someone-else"}, False, 400, "invalid_request"),
    ("bad-extension", _upload("a.exe"), False, 400, "unsupported_type"),
    ("bad-content-type", _upload(content_type="text/html"), False, 400, "unsupported_type"),
    ("too-large", _upload(size=MAX_UPLOAD_BYTES + 1), False, 400, "too_large"),
    ("no-filename", {"contentType": "image/png", "size": 1}, False, 400, "invalid_request"),
    ("malformed-json", "{filename: a.png}", False, 400, "invalid_json"),
    ("array", "[]", False, 400, "invalid_request"),
    ("empty-body", "", False, 400, "invalid_request"),
    ("oversized-body", json.dumps({**_upload(), "pad": "x" * 20_000}), False, 413, "payload_too_large"),
    ("base64-not-json", b"\x89PNG\r\n", True, 400, "invalid_json"),
    ("deeply-nested", "[" * 5000, False, 400, "invalid_json"),
]


@pytest.mark.parametrize(
    ("body", "b64", "status", "code"), [c[1:] for c in BAD_CREATES], ids=[c[0] for c in BAD_CREATES]
)
def test_invalid_creates(aws: Aws, body: Any, b64: bool, status: int, code: str) -> None:
    result = call(api_event("POST", "/files", body=body, base64_body=b64))
    assert (result[0], result[1]["error"]["code"]) == (status, code)
    assert aws.dynamodb.scan(TableName="tap-test-metadata")["Count"] == 0


def test_a_base64_encoded_json_body_is_accepted(aws: Aws) -> None:
    assert call(api_event("POST", "/files", body=json.dumps(_upload()), base64_body=True))[0] == 201


def test_get_returns_the_public_fields_only(aws: Aws) -> None:
    file_id = create()["fileId"]
    status, item, _ = call(api_event("GET", f"/files/{file_id}"))
    assert status == 200
    assert set(item) == {"fileId", "filename", "kind", "status", "size", "contentType", "objectKey", "createdAt"}


@pytest.mark.parametrize(
    "file_id",
    ["0123456789ABCDEF0123456789ABCDEF", "0123", "g" * 32, "unclaimed-0123456789abcdef0123456789abcdef", "%2e%2e"],
    ids=["upper-case", "short", "not-hex", "unclaimed", "encoded"],
)
@pytest.mark.parametrize("suffix", ["", "/download"], ids=["get", "download"])
def test_a_malformed_id_is_400(aws: Aws, file_id: str, suffix: str) -> None:
    status, body, _ = call(api_event("GET", f"/files/{file_id}{suffix}"))
    assert (status, body["error"]["code"]) == (400, "invalid_id")


@pytest.mark.parametrize("suffix", ["", "/download"], ids=["get", "download"])
def test_an_unknown_id_is_404(aws: Aws, suffix: str) -> None:
    status, body, _ = call(api_event("GET", f"/files/{'a' * 32}{suffix}"))
    assert (status, body["error"]["code"]) == (404, "not_found")


def test_an_unclaimed_item_is_nobodys(aws: Aws) -> None:
    image.handle(s3_event("stray.png", 3), LambdaContext())
    (unclaimed,) = aws.dynamodb.scan(TableName="tap-test-metadata")["Items"]
    assert unclaimed["fileId"]["S"].startswith("unclaimed-")
    assert call(api_event("GET", "/files"))[1]["items"] == []


def test_download_of_an_unversioned_object_names_no_version(aws: Aws) -> None:
    file_id = create()["fileId"]
    items.record_result("tap-test-metadata", file_id, f"uploads/{file_id}/holiday.png", "01", {"status": "PROCESSED"})
    status, link, _ = call(api_event("GET", f"/files/{file_id}/download"))
    assert status == 200
    assert "versionId" not in parse_qs(urlparse(link["url"]).query)
    assert urlparse(link["url"]).path.endswith(f"/uploads/{file_id}/holiday.png")


@pytest.mark.parametrize("status", ["PENDING", "REJECTED", "FAILED"])
def test_download_is_409_until_processed(aws: Aws, status: str) -> None:
    file_id = create()["fileId"]
    key = f"uploads/{file_id}/holiday.png"
    if status != "PENDING":
        items.record_result("tap-test-metadata", file_id, key, "01", {"status": status})
    result, body, _ = call(api_event("GET", f"/files/{file_id}/download"))
    assert (result, body["error"]["code"]) == (409, "not_processed")
    assert status in body["error"]["message"]


@pytest.mark.parametrize(
    ("owner", "stranger"), [(ALICE, BOB), (CAROL, DAVE), (ALICE, CAROL)], ids=["iam", "jwt", "mixed"]
)
def test_callers_never_see_each_others_files(aws: Aws, owner: Caller, stranger: Caller) -> None:
    theirs = [create(owner)["fileId"] for _ in range(3)]
    mine = create(stranger)["fileId"]
    key = f"uploads/{theirs[0]}/holiday.png"
    items.record_result("tap-test-metadata", theirs[0], key, "01", {"status": "PROCESSED"})

    listed = call(api_event("GET", "/files", caller=stranger))[1]
    assert [i["fileId"] for i in listed["items"]] == [mine]
    for file_id in theirs:
        for suffix in ("", "/download"):
            status, body, _ = call(api_event("GET", f"/files/{file_id}{suffix}", caller=stranger))
            assert (status, body["error"]["code"]) == (404, "not_found")
    owners_page = call(api_event("GET", "/files", caller=owner, query={"limit": "1"}))[1]
    stolen = call(api_event("GET", "/files", caller=stranger, query={"cursor": owners_page["cursor"]}))
    assert (stolen[0], stolen[1]["error"]["code"]) == (400, "invalid_cursor")


def test_same_subject_from_iam_and_jwt_are_different_callers(aws: Aws) -> None:
    same_name = Caller("jwt", ALICE.identity)
    create(ALICE)
    assert call(api_event("GET", "/files", caller=same_name))[1]["items"] == []


def test_list_pages_newest_first(aws: Aws, ticking: None) -> None:
    created = [create()["fileId"] for _ in range(5)]
    create(BOB)
    seen, pages, query = [], [], {"limit": "2"}
    while True:
        status, page, _ = call(api_event("GET", "/files", query=query))
        assert status == 200
        pages.append(len(page["items"]))
        seen += [i["fileId"] for i in page["items"]]
        if page["cursor"] is None:
            break
        query = {"limit": "2", "cursor": page["cursor"]}
    assert seen == created[::-1]
    assert pages == [2, 2, 1]


def test_list_defaults_to_a_page_of_twenty(aws: Aws, ticking: None) -> None:
    for _ in range(routes.DEFAULT_PAGE + 1):
        create()
    page = call(api_event("GET", "/files"))[1]
    assert len(page["items"]) == routes.DEFAULT_PAGE and page["cursor"]


def test_an_empty_list(aws: Aws) -> None:
    assert call(api_event("GET", "/files"))[:2] == (200, {"items": [], "cursor": None})


@pytest.mark.parametrize(
    "limit",
    ["0", "101", "-1", "1.5", "abc", "", " 5", "\uff15", "²", "0" * 5000, "9" * 30],
    ids=["zero", "over-max", "negative", "decimal", "text", "empty", "space", "fullwidth", "super", "zeros", "huge"],
)
def test_invalid_limit_is_400(aws: Aws, limit: str) -> None:
    status, body, _ = call(api_event("GET", "/files", query={"limit": limit}))
    assert (status, body["error"]["code"]) == (400, "invalid_limit")


def test_limit_bounds(aws: Aws) -> None:
    for limit in ("1", str(routes.MAX_PAGE), "007"):
        assert call(api_event("GET", "/files", query={"limit": limit}))[0] == 200


def test_a_tampered_cursor_is_400(aws: Aws, ticking: None) -> None:
    for _ in range(3):
        create()
    cursor = call(api_event("GET", "/files", query={"limit": "1"}))[1]["cursor"]
    payload, signature = cursor.split(".")
    flipped = payload[:5] + ("A" if payload[5] != "A" else "B") + payload[6:]
    for bad in (f"{flipped}.{signature}", f"{payload}.{signature[::-1]}", "garbage", "x" * 5000):
        status, body, _ = call(api_event("GET", "/files", query={"cursor": bad}))
        assert (status, body["error"]["code"]) == (400, "invalid_cursor")


def test_a_signed_cursor_for_another_position_shape_is_400(aws: Aws) -> None:
    for position in ({"fileId": "x"}, {**dict.fromkeys(routes.POSITION_KEYS, "x"), "ownerId": BOB.owner}):
        forged = cursor.encode(ALICE.owner, position)
        status, body, _ = call(api_event("GET", "/files", query={"cursor": forged}))
        assert (status, body["error"]["code"]) == (400, "invalid_cursor")


def test_error_bodies_carry_the_request_id(aws: Aws) -> None:
    assert call(api_event("GET", "/nope"))[1]["error"]["requestId"] == REQUEST_ID
