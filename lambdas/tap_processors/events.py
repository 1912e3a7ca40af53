"""S3 ObjectCreated notifications, parsed into the records a processor acts on."""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import unquote_plus


class MalformedEventError(ValueError):
    """An event that is not a well-formed S3 notification: raised so it ends in the dead-letter queue."""


class ObjectCreated(NamedTuple):
    bucket: str
    key: str
    size: int
    etag: str | None
    version_id: str | None
    sequencer: str
    event_time: str | None = None  # as S3 sent it; only metrics use it


def is_test_event(event: Any) -> bool:
    """S3 sends `s3:TestEvent` when a notification is configured; it names no object."""
    return isinstance(event, dict) and event.get("Event") == "s3:TestEvent" and "Records" not in event


def _text(value: Any, where: str, optional: bool = False) -> Any:
    if optional and value is None:
        return None
    if not isinstance(value, str) or not value:
        raise MalformedEventError(f"{where} must be a non-empty string")
    return value


def _record(raw: Any, index: int) -> ObjectCreated | None:
    where = f"Records[{index}]"
    if not isinstance(raw, dict):
        raise MalformedEventError(f"{where} is not an object")
    if raw.get("eventSource") != "aws:s3" or not str(raw.get("eventName", "")).startswith("ObjectCreated:"):
        return None
    s3 = raw.get("s3")
    bucket = s3.get("bucket") if isinstance(s3, dict) else None
    obj = s3.get("object") if isinstance(s3, dict) else None
    if not isinstance(bucket, dict) or not isinstance(obj, dict):
        raise MalformedEventError(f"{where}.s3 must hold bucket and object")
    size = obj.get("size")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise MalformedEventError(f"{where}.s3.object.size must be a non-negative integer")
    hex_digits = "0123456789abcdefABCDEF"
    sequencer = obj.get("sequencer", "0")
    if not isinstance(sequencer, str) or not sequencer or any(c not in hex_digits for c in sequencer):
        raise MalformedEventError(f"{where}.s3.object.sequencer must be a hex string")
    return ObjectCreated(
        bucket=_text(bucket.get("name"), f"{where}.s3.bucket.name"),
        key=unquote_plus(_text(obj.get("key"), f"{where}.s3.object.key")),
        size=size,
        etag=_text(obj.get("eTag"), f"{where}.s3.object.eTag", optional=True),
        version_id=_text(obj.get("versionId"), f"{where}.s3.object.versionId", optional=True),
        sequencer=sequencer,
        event_time=raw.get("eventTime") if isinstance(raw.get("eventTime"), str) else None,
    )


def object_records(event: Any) -> tuple[list[ObjectCreated], int]:
    """The ObjectCreated records of an S3 event, and how many other records it held (ignored)."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list) or not records:
        raise MalformedEventError("event has no Records list: not an S3 notification")
    parsed = [_record(raw, i) for i, raw in enumerate(records)]
    created = [r for r in parsed if r is not None]
    return created, len(parsed) - len(created)
