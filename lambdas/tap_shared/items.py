"""The metadata table: one item per uploaded file, written only through these functions.

Items are plain dicts of str, int, float, bool, None, lists and dicts; this module maps them to
DynamoDB's attribute values itself, so the functions use the light low-level client. A number DynamoDB
would refuse (NaN, infinity, out of its range or precision) is refused here, before any request.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from tap_shared import clock, contract
from tap_shared.clients import client

Item = dict[str, Any]

PENDING, PROCESSED, REJECTED, FAILED = "PENDING", "PROCESSED", "REJECTED", "FAILED"
# S3 sequencers are hex numbers of varying length; AWS's documented comparison left-pads the shorter
# with zeros and compares as text, so they are stored left-padded to one width.
SEQUENCER_WIDTH = 32
# DynamoDB numbers: finite, at most 38 significant digits, magnitudes from 1E-130 to under 1E+126.
NUMBER_DIGITS, NUMBER_EXPONENTS = 38, range(-130, 126)


class UnstorableNumberError(ValueError):
    """A number DynamoDB would answer with a ValidationException; a bug in the caller, so never sent."""


now = clock.utc_now  # an item's times, e.g. createdAt and processedAt


def ordered_sequencer(sequencer: str) -> str:
    return sequencer.upper().rjust(SEQUENCER_WIDTH, "0")


def number_text(value: int | float) -> str:
    """The number as DynamoDB's `N` text; UnstorableNumberError if DynamoDB cannot hold it."""
    # Floats through their shortest repr (0.1, not its 55-digit binary expansion); ints exactly, at any size.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise UnstorableNumberError(f"cannot store {value!r} in an item: DynamoDB numbers are finite")
    digits = len("".join(map(str, number.as_tuple().digits)).strip("0"))
    if digits > NUMBER_DIGITS:
        raise UnstorableNumberError(
            f"cannot store a number of {digits} significant digits in an item: DynamoDB keeps at most {NUMBER_DIGITS}"
        )
    if number and number.adjusted() not in NUMBER_EXPONENTS:
        raise UnstorableNumberError(
            f"cannot store {number:.3e} in an item: DynamoDB numbers range from 1E-130 to under 1E+126"
        )
    return str(value)  # ints beyond str()'s digit limit were refused above


def marshal(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, int | float):
        return {"N": number_text(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, dict):
        return {"M": {str(k): marshal(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [marshal(v) for v in value]}
    raise TypeError(f"cannot store {type(value).__name__} in an item")


def unmarshal(attribute: dict[str, Any]) -> Any:
    ((kind, value),) = attribute.items()
    if kind == "N":  # integers exactly, not through a float (which loses digits beyond 2**53)
        return float(value) if "." in value or "e" in value.lower() else int(value)
    if kind == "M":
        return {k: unmarshal(v) for k, v in value.items()}
    if kind == "L":
        return [unmarshal(v) for v in value]
    if kind == "NULL":
        return None
    return value  # S and BOOL are already Python values


def _item(attributes: dict[str, Any]) -> Item:
    return {name: unmarshal(value) for name, value in attributes.items()}


def _marshal_item(item: Item) -> dict[str, Any]:
    return {name: marshal(value) for name, value in item.items()}


def _condition_failed(error: ClientError) -> bool:
    return bool(error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


def create(table: str, item: Item) -> None:
    """Store a new item; file ids are random, so an existing one is a bug worth raising."""
    client("dynamodb").put_item(
        TableName=table,
        Item=_marshal_item(item),
        ConditionExpression="attribute_not_exists(#id)",
        ExpressionAttributeNames={"#id": contract.TABLE_PARTITION_KEY},
    )


def get(table: str, file_id: str) -> Item | None:
    response = client("dynamodb").get_item(
        TableName=table, Key={contract.TABLE_PARTITION_KEY: {"S": file_id}}, ConsistentRead=True
    )
    return _item(response["Item"]) if "Item" in response else None


def list_by_owner(
    table: str, index: str, owner: str, limit: int, start: dict[str, str] | None
) -> tuple[list[Item], dict[str, str] | None]:
    """A page of the owner's items, newest first, and the key to continue from (None at the end)."""
    request: dict[str, Any] = {
        "TableName": table,
        "IndexName": index,
        "KeyConditionExpression": "#owner = :owner",
        "ExpressionAttributeNames": {"#owner": contract.OWNER_INDEX_PARTITION_KEY},
        "ExpressionAttributeValues": {":owner": {"S": owner}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if start:
        request["ExclusiveStartKey"] = {name: {"S": value} for name, value in start.items()}
    response = client("dynamodb").query(**request)
    last = response.get("LastEvaluatedKey")
    return [_item(a) for a in response.get("Items", [])], ({k: v["S"] for k, v in last.items()} if last else None)


def record_result(table: str, file_id: str, object_key: str, sequencer: str, result: Item) -> bool:
    """Write a processing result unless a newer (or the same) delivery of the object already has.

    Attributes set to None are removed. Returns False when the write was superseded.
    """
    values = {**result, "sequencer": ordered_sequencer(sequencer)}
    names = {f"#a{i}": name for i, name in enumerate(values)}
    sets = [f"{alias} = :v{i}" for i, (alias, name) in enumerate(names.items()) if values[name] is not None]
    removes = [alias for alias, name in names.items() if values[name] is None]
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    attribute_values = {
        f":v{i}": marshal(values[name]) for i, name in enumerate(names.values()) if values[name] is not None
    }
    try:
        client("dynamodb").update_item(
            TableName=table,
            Key={contract.TABLE_PARTITION_KEY: {"S": file_id}},
            UpdateExpression=expression,
            ConditionExpression="attribute_exists(#id) AND #key = :key AND (attribute_not_exists(#seq) OR #seq < :seq)",
            ExpressionAttributeNames={
                **names,
                "#id": contract.TABLE_PARTITION_KEY,
                "#key": "objectKey",
                "#seq": "sequencer",
            },
            ExpressionAttributeValues={
                **attribute_values,
                ":key": marshal(object_key),
                ":seq": marshal(values["sequencer"]),
            },
        )
    except ClientError as error:
        if _condition_failed(error):
            return False
        raise
    return True


def record_unclaimed(table: str, item: Item) -> bool:
    """Store an item for an object no upload asked for, unless a newer delivery already did."""
    item = {**item, "sequencer": ordered_sequencer(item["sequencer"])}
    try:
        client("dynamodb").put_item(
            TableName=table,
            Item=_marshal_item(item),
            ConditionExpression="attribute_not_exists(#id) OR #seq < :seq",
            ExpressionAttributeNames={"#id": contract.TABLE_PARTITION_KEY, "#seq": "sequencer"},
            ExpressionAttributeValues={":seq": marshal(item["sequencer"])},
        )
    except ClientError as error:
        if _condition_failed(error):
            return False
        raise
    return True
