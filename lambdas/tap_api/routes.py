"""The API's routes: what each one does for the authenticated caller."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from tap_api import cursor
from tap_api.http import ApiError, Request, response
from tap_api.settings import api_settings
from tap_api.uploads import parse_upload, safe_name
from tap_shared import contract, items
from tap_shared.clients import client
from tap_shared.settings import settings

Response = dict[str, Any]
Route = Callable[[Request, str | None], Response]

FILE_ID = re.compile(r"[0-9a-f]{32}")
DEFAULT_PAGE, MAX_PAGE = 20, 100
# What a caller sees of an item; owner, sort key and sequencer stay internal.
PUBLIC_FIELDS = (
    "fileId", "filename", "kind", "status", "size", "contentType", "objectKey", "etag", "versionId",
    "createdAt", "processedAt", "metadata", "reason", "error",
)  # fmt: skip
POSITION_KEYS = {contract.TABLE_PARTITION_KEY, contract.OWNER_INDEX_PARTITION_KEY, contract.OWNER_INDEX_SORT_KEY}


def public(item: items.Item) -> dict[str, Any]:
    return {name: item[name] for name in PUBLIC_FIELDS if name in item}


def _caller(request: Request) -> str:
    if request.caller is None:
        raise ApiError(401, "unauthenticated", "the request carries no authenticated caller")
    return request.caller


def _file_id(raw: str | None) -> str:
    if raw is None or not FILE_ID.fullmatch(raw):
        raise ApiError(400, "invalid_id", "file id must be 32 lower-case hex characters")
    return raw


def _owned_item(request: Request, raw_id: str | None) -> items.Item:
    """The caller's item; someone else's file is indistinguishable from a missing one."""
    file_id, owner = _file_id(raw_id), _caller(request)
    item = items.get(settings().table_name, file_id)
    if item is None or item.get(contract.OWNER_INDEX_PARTITION_KEY) != owner:
        raise ApiError(404, "not_found", f"file {file_id} not found")
    return item


def health(request: Request, _: str | None) -> Response:
    config = settings()
    return response(200, {"status": "ok", "environment": config.environment, "version": config.app_version})


def create_file(request: Request, _: str | None) -> Response:
    """Record a PENDING item and hand back a presigned POST that only accepts the declared file."""
    owner, config, ttl = _caller(request), settings(), api_settings().upload_url_ttl
    upload = parse_upload(request.json_body(), config.max_upload_bytes)
    # os.urandom is the CSPRNG behind `secrets`, without the cold-start cost of importing `random`.
    file_id, created = os.urandom(16).hex(), items.now()
    key = upload.object_key(file_id)
    items.create(
        config.table_name,
        {
            contract.TABLE_PARTITION_KEY: file_id,
            contract.OWNER_INDEX_PARTITION_KEY: owner,
            contract.OWNER_INDEX_SORT_KEY: f"{created}#{file_id}",
            "objectKey": key,
            "filename": upload.filename,
            "kind": upload.kind,
            "status": items.PENDING,
            "size": upload.size,
            "contentType": upload.content_type,
            "createdAt": created,
        },
    )
    post = client("s3").generate_presigned_post(
        Bucket=config.bucket_name,
        Key=key,
        Fields={"Content-Type": upload.content_type},
        Conditions=[{"Content-Type": upload.content_type}, ["content-length-range", 1, upload.size]],
        ExpiresIn=ttl,
    )
    body = {
        "fileId": file_id,
        "objectKey": key,
        "status": items.PENDING,
        "upload": {"url": post["url"], "fields": post["fields"]},
        "expiresInSeconds": ttl,
        "maxBytes": upload.size,
    }
    return response(201, body, {"location": f"/files/{file_id}"})


def _limit(request: Request) -> int:
    raw = request.query.get("limit", str(DEFAULT_PAGE))
    # Length first: int() refuses strings of over 4300 digits with a ValueError.
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(MAX_PAGE)) or not 1 <= int(raw) <= MAX_PAGE:
        raise ApiError(400, "invalid_limit", f"limit must be an integer from 1 to {MAX_PAGE}")
    return int(raw)


def list_files(request: Request, _: str | None) -> Response:
    """The caller's files, newest first, a page at a time."""
    owner, table, limit = _caller(request), settings().table_name, _limit(request)
    raw_cursor = request.query.get("cursor")
    start = cursor.decode(owner, raw_cursor) if raw_cursor else None
    if start is not None and (set(start) != POSITION_KEYS or start[contract.OWNER_INDEX_PARTITION_KEY] != owner):
        raise ApiError(400, "invalid_cursor", "cursor is malformed or was not issued to you")
    page, last = items.list_by_owner(table, api_settings().owner_index, owner, limit, start)
    next_cursor = cursor.encode(owner, last) if last else None
    return response(200, {"items": [public(item) for item in page], "cursor": next_cursor})


def get_file(request: Request, file_id: str | None) -> Response:
    return response(200, public(_owned_item(request, file_id)))


def download_file(request: Request, file_id: str | None) -> Response:
    """A short-lived link to the processed object; files not (yet) processed have none."""
    item, bucket, ttl = _owned_item(request, file_id), settings().bucket_name, api_settings().download_url_ttl
    if item.get("status") != items.PROCESSED:
        raise ApiError(409, "not_processed", f"file {item['fileId']} is {item.get('status')}, not PROCESSED")
    filename = safe_name(item["filename"], contract.extension_of(item["objectKey"]))
    params = {
        "Bucket": bucket,
        "Key": item["objectKey"],
        "ResponseContentDisposition": f'attachment; filename="{filename}"',
    }
    if item.get("versionId"):
        params["VersionId"] = item["versionId"]
    url = client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=ttl)
    return response(200, {"fileId": item["fileId"], "url": url, "expiresInSeconds": ttl})


# Path templates: a "{id}" segment matches one path segment and is passed to the route.
ROUTES: dict[str, dict[str, Route]] = {
    "/health": {"GET": health},
    "/files": {"GET": list_files, "POST": create_file},
    "/files/{id}": {"GET": get_file},
    "/files/{id}/download": {"GET": download_file},
}


def _matches(template: str, path: str) -> tuple[bool, str | None]:
    want, have = template.split("/"), path.split("/")
    if len(want) != len(have):
        return False, None
    captured = None
    for pattern, segment in zip(want, have, strict=True):
        if pattern == "{id}" and segment:
            captured = segment
        elif pattern != segment:
            return False, None
    return True, captured


def resolve(request: Request) -> tuple[Route, str | None]:
    """The route for the request: unknown path → 404, known path with another method → 405."""
    path = request.path.rstrip("/") or "/"
    for template, methods in ROUTES.items():
        matched, captured = _matches(template, path)
        if matched:
            if request.method not in methods:
                allowed = ", ".join(sorted(methods))
                raise ApiError(
                    405, "method_not_allowed", f"{request.method} is not allowed on {template}", {"allow": allowed}
                )
            return methods[request.method], captured
    raise ApiError(404, "not_found", f"no route for {request.method} {path}")
