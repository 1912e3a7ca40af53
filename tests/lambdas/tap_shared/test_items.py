"""The metadata table's items: DynamoDB attribute mapping, creation, listing and the conditional writes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.stub import Stubber
from hypothesis import given
from hypothesis import strategies as st

from tap_shared import contract, items
from tap_shared.clients import client
from tests.lambdas.conftest import ALICE, TABLE, Aws
from tests.lambdas.fuzz import PROPERTY

# (id, python value, attribute value)
MARSHAL = [
    ("true", True, {"BOOL": True}),
    ("false", False, {"BOOL": False}),
    ("none", None, {"NULL": True}),
    ("int", 42, {"N": "42"}),
    ("negative", -7, {"N": "-7"}),
    ("float", 1.5, {"N": "1.5"}),
    ("float-shortest-repr", 0.1, {"N": "0.1"}),
    ("float-exponent", 1e-05, {"N": "1e-05"}),
    ("smallest-magnitude", 1e-130, {"N": "1e-130"}),
    ("largest-magnitude", 9.99e125, {"N": "9.99e+125"}),
    ("38-digits", 10**38 - 1, {"N": "9" * 38}),
    ("trailing-zeros-are-not-precision", 10**40, {"N": "1" + "0" * 40}),
    ("text", "é", {"S": "é"}),
    ("empty-text", "", {"S": ""}),
    ("list", [1, "a", None], {"L": [{"N": "1"}, {"S": "a"}, {"NULL": True}]}),
    ("dict", {"a": {"b": [True]}}, {"M": {"a": {"M": {"b": {"L": [{"BOOL": True}]}}}}}),
]


@pytest.mark.parametrize(("value", "attribute"), [c[1:] for c in MARSHAL], ids=[c[0] for c in MARSHAL])
def test_marshal_and_unmarshal(value: Any, attribute: dict[str, Any]) -> None:
    assert items.marshal(value) == attribute
    assert items.unmarshal(attribute) == value


def test_tuples_are_stored_as_lists_and_other_types_refused() -> None:
    assert items.marshal((1,)) == {"L": [{"N": "1"}]}
    with pytest.raises(TypeError, match="cannot store bytes"):
        items.marshal(b"x")


# (id, value, words of the refusal): numbers DynamoDB answers with a ValidationException.
UNSTORABLE = [
    ("nan", float("nan"), "cannot store nan in an item: DynamoDB numbers are finite"),
    ("infinity", float("inf"), "cannot store inf"),
    ("minus-infinity", float("-inf"), "cannot store -inf"),
    ("nan-in-a-map", {"metadata": {"ratio": float("nan")}}, "cannot store nan"),
    ("infinity-in-a-list", [1, float("inf")], "cannot store inf"),
    ("39-digits", 10**38 + 1, "39 significant digits in an item: DynamoDB keeps at most 38"),
    ("float-too-large", 1e126, "1.000e+126 in an item: DynamoDB numbers range"),
    ("float-too-small", 1e-131, "1.000e-131"),
    ("int-too-large", 10**126, "1.000e+126"),
    ("int-beyond-str-digit-limit", 10**5000, "1.000e+5000"),
    ("subnormal", 5e-324, "5.000e-324"),
]


@pytest.mark.parametrize(("value", "reason"), [c[1:] for c in UNSTORABLE], ids=[c[0] for c in UNSTORABLE])
def test_numbers_dynamodb_refuses_are_refused_before_any_request(value: Any, reason: str) -> None:
    with pytest.raises(items.UnstorableNumberError, match=re.escape(reason)):
        items.marshal(value)


WRITES = [
    ("create", lambda item: items.create(TABLE, item)),
    ("record_result", lambda item: items.record_result(TABLE, item["fileId"], "k", "01", item)),
    ("record_unclaimed", lambda item: items.record_unclaimed(TABLE, {**item, "sequencer": "01"})),
]


@pytest.mark.parametrize("write", [c[1] for c in WRITES], ids=[c[0] for c in WRITES])
def test_a_write_with_a_non_finite_number_never_reaches_dynamodb(aws: Aws, write: Any) -> None:
    item = {contract.TABLE_PARTITION_KEY: "f" * 32, "metadata": {"ratio": float("nan")}}
    with Stubber(client("dynamodb")) as stub:  # no responses queued: any request would fail differently
        with pytest.raises(items.UnstorableNumberError, match="cannot store nan"):
            write(item)
        stub.assert_no_pending_responses()


@PROPERTY
@given(value=st.floats() | st.integers(min_value=-(10**130), max_value=10**130))
def test_every_number_round_trips_or_is_refused(value: float) -> None:
    try:
        attribute = items.marshal(value)
    except items.UnstorableNumberError:
        return
    assert items.unmarshal(attribute) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10", 10), ("1.0", 1.0), ("1E+2", 100.0), ("12345678901234567891", 12345678901234567891), ("-0.5", -0.5)],
    ids=["int", "decimal-point", "exponent", "beyond-float-precision", "negative"],
)
def test_numbers_keep_their_type_and_precision(text: str, expected: Any) -> None:
    value = items.unmarshal({"N": text})
    assert (value, type(value)) == (expected, type(expected))


# Integers DynamoDB can store (at most 38 digits); larger ones are refused, as tested above.
STORABLE_INTEGERS = st.integers(min_value=-(10**items.NUMBER_DIGITS - 1), max_value=10**items.NUMBER_DIGITS - 1)
VALUES = st.recursive(
    st.none() | st.booleans() | STORABLE_INTEGERS | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@PROPERTY
@given(value=VALUES)
def test_every_storable_value_round_trips(value: Any) -> None:
    assert items.unmarshal(items.marshal(value)) == value


@pytest.mark.parametrize(
    ("sequencer", "ordered"),
    [("0055AED6DCD90281E5", "0" * 14 + "0055AED6DCD90281E5"), ("0a", "0" * 30 + "0A"), ("F" * 40, "F" * 40)],
    ids=["s3", "lower-case", "longer-than-the-width"],
)
def test_ordered_sequencer(sequencer: str, ordered: str) -> None:
    assert items.ordered_sequencer(sequencer) == ordered


def test_a_longer_sequencer_with_a_greater_value_sorts_later() -> None:
    assert items.ordered_sequencer("FF") < items.ordered_sequencer("100")


def test_now_is_utc_iso_with_milliseconds() -> None:
    stamp = items.now()
    assert len(stamp) == len("2024-03-12T19:05:02.482Z") and stamp.endswith("Z")


def _pending(aws: Aws, file_id: str = "f" * 32) -> str:
    aws.pending(file_id, f"uploads/{file_id}/a.png")
    return file_id


def test_create_refuses_an_existing_id(aws: Aws) -> None:
    file_id = _pending(aws)
    with pytest.raises(items.ClientError, match="ConditionalCheckFailed"):
        _pending(aws, file_id)


def test_get_a_missing_item(aws: Aws) -> None:
    assert items.get(TABLE, "0" * 32) is None


def test_record_result_sets_removes_and_orders(aws: Aws) -> None:
    file_id = _pending(aws)
    key = f"uploads/{file_id}/a.png"
    assert items.record_result(TABLE, file_id, key, "0b", {"status": "PROCESSED", "metadata": {"w": 1}, "reason": None})
    assert not items.record_result(TABLE, file_id, key, "0b", {"status": "FAILED"})  # the same delivery again
    assert not items.record_result(TABLE, file_id, key, "0a", {"status": "FAILED"})  # an older one
    assert not items.record_result(TABLE, file_id, "uploads/other/a.png", "0c", {"status": "FAILED"})  # another key
    item = aws.item(file_id)
    assert item is not None
    assert (item["status"], item["metadata"], item["sequencer"]) == ("PROCESSED", {"w": 1}, "0" * 30 + "0B")
    assert items.record_result(TABLE, file_id, key, "0c", {"status": "REJECTED", "metadata": None, "reason": "r"})
    item = aws.item(file_id)
    assert item is not None
    assert (item["status"], item["reason"], "metadata" in item) == ("REJECTED", "r", False)


def test_record_unclaimed_keeps_the_newest(aws: Aws) -> None:
    item = {contract.TABLE_PARTITION_KEY: "unclaimed-1", "objectKey": "k", "sequencer": "02", "size": 2}
    assert items.record_unclaimed(TABLE, item)
    assert not items.record_unclaimed(TABLE, {**item, "sequencer": "01", "size": 1})
    assert items.record_unclaimed(TABLE, {**item, "sequencer": "03", "size": 3})
    stored = aws.item("unclaimed-1")
    assert stored is not None
    assert stored["size"] == 3


def test_list_by_owner_pages_through_the_index(aws: Aws) -> None:
    for n in range(3):
        aws.pending(f"{n:032x}", f"uploads/{n:032x}/a.png", createdAt=f"2024-01-0{n + 1}T00:00:00.000Z")
    page, last = items.list_by_owner(TABLE, contract.OWNER_INDEX_NAME, ALICE.owner, 2, None)
    assert [i["fileId"] for i in page] == [f"{2:032x}", f"{1:032x}"]
    assert last is not None and set(last) == {"fileId", "ownerId", "createdKey"}
    page, last = items.list_by_owner(TABLE, contract.OWNER_INDEX_NAME, ALICE.owner, 2, last)
    assert ([i["fileId"] for i in page], last) == ([f"{0:032x}"], None)
