"""Parsing S3 notifications: the records a processor acts on, the ones it ignores, and malformed events."""

from __future__ import annotations

from typing import Any

import pytest

from tap_processors.events import MalformedEventError, ObjectCreated, is_test_event, object_records
from tests.lambdas.conftest import load_fixture, s3_event


def test_the_fixture_notification_parses_to_one_record() -> None:
    assert object_records(load_fixture("s3_object_created_put")) == (
        [
            ObjectCreated(
                bucket="tap-dev-uploads-123456789012-us-east-1",
                key="uploads/0123456789abcdef0123456789abcdef/holiday.png",
                size=1024,
                etag="d41d8cd98f00b204e9800998ecf8427e",
                version_id="096fKKXTRTtl3on89fVO.nfljtsv6qko",
                sequencer="0055AED6DCD90281E5",
                event_time="2024-03-12T19:05:02.482Z",
            )
        ],
        0,
    )


def test_keys_are_url_decoded_as_s3_encodes_them() -> None:
    (record,), _ = object_records(s3_event("uploads/odd name+plus/ünï.png", 5))
    assert record.key == "uploads/odd name+plus/ünï.png"


def test_unversioned_objects_have_no_version_or_etag() -> None:
    (record,), _ = object_records(s3_event("uploads/a.png", 5, version_id=None, etag=None))
    assert (record.version_id, record.etag) == (None, None)


def test_other_records_are_counted_and_ignored() -> None:
    event = s3_event("uploads/a.png", 5)
    created = event["Records"][0]
    removed = {**created, "eventName": "ObjectRemoved:Delete"}
    from_sqs = {"eventSource": "aws:sqs", "eventName": "ObjectCreated:Put"}
    event["Records"] = [removed, created, from_sqs]
    records, ignored = object_records(event)
    assert [r.key for r in records] == ["uploads/a.png"]
    assert ignored == 2


def test_a_missing_sequencer_orders_first() -> None:
    event = s3_event("uploads/a.png", 5)
    del event["Records"][0]["s3"]["object"]["sequencer"]
    (record,), _ = object_records(event)
    assert record.sequencer == "0"


def test_the_s3_test_event_is_recognised() -> None:
    assert is_test_event(load_fixture("s3_test_event"))
    assert not is_test_event(load_fixture("s3_object_created_put"))
    assert not is_test_event({**load_fixture("s3_test_event"), "Records": []})


def _set(path: str, value: Any) -> dict[str, Any]:
    """The fixture event with the value at a dotted path replaced (a `...` value deletes it)."""
    event = s3_event("uploads/a.png", 5)
    *parents, last = path.split(".")
    node: Any = event["Records"][0]
    for name in parents:
        node = node[name]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return event


# (id, event, words the message must contain)
MALFORMED = [
    ("not-a-dict", ["Records"], "no Records list"),
    ("no-records", {"Event": "something"}, "no Records list"),
    ("empty-records", {"Records": []}, "no Records list"),
    ("records-not-a-list", {"Records": {"a": 1}}, "no Records list"),
    ("record-not-an-object", {"Records": ["x"]}, r"Records\[0\] is not an object"),
    ("no-s3", _set("s3", ...), "must hold bucket and object"),
    ("s3-not-an-object", _set("s3", "x"), "must hold bucket and object"),
    ("no-object", _set("s3.object", ...), "must hold bucket and object"),
    ("no-size", _set("s3.object.size", ...), "size must be a non-negative integer"),
    ("size-as-text", _set("s3.object.size", "1024"), "size must be a non-negative integer"),
    ("size-negative", _set("s3.object.size", -1), "size must be a non-negative integer"),
    ("size-bool", _set("s3.object.size", True), "size must be a non-negative integer"),
    ("sequencer-not-hex", _set("s3.object.sequencer", "00XYZ"), "sequencer must be a hex string"),
    ("sequencer-empty", _set("s3.object.sequencer", ""), "sequencer must be a hex string"),
    ("sequencer-number", _set("s3.object.sequencer", 12), "sequencer must be a hex string"),
    ("no-key", _set("s3.object.key", ...), "key must be a non-empty string"),
    ("empty-key", _set("s3.object.key", ""), "key must be a non-empty string"),
    ("no-bucket-name", _set("s3.bucket.name", ...), "bucket.name must be a non-empty string"),
    ("etag-number", _set("s3.object.eTag", 5), "eTag must be a non-empty string"),
    ("version-empty", _set("s3.object.versionId", ""), "versionId must be a non-empty string"),
]


@pytest.mark.parametrize(("event", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_events_raise(event: Any, message: str) -> None:
    with pytest.raises(MalformedEventError, match=message):
        object_records(event)
