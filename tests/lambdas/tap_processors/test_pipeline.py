"""The processors against moto: bounded reads, results on the item, ordering, unclaimed objects, retries, logs."""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber

from tap_processors import data, document, image, pipeline
from tap_processors.events import MalformedEventError, ObjectCreated
from tap_shared import contract, items
from tap_shared.clients import client
from tests.lambdas import samples
from tests.lambdas.conftest import (
    BUCKET,
    MAX_UPLOAD_BYTES,
    READ_WINDOW_BYTES,
    REQUEST_ID,
    TABLE,
    Aws,
    LambdaContext,
    load_fixture,
    log_lines,
    s3_event,
)

Handler = Callable[[Any, Any], dict[str, Any]]
PROCESSORS: dict[str, ModuleType] = {"image": image, "document": document, "data": data}


def new_id() -> str:
    return secrets.token_hex(16)


def s3_calls(operation: str) -> list[dict[str, Any]]:
    """Records the parameters of every `operation` call the function's S3 client makes from now on."""
    calls: list[dict[str, Any]] = []
    client("s3").meta.events.register(f"provide-client-params.s3.{operation}", lambda params, **_: calls.append(params))
    return calls


# (id, processor, file name, bytes, expected status, expected metadata or words of the reason)
CASES = [
    ("png", "image", "pic.png", samples.png(64, 32), "PROCESSED", {"format": "png", "width": 64, "height": 32}),
    ("jpeg", "image", "pic.JPG", samples.jpeg(33, 17), "PROCESSED", {"format": "jpeg", "width": 33, "height": 17}),
    ("gif", "image", "pic.gif", samples.gif(5, 4), "PROCESSED", {"format": "gif", "width": 5, "height": 4}),
    (
        "webp",
        "image",
        "pic.webp",
        samples.webp_vp8x(99, 77),
        "PROCESSED",
        {"format": "webp", "width": 99, "height": 77},
    ),
    ("png-truncated", "image", "pic.png", samples.png(64, 32)[:-5], "REJECTED", "truncated PNG"),
    ("png-is-gif", "image", "pic.png", samples.gif(5, 4), "REJECTED", "is a GIF image"),
    ("image-empty", "image", "pic.gif", b"", "REJECTED", "file is empty"),
    (
        "pdf",
        "document",
        "doc.pdf",
        samples.pdf("1.7"),
        "PROCESSED",
        {"format": "pdf", "version": "1.7", "encrypted": False},
    ),
    ("pdf-encrypted", "document", "doc.pdf", samples.pdf("1.4", encrypted=True), "PROCESSED", {"encrypted": True}),
    ("pdf-truncated", "document", "doc.pdf", samples.pdf()[:-10], "REJECTED", "truncated PDF"),
    ("pdf-is-png", "document", "doc.pdf", samples.png(2, 2), "REJECTED", "not a PDF"),
    ("txt", "document", "notes.txt", b"a\nb\n", "PROCESSED", {"format": "text", "lineCount": 2, "encoding": "ascii"}),
    ("md-binary", "document", "readme.md", samples.gif(2, 2), "REJECTED", "binary"),
    ("document-empty", "document", "notes.txt", b"", "REJECTED", "file is empty"),
    (
        "csv",
        "data",
        "table.csv",
        b"a;b\n1;2\n",
        "PROCESSED",
        {"delimiter": ";", "header": ["a", "b"], "columnCount": 2},
    ),
    ("json", "data", "doc.json", b'{"k": [1]}', "PROCESSED", {"topLevelType": "object", "valid": True}),
    ("jsonl", "data", "rows.jsonl", b"{}\n[]\n", "PROCESSED", {"recordsInWindow": 2, "valid": True}),
    ("json-invalid", "data", "doc.json", b"{nope}", "REJECTED", "invalid JSON"),
    ("csv-ragged", "data", "table.csv", b"a,b\n1\n", "REJECTED", "malformed CSV"),
    ("data-empty", "data", "rows.jsonl", b"", "REJECTED", "file is empty"),
]


@pytest.mark.parametrize(
    ("kind", "name", "body", "status", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_processor_records_its_result_on_the_item(
    aws: Aws, context: LambdaContext, kind: str, name: str, body: bytes, status: str, expected: Any
) -> None:
    file_id = new_id()
    event = aws.uploaded(file_id, name, body)
    obj = event["Records"][0]["s3"]["object"]
    result = PROCESSORS[kind].handle(event, context)
    assert result["records"][0]["status"] == status
    item = aws.item(file_id)
    assert item is not None
    assert item["status"] == status
    assert (item["size"], item["etag"], item["versionId"]) == (len(body), obj["eTag"], obj["versionId"])
    assert item["processedAt"] >= item["createdAt"]
    if status == "PROCESSED":
        assert expected.items() <= item["metadata"].items()
        assert "reason" not in item
    else:
        assert expected in item["reason"]
        assert result["records"][0]["reason"] == item["reason"]
        assert "metadata" not in item


def test_an_extension_of_another_processor_is_rejected_unread(aws: Aws, context: LambdaContext) -> None:
    file_id = new_id()
    event = aws.uploaded(file_id, "doc.pdf", samples.pdf())
    reads = s3_calls("GetObject")
    image.handle(event, context)
    item = aws.item(file_id)
    assert item is not None
    assert (item["status"], item["reason"]) == ("REJECTED", "extension .pdf is not handled by the image processor")
    assert reads == []


def test_an_object_over_the_upload_limit_is_rejected_without_reading_it(aws: Aws, context: LambdaContext) -> None:
    file_id = new_id()
    event = aws.uploaded(file_id, "big.png", samples.png(2, 2))
    event["Records"][0]["s3"]["object"]["size"] = MAX_UPLOAD_BYTES + 1  # as announced by S3
    reads = s3_calls("GetObject")
    image.handle(event, context)
    item = aws.item(file_id)
    assert item is not None
    assert item["status"] == "REJECTED"
    assert item["reason"] == f"object is {MAX_UPLOAD_BYTES + 1} bytes; the limit is {MAX_UPLOAD_BYTES}"
    assert reads == []


def test_an_object_larger_than_its_notification_says_is_rejected_by_its_real_size(
    aws: Aws, context: LambdaContext
) -> None:
    file_id = new_id()
    body = samples.png(2, 2) + b"\x00" * MAX_UPLOAD_BYTES  # written past the presigned POST's limit
    event = aws.uploaded(file_id, "big.png", body)
    event["Records"][0]["s3"]["object"]["size"] = 10
    image.handle(event, context)
    item = aws.item(file_id)
    assert item is not None
    assert (item["status"], item["size"]) == ("REJECTED", len(body))
    assert item["reason"] == f"object is {len(body)} bytes; the limit is {MAX_UPLOAD_BYTES}"


@pytest.mark.parametrize(
    "size",
    [
        1,
        READ_WINDOW_BYTES - 1,
        READ_WINDOW_BYTES,
        READ_WINDOW_BYTES + 1,
        READ_WINDOW_BYTES + pipeline.TAIL_READ_BYTES + 1,
        MAX_UPLOAD_BYTES,
    ],
)
def test_the_read_is_the_window_and_the_tail_of_a_larger_object(aws: Aws, context: LambdaContext, size: int) -> None:
    file_id = new_id()
    body = (b"line\n" * size)[:size]
    event = aws.uploaded(file_id, "notes.txt", body)
    requests = s3_calls("GetObject")
    fetched: list[int] = []
    client("s3").meta.events.register(
        "after-call.s3.GetObject", lambda parsed, **_: fetched.append(parsed["ContentLength"])
    )
    document.handle(event, context)
    obj = event["Records"][0]["s3"]["object"]
    window = {
        "Bucket": BUCKET,
        "Key": f"uploads/{file_id}/notes.txt",
        "Range": f"bytes=0-{READ_WINDOW_BYTES - 1}",
        "VersionId": obj["versionId"],
    }
    tail_start = max(READ_WINDOW_BYTES, size - pipeline.TAIL_READ_BYTES)
    tail = {**window, "Range": f"bytes={tail_start}-{size - 1}", "IfMatch": f'"{obj["eTag"]}"'}
    expected = [window] if size <= READ_WINDOW_BYTES else [window, tail]
    assert [{k: request[k] for k in expected[i]} for i, request in enumerate(requests)] == expected
    assert fetched == [min(size, READ_WINDOW_BYTES)] + ([size - tail_start] if size > READ_WINDOW_BYTES else [])
    assert sum(fetched) <= READ_WINDOW_BYTES + pipeline.TAIL_READ_BYTES
    item = aws.item(file_id)
    assert item is not None
    assert item["status"] == "PROCESSED"
    assert item["metadata"]["lineCountComplete"] is (size <= READ_WINDOW_BYTES)
    assert item["size"] == size


def test_read_prefix_is_bounded_even_if_the_range_is_ignored(monkeypatch: pytest.MonkeyPatch, aws: Aws) -> None:
    body = io.BytesIO(b"x" * 10_000)
    response = {"Body": body, "ContentLength": 10_000, "ETag": '"e"', "VersionId": "v2"}
    monkeypatch.setattr(client("s3"), "get_object", lambda **_: response)
    record = ObjectCreated(BUCKET, "uploads/k.txt", 10_000, None, None, "01")
    prefix = pipeline.read_prefix(record, 100)
    assert prefix == pipeline.Prefix(b"x" * 100, 10_000, "e", "v2")
    assert not prefix.complete
    assert body.closed


@pytest.mark.parametrize(
    ("etag", "version_id", "guards"),
    [("e", "v1", {"IfMatch": '"e"', "VersionId": "v1"}), (None, None, {})],
    ids=["etag-and-version", "neither-known"],
)
def test_read_content_reads_a_bounded_tail_even_if_the_range_is_ignored(
    monkeypatch: pytest.MonkeyPatch, aws: Aws, etag: str | None, version_id: str | None, guards: dict[str, str]
) -> None:
    body = io.BytesIO(b"y" * 10_000)
    requests: list[dict[str, Any]] = []

    def get_object(**request: Any) -> dict[str, Any]:
        requests.append(request)
        return {"Body": body}

    monkeypatch.setattr(client("s3"), "get_object", get_object)
    record = ObjectCreated(BUCKET, "uploads/k.txt", 10_000, None, version_id, "01")
    content = pipeline.read_content(record, pipeline.Prefix(b"x" * 100, 10_000, etag, None))
    assert content == pipeline.Content(b"x" * 100, b"y" * pipeline.TAIL_READ_BYTES, 10_000)
    assert requests == [{"Bucket": BUCKET, "Key": "uploads/k.txt", "Range": "bytes=5904-9999", **guards}]
    assert body.closed


@pytest.mark.parametrize(
    ("head", "rest", "size", "tail"),
    [
        (b"abc", b"", 3, b"abc"),
        (b"a" * 5000, b"", 5000, b"a" * 4096),
        (b"h" * 10, b"t" * 20, 30, b"h" * 10 + b"t" * 20),
    ],
    ids=["whole-small", "whole-larger-than-the-tail", "head-and-rest"],
)
def test_content_of_keeps_the_last_bytes_as_the_tail(head: bytes, rest: bytes, size: int, tail: bytes) -> None:
    content = pipeline.content_of(head, rest, size)
    assert (content.head, content.tail, content.size) == (head, tail, size)


@pytest.mark.parametrize(
    ("response", "total"),
    [
        ({"ContentRange": "bytes 0-4095/104857600", "ContentLength": 4096}, 104857600),
        ({"ContentLength": 17}, 17),
        ({"ContentRange": "bytes */*", "ContentLength": 3}, 3),
        ({}, 0),
    ],
    ids=["range", "no-range", "unknown-total", "nothing"],
)
def test_total_size(response: dict[str, Any], total: int) -> None:
    assert pipeline._total_size(response) == total


def test_a_replayed_event_does_not_write_again(aws: Aws, context: LambdaContext) -> None:
    file_id = new_id()
    event = aws.uploaded(file_id, "pic.png", samples.png(3, 3), sequencer="0055AED6DCD90281E5")
    assert image.handle(event, context)["records"][0]["status"] == "PROCESSED"
    first = aws.item(file_id)
    assert image.handle(event, context)["records"][0]["status"] == "SUPERSEDED"
    assert aws.item(file_id) == first


# (id, first version's bytes, second version's, which is delivered first, expected statuses, final status)
ORDERINGS = [
    ("older-after-newer", b"not a png at all", samples.png(7, 7), "newer", ["PROCESSED", "SUPERSEDED"], "PROCESSED"),
    ("newer-after-older", samples.png(7, 7), b"not a png at all", "older", ["PROCESSED", "REJECTED"], "REJECTED"),
]


@pytest.mark.parametrize(
    ("first", "second", "delivered_first", "statuses", "final"),
    [c[1:] for c in ORDERINGS],
    ids=[c[0] for c in ORDERINGS],
)
def test_the_newest_version_of_an_object_wins_whatever_the_delivery_order(
    aws: Aws, context: LambdaContext, first: bytes, second: bytes, delivered_first: str, statuses: list[str], final: str
) -> None:
    file_id = new_id()
    key = f"uploads/{file_id}/pic.png"
    aws.pending(file_id, key)
    old, new = aws.put(key, first), aws.put(key, second)
    events = {
        "older": s3_event(key, len(first), version_id=old["VersionId"], sequencer="0055AED6DCD90281E5"),
        "newer": s3_event(key, len(second), version_id=new["VersionId"], sequencer="0055AED6DCD90281F0"),
    }
    order = [delivered_first, *(name for name in events if name != delivered_first)]
    assert [image.handle(events[name], context)["records"][0]["status"] for name in order] == statuses
    item = aws.item(file_id)
    assert item is not None
    assert (item["status"], item["versionId"], item["size"]) == (final, new["VersionId"], len(second))
    # the result is the newer version's alone: no metadata beside a rejection, no reason beside metadata
    assert ("metadata" in item, "reason" in item) == (final == "PROCESSED", final == "REJECTED")


def _unclaimed_id(key: str) -> str:
    return "unclaimed-" + hashlib.sha256(f"{BUCKET}/{key}".encode()).hexdigest()[:32]


KNOWN_ID = "0123456789abcdef0123456789abcdef"
# (id, object key): none of them is the object key of a known upload
UNCLAIMED = [
    ("wrong-prefix", "incoming/0123456789abcdef0123456789abcdef/pic.png"),
    ("no-prefix", "pic.png"),
    ("bad-id", "uploads/not-a-file-id/pic.png"),
    ("upper-case-id", "uploads/0123456789ABCDEF0123456789ABCDEF/pic.png"),
    ("nested", "uploads/0123456789abcdef0123456789abcdef/sub/pic.png"),
    ("unknown-id", "uploads/ffffffffffffffffffffffffffffffff/pic.png"),
    ("key-mismatch", "uploads/0123456789abcdef0123456789abcdef/other.png"),
]


@pytest.mark.parametrize("key", [c[1] for c in UNCLAIMED], ids=[c[0] for c in UNCLAIMED])
def test_objects_of_no_known_upload_are_recorded_as_unclaimed(aws: Aws, context: LambdaContext, key: str) -> None:
    aws.pending(KNOWN_ID, f"uploads/{KNOWN_ID}/pic.png")
    put = aws.put(key, samples.png(2, 2))
    event = s3_event(key, 10, version_id=put["VersionId"], sequencer="00A1")
    reads = s3_calls("GetObject")
    result = image.handle(event, context)
    assert result == {"records": [{"key": key, "fileId": _unclaimed_id(key), "status": "UNCLAIMED"}]}
    item = aws.item(_unclaimed_id(key))
    assert item is not None
    assert {k: item[k] for k in ("objectKey", "kind", "status", "reason", "size", "versionId")} == {
        "objectKey": key,
        "kind": "image",
        "status": "REJECTED",
        "reason": "object does not belong to a known upload",
        "size": 10,
        "versionId": put["VersionId"],
    }
    assert contract.OWNER_INDEX_PARTITION_KEY not in item  # in no caller's listing
    known = aws.item(KNOWN_ID)
    assert known is not None
    assert known["status"] == "PENDING"
    assert reads == []


def test_unclaimed_deliveries_are_ordered_too(aws: Aws, context: LambdaContext) -> None:
    key = "stray/pic.png"
    newer, older = s3_event(key, 20, sequencer="00B0"), s3_event(key, 10, sequencer="00A0")
    assert image.handle(newer, context)["records"][0]["status"] == "UNCLAIMED"
    assert image.handle(newer, context)["records"][0]["status"] == "SUPERSEDED"
    assert image.handle(older, context)["records"][0]["status"] == "SUPERSEDED"
    item = aws.item(_unclaimed_id(key))
    assert item is not None
    assert item["size"] == 20
    assert image.handle(s3_event(key, 30, sequencer="00C0"), context)["records"][0]["status"] == "UNCLAIMED"


def test_an_object_version_deleted_before_processing_fails_the_item(aws: Aws, context: LambdaContext) -> None:
    file_id = new_id()
    event = aws.uploaded(file_id, "pic.png", samples.png(2, 2))
    obj = event["Records"][0]["s3"]["object"]
    aws.s3.delete_object(Bucket=BUCKET, Key=f"uploads/{file_id}/pic.png", VersionId=obj["versionId"])
    assert image.handle(event, context)["records"][0]["status"] == "FAILED"
    item = aws.item(file_id)
    assert item is not None
    assert (item["status"], item["error"]) == ("FAILED", "object was deleted before it could be processed")


def test_an_unversioned_object_deleted_before_processing_fails_the_item(aws: Aws, context: LambdaContext) -> None:
    file_id = new_id()
    event = aws.uploaded(file_id, "pic.png", samples.png(2, 2))
    del event["Records"][0]["s3"]["object"]["versionId"]
    aws.s3.delete_object(Bucket=BUCKET, Key=f"uploads/{file_id}/pic.png")
    assert image.handle(event, context)["records"][0]["status"] == "FAILED"


def _raise(error: Exception) -> Callable[..., Any]:
    def call(**_: Any) -> Any:
        raise error

    return call


THROTTLED = ClientError(
    {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "UpdateItem"
)
TRANSIENT = [
    ("s3-connection", "s3", "get_object", EndpointConnectionError(endpoint_url="https://s3.amazonaws.com")),
    ("s3-slow-down", "s3", "get_object", ClientError({"Error": {"Code": "SlowDown"}}, "GetObject")),
    ("s3-access-denied", "s3", "get_object", ClientError({"Error": {"Code": "AccessDenied"}}, "GetObject")),
    ("dynamodb-get-throttled", "dynamodb", "get_item", THROTTLED),
    ("dynamodb-update-throttled", "dynamodb", "update_item", THROTTLED),
    ("dynamodb-connection", "dynamodb", "update_item", EndpointConnectionError(endpoint_url="https://dynamodb")),
]


@pytest.mark.parametrize(("service", "method", "error"), [c[1:] for c in TRANSIENT], ids=[c[0] for c in TRANSIENT])
def test_transient_errors_propagate_so_lambda_retries(
    aws: Aws,
    context: LambdaContext,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    service: str,
    method: str,
    error: Exception,
) -> None:
    file_id = new_id()
    event = aws.uploaded(file_id, "pic.png", samples.png(2, 2))
    capsys.readouterr()
    monkeypatch.setattr(client(service), method, _raise(error))
    with pytest.raises(type(error)):
        image.handle(event, context)
    (line,) = log_lines(capsys.readouterr().out)
    assert (line["level"], line["message"], line["requestId"]) == (
        "ERROR",
        "processing failed; Lambda will retry",
        REQUEST_ID,
    )
    assert line["error"].startswith(type(error).__name__)
    monkeypatch.undo()  # the retry succeeds once the service recovers
    assert image.handle(event, context)["records"][0]["status"] == "PROCESSED"


def test_a_throttled_unclaimed_write_propagates(aws: Aws, context: LambdaContext) -> None:
    with Stubber(client("dynamodb")) as stub:
        stub.add_client_error("put_item", service_error_code="ProvisionedThroughputExceededException")
        with pytest.raises(ClientError, match="ProvisionedThroughputExceededException"):
            image.handle(s3_event("stray.png", 1), context)
        stub.assert_no_pending_responses()


def test_a_throttled_result_write_propagates_with_stubber(aws: Aws, context: LambdaContext) -> None:
    file_id = new_id()
    event = aws.uploaded(file_id, "pic.png", samples.png(2, 2))
    key = f"uploads/{file_id}/pic.png"
    with Stubber(client("dynamodb")) as stub:
        stub.add_response("get_item", {"Item": {"fileId": {"S": file_id}, "objectKey": {"S": key}}})
        stub.add_client_error("update_item", service_error_code="ProvisionedThroughputExceededException")
        with pytest.raises(ClientError, match="ProvisionedThroughputExceededException"):
            image.handle(event, context)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    "event",
    [None, "text", [], {}, {"Records": []}, {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"}]}],
    ids=["none", "text", "list", "empty", "no-records", "no-s3"],
)
def test_malformed_events_raise_and_are_logged(
    aws: Aws, context: LambdaContext, capsys: pytest.CaptureFixture[str], event: Any
) -> None:
    with pytest.raises(MalformedEventError):
        data.handle(event, context)
    (line,) = log_lines(capsys.readouterr().out)
    assert (line["level"], line["message"], line["requestId"], line["function"]) == (
        "ERROR",
        "malformed event",
        REQUEST_ID,
        "data",
    )


def test_the_s3_test_event_is_ignored(aws: Aws, context: LambdaContext, capsys: pytest.CaptureFixture[str]) -> None:
    before = aws.dynamodb.scan(TableName=TABLE)["Count"]
    assert document.handle(load_fixture("s3_test_event"), context) == {"records": []}
    assert aws.dynamodb.scan(TableName=TABLE)["Count"] == before
    (line,) = log_lines(capsys.readouterr().out)
    assert (line["message"], line["requestId"]) == ("s3 test event ignored", REQUEST_ID)


def test_one_json_log_line_per_event_with_the_request_id(
    aws: Aws, context: LambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = new_id(), new_id()
    event = aws.uploaded(first, "a.png", samples.png(2, 2))
    other = aws.uploaded(second, "b.png", b"garbage")
    removed = {**other["Records"][0], "eventName": "ObjectRemoved:Delete"}
    event["Records"] += [other["Records"][0], removed]
    capsys.readouterr()
    result = image.handle(event, context)
    assert [r["status"] for r in result["records"]] == ["PROCESSED", "REJECTED"]
    (line,) = log_lines(capsys.readouterr().out)
    assert (line["level"], line["message"], line["requestId"], line["function"]) == (
        "INFO",
        "processed",
        REQUEST_ID,
        "image",
    )
    assert (line["records"], line["ignoredRecords"]) == (result["records"], 1)
    assert isinstance(line["durationMs"], float)


def test_without_a_context_the_request_id_is_local(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    image.handle(load_fixture("s3_test_event"), None)
    assert log_lines(capsys.readouterr().out)[0]["requestId"] == "local"


def test_a_missing_setting_fails_loudly(aws: Aws, context: LambdaContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(contract.ENV_TABLE_NAME)
    with pytest.raises(RuntimeError, match=contract.ENV_TABLE_NAME):
        image.handle(s3_event("uploads/x.png", 1), context)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("uploads/0123456789abcdef0123456789abcdef/a.png", "0123456789abcdef0123456789abcdef"),
        ("uploads/0123456789abcdef0123456789abcde/a.png", None),
        ("uploads/0123456789abcdef0123456789abcdef", None),
        ("other/0123456789abcdef0123456789abcdef/a.png", None),
    ],
    ids=["valid", "short-id", "no-name", "other-prefix"],
)
def test_file_id_of(key: str, expected: str | None) -> None:
    assert pipeline.file_id_of(key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [("uploads/x/A.PNG", ".png"), ("uploads/x/.png", ""), ("uploads/x.y/name", ""), ("a.tar.gz", ".gz")],
    ids=["upper", "dotfile", "dot-in-folder", "double"],
)
def test_extension_of(key: str, expected: str) -> None:
    assert pipeline.extension_of(key) == expected


def test_items_record_result_needs_the_item(aws: Aws) -> None:
    assert not items.record_result(TABLE, new_id(), "uploads/x/a.png", "01", {"status": "PROCESSED"})


# Files larger than the read window, whole and cut, through each handler: (id, processor, name, bytes, status,
# words of the reason). The moto bucket's window is READ_WINDOW_BYTES; every body here is larger.
LARGE_CAMERA_JPEG = samples.jpeg(4000, 3000, thumbnail=True)
LARGE_PNG = samples.png(200, 100, noise=True)
LARGE_GIF = samples.gif(300, 300)
LARGE_WEBP = samples.webp_vp8(1920, 1080, partition_bytes=100_000)
LARGE_PDF = samples.pdf("1.7", padding=100_000)
LARGE_TEXT = "ünïcödé line\n".encode() * 5000
LARGE_JSON = b'{"rows": [' + b",".join(b'{"id": %d}' % i for i in range(10_000)) + b"]}"
LARGE_JSONL = b"".join(b'{"id": %d}\n' % i for i in range(10_000))
LARGE = [
    ("jpeg", "image", "DSC_0001.JPG", LARGE_CAMERA_JPEG, "PROCESSED", ""),
    ("jpeg-cut-in-the-scan", "image", "DSC_0001.JPG", LARGE_CAMERA_JPEG[:-1000], "REJECTED", "truncated JPEG"),
    ("jpeg-cut-before-the-eoi", "image", "DSC_0001.JPG", LARGE_CAMERA_JPEG[:-2], "REJECTED", "truncated JPEG"),
    ("png", "image", "pic.png", LARGE_PNG, "PROCESSED", ""),
    ("png-cut", "image", "pic.png", LARGE_PNG[: len(LARGE_PNG) // 2], "REJECTED", "truncated PNG"),
    ("png-cut-in-iend", "image", "pic.png", LARGE_PNG[:-3], "REJECTED", "truncated PNG"),
    ("gif", "image", "anim.gif", LARGE_GIF, "PROCESSED", ""),
    ("gif-cut", "image", "anim.gif", LARGE_GIF[:-1], "REJECTED", "truncated GIF"),
    ("webp", "image", "pic.webp", LARGE_WEBP, "PROCESSED", ""),
    ("webp-cut", "image", "pic.webp", LARGE_WEBP[:-100], "REJECTED", "truncated WEBP"),
    ("pdf", "document", "doc.pdf", LARGE_PDF, "PROCESSED", ""),
    ("pdf-cut", "document", "doc.pdf", LARGE_PDF[: len(LARGE_PDF) // 2], "REJECTED", "truncated PDF"),
    ("txt", "document", "notes.txt", LARGE_TEXT, "PROCESSED", ""),
    ("txt-cut-in-a-character", "document", "notes.txt", LARGE_TEXT[:-7], "REJECTED", "truncated text"),
    ("json", "data", "doc.json", LARGE_JSON, "PROCESSED", ""),
    ("json-cut", "data", "doc.json", LARGE_JSON[:-1], "REJECTED", "truncated JSON"),
    ("jsonl", "data", "rows.jsonl", LARGE_JSONL, "PROCESSED", ""),
    ("jsonl-cut", "data", "rows.jsonl", LARGE_JSONL[:-3], "REJECTED", "the file may be truncated"),
]


@pytest.mark.parametrize(
    ("kind", "name", "body", "status", "reason"), [c[1:] for c in LARGE], ids=[c[0] for c in LARGE]
)
def test_a_file_larger_than_the_window_is_processed_only_whole(
    aws: Aws, context: LambdaContext, kind: str, name: str, body: bytes, status: str, reason: str
) -> None:
    assert READ_WINDOW_BYTES + pipeline.TAIL_READ_BYTES < len(body) <= MAX_UPLOAD_BYTES
    file_id = new_id()
    reads = s3_calls("GetObject")
    outcome = PROCESSORS[kind].handle(aws.uploaded(file_id, name, body), context)["records"][0]
    item = aws.item(file_id)
    assert item is not None
    assert (outcome["status"], item["status"], len(reads)) == (status, status, 2)
    assert reason in item.get("reason", "")


UNVERSIONED_BUCKET = "tap-test-unversioned-uploads"


@pytest.fixture
def unversioned(aws: Aws) -> Iterator[str]:
    """A bucket without versioning, where an overwritten object keeps its key and loses its old bytes."""
    aws.s3.create_bucket(Bucket=UNVERSIONED_BUCKET)
    yield UNVERSIONED_BUCKET
    for listed in aws.s3.list_objects_v2(Bucket=UNVERSIONED_BUCKET).get("Contents", []):
        aws.s3.delete_object(Bucket=UNVERSIONED_BUCKET, Key=listed["Key"])
    aws.s3.delete_bucket(Bucket=UNVERSIONED_BUCKET)


def _overwrite_after_the_first_read(aws: Aws, bucket: str, key: str, body: bytes) -> None:
    """Writes `body` over the object right after the function's first GetObject, before it reads the tail."""
    writes = [body]

    def overwrite(**_: Any) -> None:
        if writes:
            aws.s3.put_object(Bucket=bucket, Key=key, Body=writes.pop())

    client("s3").meta.events.register("after-call.s3.GetObject", overwrite)


def test_an_object_replaced_between_the_two_reads_is_retried_not_mixed(
    aws: Aws, context: LambdaContext, unversioned: str
) -> None:
    file_id = new_id()
    key = f"uploads/{file_id}/pic.png"
    aws.pending(file_id, key)
    cut = LARGE_PNG[: len(LARGE_PNG) // 2]
    put = aws.s3.put_object(Bucket=unversioned, Key=key, Body=cut)
    event = s3_event(key, len(cut), bucket=unversioned, etag=put["ETag"].strip('"'))
    # A whole PNG of the same size: its tail, read after the cut object's head, would make a whole-looking file.
    small = samples.png(2, 2)
    comment = samples.png_chunk(b"tEXt", b"c\x00" + b"x" * (len(cut) - len(small) - 14))
    replacement = small[:-12] + comment + small[-12:]
    assert len(replacement) == len(cut)
    _overwrite_after_the_first_read(aws, unversioned, key, replacement)
    with pytest.raises(ClientError, match="PreconditionFailed"):
        image.handle(event, context)
    item = aws.item(file_id)
    assert item is not None and item["status"] == "PENDING"  # nothing recorded: Lambda retries the event
    retried = image.handle(event, context)["records"][0]  # the retry reads the new object, head and tail
    assert retried["status"] == "PROCESSED"
    item = aws.item(file_id)
    assert item is not None
    assert (item["metadata"]["width"], item["metadata"]["height"]) == (2, 2)


def test_the_tail_of_a_versioned_object_is_read_from_the_version_the_head_came_from(
    aws: Aws, context: LambdaContext
) -> None:
    file_id = new_id()
    cut = LARGE_PNG[: len(LARGE_PNG) // 2]
    event = aws.uploaded(file_id, "pic.png", cut)
    key, version = f"uploads/{file_id}/pic.png", event["Records"][0]["s3"]["object"]["versionId"]
    del event["Records"][0]["s3"]["object"]["versionId"]  # as for an object written before versioning
    _overwrite_after_the_first_read(aws, BUCKET, key, LARGE_PNG)
    requests = s3_calls("GetObject")
    outcome = image.handle(event, context)["records"][0]
    assert (outcome["status"], outcome["reason"]) == ("REJECTED", "truncated PNG: the file ends before the image does")
    assert requests[1]["VersionId"] == version


def test_an_object_version_deleted_between_the_two_reads_fails_the_item(aws: Aws, context: LambdaContext) -> None:
    file_id = new_id()
    event = aws.uploaded(file_id, "pic.png", LARGE_PNG)
    obj = event["Records"][0]["s3"]["object"]
    deletions = [obj["versionId"]]

    def delete(**_: Any) -> None:
        if deletions:
            aws.s3.delete_object(Bucket=BUCKET, Key=f"uploads/{file_id}/pic.png", VersionId=deletions.pop())

    client("s3").meta.events.register("after-call.s3.GetObject", delete)
    assert image.handle(event, context)["records"][0]["status"] == "FAILED"
    item = aws.item(file_id)
    assert item is not None
    assert (item["status"], item["error"], item["size"]) == (
        "FAILED",
        "object was deleted before it could be processed",
        len(LARGE_PNG),
    )
