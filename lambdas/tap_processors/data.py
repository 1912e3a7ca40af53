"""The data processor (`tap_processors.data.handle`): CSV dialect and header, JSON and JSON Lines validity."""

from __future__ import annotations

import csv
import json
from typing import Any

from tap_processors.pipeline import Content, Metadata, RejectedError, handle_event
from tap_processors.text import decode_tail, decode_text

KIND = "data"
DELIMITERS = (",", ";", "\t", "|")
MAX_HEADER_COLUMNS = 100
MAX_HEADER_LENGTH = 200
JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
JSON_STARTS = {"{": "object", "[": "array", '"': "string", "t": "boolean", "f": "boolean", "n": "null"}
JSON_ENDS = {"object": "}", "array": "]", "string": '"'}
JSON_WHITESPACE = " \t\r\n"


def _whole_lines(text: str, complete: bool) -> list[str]:
    """The lines the window holds in full (the last one may be cut off unless the object is complete)."""
    # Only CR and LF end records: str.splitlines would also split inside values at U+2028, NEL, FF...
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not complete and lines and not text.endswith(("\n", "\r")):
        lines.pop()
    return [line for line in lines if line.strip()]


def _rows(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise RejectedError(f"malformed CSV: {error}") from None


def _delimiter(lines: list[str]) -> str:
    """The candidate that splits every sampled row into the same number (>1) of columns; else ','."""
    best, best_columns = ",", 1
    for delimiter in DELIMITERS:
        try:
            widths = {len(row) for row in csv.reader(lines[:50], delimiter=delimiter, strict=True)}
        except csv.Error:
            continue
        if len(widths) == 1 and (columns := widths.pop()) > best_columns:
            best, best_columns = delimiter, columns
    return best


def inspect_csv(text: str, complete: bool) -> Metadata:
    lines = _whole_lines(text, complete)
    if not lines:
        raise RejectedError("CSV has no complete row within the read window")
    delimiter = _delimiter(lines)
    rows = _rows(lines, delimiter)
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise RejectedError(f"malformed CSV: row {number} has {len(row)} columns, the header has {len(header)}")
    return {
        "format": "csv",
        "delimiter": delimiter,
        "header": [name[:MAX_HEADER_LENGTH] for name in header[:MAX_HEADER_COLUMNS]],
        "columnCount": len(header),
        "rowsInWindow": len(rows) - 1,
        "complete": complete,
    }


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not valid JSON")


def _json_type(value: Any) -> str:
    return "null" if value is None else JSON_TYPES[type(value)]


def inspect_json(text: str, ending: str | None) -> Metadata:
    """`ending` is the tail of a document larger than the window, None when `text` is the whole document."""
    stripped = text.lstrip()
    if not stripped:
        raise RejectedError("JSON document is blank")
    if ending is not None:
        first = stripped[0]
        top = JSON_STARTS.get(first, "number" if first in "-0123456789" else None)
        if top is None:
            raise RejectedError(f"invalid JSON: a document cannot start with {first!r}")
        if top in JSON_ENDS and not ending.rstrip(JSON_WHITESPACE).endswith(JSON_ENDS[top]):
            raise RejectedError(f"truncated JSON: the {top} does not end with {JSON_ENDS[top]!r}")
        # Validity is only known for documents that fit the window.
        return {"format": "json", "topLevelType": top, "valid": None, "complete": False}
    try:
        value = json.loads(stripped, parse_constant=_not_json)
    except (ValueError, RecursionError) as error:
        raise RejectedError(f"invalid JSON: {error}") from None
    return {"format": "json", "topLevelType": _json_type(value), "valid": True, "complete": True}


def _json_record(line: str, where: str) -> None:
    try:
        json.loads(line, parse_constant=_not_json)
    except (ValueError, RecursionError) as error:
        raise RejectedError(f"invalid JSON on {where}: {error}") from None


def inspect_json_lines(text: str, ending: str | None) -> Metadata:
    """`ending` is the tail of a file larger than the window, None when `text` is the whole file."""
    complete = ending is None
    lines = _whole_lines(text, complete)
    if not lines:
        raise RejectedError("JSON Lines file has no complete record within the read window")
    for number, line in enumerate(lines, start=1):
        _json_record(line, f"record {number}")
    # The tail's first line may be the end of a longer one; a last line after it is a whole record, or a cut one.
    if ending is not None and len(last := _whole_lines(ending, True)) > 1:
        _json_record(last[-1], "the last record (the file may be truncated)")
    return {"format": "jsonl", "recordsInWindow": len(lines), "valid": True if complete else None, "complete": complete}


def inspect(content: Content, extension: str) -> Metadata:
    text, encoding = decode_text(content)
    ending = None if content.complete else decode_tail(content, encoding)
    if extension == ".csv":
        metadata = inspect_csv(text, content.complete)
    elif extension == ".json":
        metadata = inspect_json(text, ending)
    else:
        metadata = inspect_json_lines(text, ending)
    return {**metadata, "encoding": encoding}


def handle(event: Any, context: Any) -> dict[str, Any]:
    return handle_event(event, context, KIND, inspect)
