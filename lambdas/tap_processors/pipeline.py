"""What every processor does with an S3 event: read its bounded head and tail, inspect them, record the result.

Each processor module supplies only its `inspect` function; the reading, the limits, the
conditional write and the logging live here once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from botocore.exceptions import ClientError

from tap_processors import metrics
from tap_processors.events import MalformedEventError, ObjectCreated, is_test_event, object_records
from tap_processors.metrics import Measurement
from tap_shared import contract, items
from tap_shared.clients import client
from tap_shared.container import per_container
from tap_shared.contract import extension_of
from tap_shared.log import log, request_id
from tap_shared.settings import Settings, positive, settings

Metadata = dict[str, Any]
GONE_CODES = frozenset({"NoSuchKey", "NoSuchVersion", "404"})
DELETED = "object was deleted before it could be processed"
DEFAULT_READ_WINDOW_BYTES = 64 * 1024
# How much of the end of an object larger than the window is read too: a PDF's %%EOF may lie 1 KiB before
# the end, and a JPEG's EOI may be followed by padding; 4 KiB holds both with room to spare.
TAIL_READ_BYTES = 4096


class RejectedError(Exception):
    """The object's content is not what its extension promises; the reason is shown to the caller."""


class Content(NamedTuple):
    """What a processor has read of an object: its first bytes, its last bytes and its size."""

    head: bytes  # from byte 0: the whole object when `complete`
    tail: bytes  # the last min(size, TAIL_READ_BYTES) bytes
    size: int

    @property
    def complete(self) -> bool:
        return len(self.head) >= self.size


def content_of(head: bytes, rest: bytes, size: int) -> Content:
    """The content read as `head` and then `rest`, the bytes up to the object's end that `head` lacks."""
    return Content(head, (head[-TAIL_READ_BYTES:] + rest)[-TAIL_READ_BYTES:], size)


# inspect(content, extension) -> metadata, or RejectedError with the reason.
Inspector = Callable[[Content, str], Metadata]


class Prefix(NamedTuple):
    data: bytes
    total_size: int
    etag: str | None
    version_id: str | None

    @property
    def complete(self) -> bool:
        return len(self.data) >= self.total_size


@per_container
def read_window_bytes() -> int:
    """How much of each object a processor reads: the processors' own setting."""
    return positive(contract.ENV_READ_WINDOW_BYTES, DEFAULT_READ_WINDOW_BYTES)


def file_id_of(key: str) -> str | None:
    """The file id in `uploads/{fileId}/{name}`, or None for a key no upload URL could produce."""
    if not key.startswith(contract.UPLOAD_PREFIX):
        return None
    parts = key[len(contract.UPLOAD_PREFIX) :].split("/")
    candidate = parts[0]
    if len(parts) != 2 or len(candidate) != 32 or any(c not in "0123456789abcdef" for c in candidate):
        return None
    return candidate


def _total_size(response: dict[str, Any]) -> int:
    content_range = response.get("ContentRange")  # "bytes 0-65535/104857600"
    if isinstance(content_range, str) and "/" in content_range:
        total = content_range.rsplit("/", 1)[1]
        if total.isdigit():
            return int(total)
    return int(response.get("ContentLength", 0))


def _ranged_get(request: dict[str, Any], limit: int) -> tuple[dict[str, Any], bytes] | None:
    """The response and at most `limit` bytes of its body; None if the object (version) no longer exists."""
    try:
        response = client("s3").get_object(**request)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in GONE_CODES:
            return None
        raise
    body = response["Body"]
    try:
        return response, body.read(limit)  # bounded even if a server ignored the Range header
    finally:
        body.close()


def read_prefix(record: ObjectCreated, window: int) -> Prefix | None:
    """At most `window` bytes from the start of the object version; None if it no longer exists."""
    request: dict[str, Any] = {"Bucket": record.bucket, "Key": record.key, "Range": f"bytes=0-{window - 1}"}
    if record.version_id:
        request["VersionId"] = record.version_id
    try:
        read = _ranged_get(request, window)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "InvalidRange":  # a zero-byte object has no byte 0
            return Prefix(b"", 0, record.etag, record.version_id)
        raise
    if read is None:
        return None
    response, data = read
    # GetObject quotes the ETag, notifications do not: store it one way whichever path wrote it.
    etag = response.get("ETag")
    return Prefix(data, _total_size(response), etag.strip('"') if etag else record.etag, response.get("VersionId"))


def read_content(record: ObjectCreated, prefix: Prefix) -> Content | None:
    """The prefix and, for an object larger than it, the object's last bytes: None if it no longer exists.

    The tail is read from the same version and only while the ETag is unchanged, so an object replaced
    between the two reads fails with PreconditionFailed (and Lambda retries) instead of mixing two objects.
    """
    if prefix.complete:
        return content_of(prefix.data, b"", prefix.total_size)
    start = _tail_start(prefix)
    end = prefix.total_size - 1
    request: dict[str, Any] = {"Bucket": record.bucket, "Key": record.key, "Range": f"bytes={start}-{end}"}
    if prefix.etag:
        request["IfMatch"] = f'"{prefix.etag}"'
    if version_id := prefix.version_id or record.version_id:
        request["VersionId"] = version_id
    read = _ranged_get(request, prefix.total_size - start)
    return None if read is None else content_of(prefix.data, read[1], prefix.total_size)


def _tail_start(prefix: Prefix) -> int:
    """Where the tail read of an object larger than its prefix starts: the last bytes, never re-reading the prefix."""
    return max(len(prefix.data), prefix.total_size - TAIL_READ_BYTES)


def _within_limit(size: int, limit: int) -> None:
    if size > limit:
        raise RejectedError(f"object is {size} bytes; the limit is {limit}")


def _admitted_extension(record: ObjectCreated, kind: str, limit: int) -> str:
    """The object's extension, if this processor handles it and the announced size is allowed."""
    extension = extension_of(record.key)
    if extension not in contract.KIND_SUFFIXES[kind]:
        raise RejectedError(f"extension {extension or '(none)'} is not handled by the {kind} processor")
    _within_limit(record.size, limit)
    return extension


def _content(record: ObjectCreated, prefix: Prefix, limit: int) -> Content | None:
    """The content to inspect, once the object's real size is allowed; None if it was deleted meanwhile."""
    # Checked again on the object itself: not every writer goes through the presigned POST.
    _within_limit(prefix.total_size, limit)
    if prefix.total_size == 0:
        raise RejectedError("file is empty")
    return read_content(record, prefix)


def evaluate(record: ObjectCreated, kind: str, inspect: Inspector, config: Settings) -> tuple[items.Item, int]:
    """The outcome for one object (PROCESSED with metadata, REJECTED with a reason, or FAILED) and bytes read."""
    outcome: items.Item = {"size": record.size, "etag": record.etag, "versionId": record.version_id}
    outcome.update(processedAt=items.now(), metadata=None, reason=None, error=None)
    bytes_read = 0
    try:
        extension = _admitted_extension(record, kind, config.max_upload_bytes)
        prefix = read_prefix(record, read_window_bytes())
        if prefix is None:
            return {**outcome, "status": items.FAILED, "error": DELETED}, 0
        bytes_read = len(prefix.data) if prefix.complete else len(prefix.data) + prefix.total_size - _tail_start(prefix)
        outcome.update(size=prefix.total_size, etag=prefix.etag, versionId=prefix.version_id or record.version_id)
        content = _content(record, prefix, config.max_upload_bytes)
        if content is None:
            return {**outcome, "status": items.FAILED, "error": DELETED}, bytes_read
        metadata = inspect(content, extension)
    except RejectedError as rejection:
        return {**outcome, "status": items.REJECTED, "reason": str(rejection)}, bytes_read
    return {**outcome, "status": items.PROCESSED, "metadata": metadata}, bytes_read


def unclaimed_item(record: ObjectCreated, kind: str) -> items.Item:
    """An item for an object that no upload URL asked for, so it is on record rather than lost."""
    digest = hashlib.sha256(f"{record.bucket}/{record.key}".encode()).hexdigest()[:32]
    stamp = items.now()
    return {
        contract.TABLE_PARTITION_KEY: f"unclaimed-{digest}",
        "objectKey": record.key,
        "kind": kind,
        "status": items.REJECTED,
        "reason": "object does not belong to a known upload",
        "size": record.size,
        "etag": record.etag,
        "versionId": record.version_id,
        "createdAt": stamp,
        "processedAt": stamp,
        "sequencer": record.sequencer,
    }


def process(record: ObjectCreated, kind: str, inspect: Inspector) -> tuple[dict[str, Any], Measurement | None]:
    """The record's outcome, and its measurement when a result was recorded (not when superseded)."""
    config = settings()
    file_id = file_id_of(record.key)
    item = items.get(config.table_name, file_id) if file_id else None
    if item is None or item.get("objectKey") != record.key:
        unclaimed = unclaimed_item(record, kind)
        written = items.record_unclaimed(config.table_name, {k: v for k, v in unclaimed.items() if v is not None})
        status = "UNCLAIMED" if written else "SUPERSEDED"
        measured = _measurement(record, items.REJECTED, 0) if written else None
        return {"key": record.key, "fileId": unclaimed["fileId"], "status": status}, measured
    result, bytes_read = evaluate(record, kind, inspect, config)
    written = items.record_result(config.table_name, item["fileId"], record.key, record.sequencer, result)
    outcome = {"key": record.key, "fileId": item["fileId"], "status": result["status"] if written else "SUPERSEDED"}
    if result.get("reason"):
        outcome["reason"] = result["reason"]
    return outcome, _measurement(record, result["status"], bytes_read) if written else None


def _measurement(record: ObjectCreated, status: str, bytes_read: int) -> Measurement:
    return Measurement(status, bytes_read, metrics.delay_ms(metrics.event_time(record.event_time), time.time()))


def handle_event(event: Any, context: Any, kind: str, inspect: Inspector) -> dict[str, Any]:
    """Process every ObjectCreated record; transient AWS errors propagate so Lambda retries."""
    rid, started = request_id(context), time.perf_counter()
    if is_test_event(event):
        log("INFO", "s3 test event ignored", rid, function=kind)
        return {"records": []}
    try:
        space = metrics.namespace()
        records, ignored = object_records(event)
        results = [process(record, kind, inspect) for record in records]
    except MalformedEventError as error:
        log("ERROR", "malformed event", rid, function=kind, error=str(error))
        raise
    except Exception as error:
        log(
            "ERROR",
            "processing failed; Lambda will retry",
            rid,
            function=kind,
            error=f"{type(error).__name__}: {error}",
        )
        raise
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    outcomes = [outcome for outcome, _ in results]
    measured = [measurement for _, measurement in results if measurement]
    # The log line is also the EMF document of the invocation's metrics.
    emf = metrics.emf_fields(space, kind, measured, int(time.time() * 1000))
    log(
        "INFO", "processed", rid, function=kind, records=outcomes, ignoredRecords=ignored, durationMs=duration_ms, **emf
    )
    return {"records": outcomes}
