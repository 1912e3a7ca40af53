"""The data inspector: CSV dialect, header and shape; JSON and JSON Lines type and validity."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap_processors import data
from tap_processors.pipeline import RejectedError
from tests.lambdas.fuzz import PROPERTY, contents, metadata_or_rejection


def csv_metadata(delimiter: str, header: list[str], rows: int, complete: bool = True, **extra: Any) -> dict[str, Any]:
    return {
        "format": "csv",
        "delimiter": delimiter,
        "header": header,
        "columnCount": len(header),
        "rowsInWindow": rows,
        "complete": complete,
        "encoding": "ascii",
        **extra,
    }


# (id, bytes, complete, expected metadata)
CSV_VALID = [
    ("comma", b"id,name,price\n1,apple,0.5\n2,pear,0.7\n", True, csv_metadata(",", ["id", "name", "price"], 2)),
    ("semicolon", b"id;name\n1;apple\n2;pear\n", True, csv_metadata(";", ["id", "name"], 2)),
    ("tab", b"a\tb\tc\td\n1\t2\t3\t4\n", True, csv_metadata("\t", ["a", "b", "c", "d"], 1)),
    ("pipe", b"a|b\n1|2\n", True, csv_metadata("|", ["a", "b"], 1)),
    ("quoted-commas", b'name,note\n"Smith, J","says ""hi"""\n', True, csv_metadata(",", ["name", "note"], 1)),
    (
        "semicolon-with-decimal-commas",
        b"item;price\napple;0,5\npear;1,25\n",
        True,
        csv_metadata(";", ["item", "price"], 2),
    ),
    ("crlf-and-blank-lines", b"a,b\r\n\r\n1,2\r\n", True, csv_metadata(",", ["a", "b"], 1)),
    ("header-only", b"only,a,header", True, csv_metadata(",", ["only", "a", "header"], 0)),
    ("single-column", b"name\nann\nbob\n", True, csv_metadata(",", ["name"], 2)),
    ("window-drops-the-cut-row", b"a,b\n1,2\n3,", False, csv_metadata(",", ["a", "b"], 1, complete=False)),
    ("utf-8-bom", b"\xef\xbb\xbfa,b\n1,2\n", True, csv_metadata(",", ["a", "b"], 1, encoding="utf-8-bom")),
    (
        "latin-1-with-0x85",
        b"name,note\nx,caf\xe9\x85 ok\n",
        True,
        csv_metadata(",", ["name", "note"], 1, encoding="latin-1"),
    ),
    (
        "unicode-line-separator-in-field",
        "a,b\n1,x\u2028y\n".encode(),
        True,
        csv_metadata(",", ["a", "b"], 1, encoding="utf-8"),
    ),
]


@pytest.mark.parametrize(("raw", "complete", "expected"), [c[1:] for c in CSV_VALID], ids=[c[0] for c in CSV_VALID])
def test_csv(raw: bytes, complete: bool, expected: dict[str, Any]) -> None:
    assert data.inspect(raw, ".csv", complete) == expected


def test_csv_header_is_capped() -> None:
    header = ",".join("c" * 300 + str(i) for i in range(150))
    metadata = data.inspect(f"{header}\n".encode(), ".csv", True)
    assert metadata["columnCount"] == 150
    assert len(metadata["header"]) == data.MAX_HEADER_COLUMNS
    assert all(len(name) == data.MAX_HEADER_LENGTH for name in metadata["header"])


# (id, extension, bytes, complete, expected metadata)
JSON_VALID = [
    ("object", ".json", b'{"a": [1, 2, {"b": null}]}', True, "object"),
    ("array", ".json", b"[1, 2, 3]\n", True, "array"),
    ("string", ".json", b'"just a string"', True, "string"),
    ("integer", ".json", b"42", True, "number"),
    ("float", ".json", b"-1.5e3", True, "number"),
    ("true", ".json", b"true", True, "boolean"),
    ("false", ".json", b" false ", True, "boolean"),
    ("null", ".json", b"null", True, "null"),
    ("utf-16-bom", ".json", '\ufeff{"k": "é"}'.encode("utf-16-le"), True, "object"),
    ("unicode-line-separator-in-string", ".json", '{"k": "a\u2028b"}'.encode(), True, "object"),
]


@pytest.mark.parametrize(
    ("extension", "raw", "complete", "top"), [c[1:] for c in JSON_VALID], ids=[c[0] for c in JSON_VALID]
)
def test_json_that_fits_the_window_is_validated(extension: str, raw: bytes, complete: bool, top: str) -> None:
    metadata = data.inspect(raw, extension, complete)
    assert (metadata["format"], metadata["topLevelType"], metadata["valid"], metadata["complete"]) == (
        "json",
        top,
        True,
        True,
    )


# (id, first bytes of a document larger than the window, expected top-level type)
JSON_WINDOWS = [
    ("object", b'  {"records": [1, 2, 3', "object"),
    ("array", b"[[1,2],[3,", "array"),
    ("string", b'"a long string', "string"),
    ("number", b"-12345678", "number"),
    ("digit", b"7", "number"),
    ("true", b"tr", "boolean"),
    ("false", b"fals", "boolean"),
    ("null", b"nu", "null"),
]


@pytest.mark.parametrize(("raw", "top"), [c[1:] for c in JSON_WINDOWS], ids=[c[0] for c in JSON_WINDOWS])
def test_json_larger_than_the_window_gets_its_type_from_the_first_character(raw: bytes, top: str) -> None:
    assert data.inspect(raw, ".json", False) == {
        "format": "json",
        "topLevelType": top,
        "valid": None,
        "complete": False,
        "encoding": "ascii",
    }


# (id, extension, bytes, complete, words the reason must contain)
REJECTED = [
    ("csv-ragged", ".csv", b"a,b,c\n1,2,3\n4,5\n", True, "row 3 has 2 columns, the header has 3"),
    ("csv-unterminated-quote", ".csv", b'a,b\n1,"open\n', True, "malformed CSV"),
    ("csv-text-after-closing-quote", ".csv", b'a,b\n1,"x"y\n', True, "malformed CSV"),
    ("csv-blank", ".csv", b"\n\n  \n", True, "no complete row"),
    ("csv-empty-window", ".csv", b"a,b,c", False, "no complete row"),
    ("csv-binary", ".csv", b"a,b\n\x00\x01,\x02\n", True, "binary"),
    ("json-invalid", ".json", b'{"a": 1,}', True, "invalid JSON"),
    ("json-truncated", ".json", b'{"a": [1, 2', True, "invalid JSON"),
    ("json-nan", ".json", b'{"a": NaN}', True, "NaN is not valid JSON"),
    ("json-infinity", ".json", b"[-Infinity]", True, "Infinity is not valid JSON"),
    ("json-two-documents", ".json", b"{} {}", True, "invalid JSON"),
    ("json-blank", ".json", b"  \n ", True, "blank"),
    ("json-deeply-nested", ".json", b"[" * 100_000, True, "invalid JSON"),
    ("json-window-bad-start", ".json", b"<html><body>", False, "cannot start with '<'"),
    ("json-binary", ".json", b'{"a": "\x00"}', True, "binary"),
    ("jsonl-bad-record", ".jsonl", b'{"a": 1}\n{"a": \n', True, "invalid JSON on record 2"),
    ("jsonl-nan", ".jsonl", b'{"a": 1}\n{"a": NaN}\n', True, "record 2: NaN"),
    ("jsonl-blank", ".jsonl", b"\n\n", True, "no complete record"),
    ("jsonl-one-cut-record", ".jsonl", b'{"a": 1', False, "no complete record"),
]


@pytest.mark.parametrize(
    ("extension", "raw", "complete", "reason"), [c[1:] for c in REJECTED], ids=[c[0] for c in REJECTED]
)
def test_bad_data_is_rejected(extension: str, raw: bytes, complete: bool, reason: str) -> None:
    with pytest.raises(RejectedError, match=reason):
        data.inspect(raw, extension, complete)


# (id, bytes, complete, expected records, expected validity)
JSONL_VALID = [
    ("records", b'{"a": 1}\n{"a": 2}\n[3]\n', True, 3, True),
    ("no-final-newline", b'{"a": 1}\n{"a": 2}', True, 2, True),
    ("crlf-and-blank-lines", b'{"a": 1}\r\n\r\n{"a": 2}\r\n', True, 2, True),
    ("window-drops-the-cut-record", b'{"a": 1}\n{"a": 2}\n{"a": ', False, 2, None),
    ("window-ending-on-a-newline", b'{"a": 1}\n', False, 1, None),
    ("unicode-line-separator-in-string", '{"a": "x\u2028y"}\n{"b": "\u0085"}\n'.encode(), True, 2, True),
]


@pytest.mark.parametrize(
    ("raw", "complete", "records", "valid"), [c[1:] for c in JSONL_VALID], ids=[c[0] for c in JSONL_VALID]
)
def test_json_lines(raw: bytes, complete: bool, records: int, valid: bool | None) -> None:
    metadata = data.inspect(raw, ".jsonl", complete)
    assert (metadata["format"], metadata["recordsInWindow"], metadata["valid"], metadata["complete"]) == (
        "jsonl",
        records,
        valid,
        complete,
    )


SEEDS = [
    b"id,name\n1,a\n2,b\n",
    b'a;b\n"x;y";2\n',
    json.dumps({"a": [1, 2.5, None, True, "s"]}).encode(),
    b'{"a": 1}\n{"b": 2}\n',
    b"\xef\xbb\xbf[1]",
]


@PROPERTY
@given(raw=contents(SEEDS), extension=st.sampled_from((".csv", ".json", ".jsonl")), complete=st.booleans())
def test_any_bytes_give_metadata_or_a_rejection(raw: bytes, extension: str, complete: bool) -> None:
    metadata = metadata_or_rejection(data.inspect, raw, extension, complete)
    if metadata is None:
        return
    assert metadata["format"] == extension.lstrip(".")
    assert metadata["complete"] is complete
    json.dumps(metadata, allow_nan=False)  # storable as it is
