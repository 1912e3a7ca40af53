"""The data inspector: CSV dialect, header and shape; JSON and JSON Lines type and validity."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap_processors import data
from tap_processors.pipeline import RejectedError
from tests.lambdas import samples
from tests.lambdas.fuzz import PROPERTY, contents, metadata_or_rejection, read_whole_or_half


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


# (id, bytes, window (None: the whole object), expected metadata)
CSV_VALID = [
    ("comma", b"id,name,price\n1,apple,0.5\n2,pear,0.7\n", None, csv_metadata(",", ["id", "name", "price"], 2)),
    ("semicolon", b"id;name\n1;apple\n2;pear\n", None, csv_metadata(";", ["id", "name"], 2)),
    ("tab", b"a\tb\tc\td\n1\t2\t3\t4\n", None, csv_metadata("\t", ["a", "b", "c", "d"], 1)),
    ("pipe", b"a|b\n1|2\n", None, csv_metadata("|", ["a", "b"], 1)),
    ("quoted-commas", b'name,note\n"Smith, J","says ""hi"""\n', None, csv_metadata(",", ["name", "note"], 1)),
    (
        "semicolon-with-decimal-commas",
        b"item;price\napple;0,5\npear;1,25\n",
        None,
        csv_metadata(";", ["item", "price"], 2),
    ),
    ("crlf-and-blank-lines", b"a,b\r\n\r\n1,2\r\n", None, csv_metadata(",", ["a", "b"], 1)),
    ("header-only", b"only,a,header", None, csv_metadata(",", ["only", "a", "header"], 0)),
    ("single-column", b"name\nann\nbob\n", None, csv_metadata(",", ["name"], 2)),
    ("window-drops-the-cut-row", b"a,b\n1,2\n3,4\n", 10, csv_metadata(",", ["a", "b"], 1, complete=False)),
    ("utf-8-bom", b"\xef\xbb\xbfa,b\n1,2\n", None, csv_metadata(",", ["a", "b"], 1, encoding="utf-8-bom")),
    (
        "latin-1-with-0x85",
        b"name,note\nx,caf\xe9\x85 ok\n",
        None,
        csv_metadata(",", ["name", "note"], 1, encoding="latin-1"),
    ),
    (
        "unicode-line-separator-in-field",
        "a,b\n1,x\u2028y\n".encode(),
        None,
        csv_metadata(",", ["a", "b"], 1, encoding="utf-8"),
    ),
]


@pytest.mark.parametrize(("raw", "window", "expected"), [c[1:] for c in CSV_VALID], ids=[c[0] for c in CSV_VALID])
def test_csv(raw: bytes, window: int | None, expected: dict[str, Any]) -> None:
    assert data.inspect(samples.read(raw, window), ".csv") == expected


def test_csv_header_is_capped() -> None:
    header = ",".join("c" * 300 + str(i) for i in range(150))
    metadata = data.inspect(samples.read(f"{header}\n".encode()), ".csv")
    assert metadata["columnCount"] == 150
    assert len(metadata["header"]) == data.MAX_HEADER_COLUMNS
    assert all(len(name) == data.MAX_HEADER_LENGTH for name in metadata["header"])


# (id, extension, bytes of a whole document, expected metadata)
JSON_VALID = [
    ("object", ".json", b'{"a": [1, 2, {"b": null}]}', "object"),
    ("array", ".json", b"[1, 2, 3]\n", "array"),
    ("string", ".json", b'"just a string"', "string"),
    ("integer", ".json", b"42", "number"),
    ("float", ".json", b"-1.5e3", "number"),
    ("true", ".json", b"true", "boolean"),
    ("false", ".json", b" false ", "boolean"),
    ("null", ".json", b"null", "null"),
    ("utf-16-bom", ".json", '\ufeff{"k": "é"}'.encode("utf-16-le"), "object"),
    ("unicode-line-separator-in-string", ".json", '{"k": "a\u2028b"}'.encode(), "object"),
]


@pytest.mark.parametrize(("extension", "raw", "top"), [c[1:] for c in JSON_VALID], ids=[c[0] for c in JSON_VALID])
def test_json_that_fits_the_window_is_validated(extension: str, raw: bytes, top: str) -> None:
    metadata = data.inspect(samples.read(raw), extension)
    assert (metadata["format"], metadata["topLevelType"], metadata["valid"], metadata["complete"]) == (
        "json",
        top,
        True,
        True,
    )


# (id, first bytes of a document larger than the window (the window), the rest, expected top-level type)
JSON_WINDOWS = [
    ("object", b'  {"records": [1, 2, 3', b"]}\n", "object"),
    ("array", b"[[1,2],[3,", b"4]]", "array"),
    ("string", b'"a long string', b' indeed"', "string"),
    ("number", b"-12345678", b"9", "number"),
    ("digit", b"7", b"0", "number"),
    ("true", b"tr", b"ue", "boolean"),
    ("false", b"fals", b"e", "boolean"),
    ("null", b"nu", b"ll", "null"),
]


@pytest.mark.parametrize(("raw", "rest", "top"), [c[1:] for c in JSON_WINDOWS], ids=[c[0] for c in JSON_WINDOWS])
def test_json_larger_than_the_window_gets_its_type_from_the_first_character(raw: bytes, rest: bytes, top: str) -> None:
    assert data.inspect(samples.read(raw + rest, len(raw)), ".json") == {
        "format": "json",
        "topLevelType": top,
        "valid": None,
        "complete": False,
        "encoding": "ascii",
    }


# (id, extension, bytes, window (None: the whole object), words the reason must contain)
REJECTED = [
    ("csv-ragged", ".csv", b"a,b,c\n1,2,3\n4,5\n", None, "row 3 has 2 columns, the header has 3"),
    ("csv-unterminated-quote", ".csv", b'a,b\n1,"open\n', None, "malformed CSV"),
    ("csv-text-after-closing-quote", ".csv", b'a,b\n1,"x"y\n', None, "malformed CSV"),
    ("csv-blank", ".csv", b"\n\n  \n", None, "no complete row"),
    ("csv-empty-window", ".csv", b"a,b,c,d\n", 5, "no complete row"),
    ("csv-binary", ".csv", b"a,b\n\x00\x01,\x02\n", None, "binary"),
    ("json-invalid", ".json", b'{"a": 1,}', None, "invalid JSON"),
    ("json-truncated", ".json", b'{"a": [1, 2', None, "invalid JSON"),
    ("json-nan", ".json", b'{"a": NaN}', None, "NaN is not valid JSON"),
    ("json-infinity", ".json", b"[-Infinity]", None, "Infinity is not valid JSON"),
    ("json-two-documents", ".json", b"{} {}", None, "invalid JSON"),
    ("json-blank", ".json", b"  \n ", None, "blank"),
    ("json-deeply-nested", ".json", b"[" * 100_000, None, "invalid JSON"),
    ("json-window-bad-start", ".json", b"<html><body></body></html>", 12, "cannot start with '<'"),
    ("json-binary", ".json", b'{"a": "\x00"}', None, "binary"),
    ("jsonl-bad-record", ".jsonl", b'{"a": 1}\n{"a": \n', None, "invalid JSON on record 2"),
    ("jsonl-nan", ".jsonl", b'{"a": 1}\n{"a": NaN}\n', None, "record 2: NaN"),
    ("jsonl-blank", ".jsonl", b"\n\n", None, "no complete record"),
    ("jsonl-one-cut-record", ".jsonl", b'{"a": 1}\n', 7, "no complete record"),
]


@pytest.mark.parametrize(
    ("extension", "raw", "window", "reason"), [c[1:] for c in REJECTED], ids=[c[0] for c in REJECTED]
)
def test_bad_data_is_rejected(extension: str, raw: bytes, window: int | None, reason: str) -> None:
    with pytest.raises(RejectedError, match=reason):
        data.inspect(samples.read(raw, window), extension)


# (id, bytes, window (None: the whole object), expected records, expected validity)
JSONL_VALID = [
    ("records", b'{"a": 1}\n{"a": 2}\n[3]\n', None, 3, True),
    ("no-final-newline", b'{"a": 1}\n{"a": 2}', None, 2, True),
    ("crlf-and-blank-lines", b'{"a": 1}\r\n\r\n{"a": 2}\r\n', None, 2, True),
    ("window-drops-the-cut-record", b'{"a": 1}\n{"a": 2}\n{"a": 3}\n', 24, 2, None),
    ("window-ending-on-a-newline", b'{"a": 1}\n{"a": 2}\n', 9, 1, None),
    ("unicode-line-separator-in-string", '{"a": "x\u2028y"}\n{"b": "\u0085"}\n'.encode(), None, 2, True),
]


@pytest.mark.parametrize(
    ("raw", "window", "records", "valid"), [c[1:] for c in JSONL_VALID], ids=[c[0] for c in JSONL_VALID]
)
def test_json_lines(raw: bytes, window: int | None, records: int, valid: bool | None) -> None:
    metadata = data.inspect(samples.read(raw, window), ".jsonl")
    assert (metadata["format"], metadata["recordsInWindow"], metadata["valid"], metadata["complete"]) == (
        "jsonl",
        records,
        valid,
        window is None,
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
    content = read_whole_or_half(raw, complete)
    metadata = metadata_or_rejection(data.inspect, content, extension)
    if metadata is None:
        return
    assert metadata["format"] == extension.lstrip(".")
    assert metadata["complete"] is content.complete
    json.dumps(metadata, allow_nan=False)  # storable as it is


# Files larger than the window: what their tail can honestly say about their end.
WINDOW = 4096
LARGE_JSON = json.dumps({"rows": [{"id": i, "name": f"naïve-{i}"} for i in range(2000)]}).encode()
LARGE_ARRAY = json.dumps([[i, "x" * 10] for i in range(2000)], indent=1).encode() + b"\n"
LARGE_STRING = json.dumps("é" * 10_000).encode()
LARGE_JSONL = b"".join(json.dumps({"id": i, "tags": ["a", "b"]}).encode() + b"\n" for i in range(2000))
LARGE_CSV = b"id,name\n" + b"".join(f"{i},caf\xc3\xa9 {i}\n".encode("latin-1") for i in range(5000))


@pytest.mark.parametrize(
    ("extension", "raw"),
    [
        (".json", LARGE_JSON),
        (".json", LARGE_ARRAY),
        (".json", LARGE_STRING),
        (".jsonl", LARGE_JSONL),
        (".csv", LARGE_CSV),
    ],
    ids=["json-object", "json-array", "json-string", "jsonl", "csv"],
)
def test_large_intact_data_is_processed_with_validity_unknown(extension: str, raw: bytes) -> None:
    content = samples.read(raw, WINDOW)
    assert not content.complete and len(raw) > 2 * WINDOW
    metadata = data.inspect(content, extension)
    assert metadata["complete"] is False
    assert metadata.get("valid", None) is None


@pytest.mark.parametrize(
    ("raw", "top"),
    [(LARGE_JSON, "object"), (LARGE_ARRAY, "array"), (LARGE_STRING, "string")],
    ids=["object", "array", "string"],
)
def test_a_large_json_document_cut_anywhere_is_truncated(raw: bytes, top: str) -> None:
    """Unless the cut falls right after a nested value closed by the same character (`...}` inside an object):
    the tail cannot tell that closer from the document's own."""
    closer = raw.rstrip()[-1:]
    near_the_end = range(len(raw.rstrip()) - 30, len(raw.rstrip()))
    cuts = [c for c in (WINDOW + 1, len(raw) // 2, *near_the_end) if not raw[:c].rstrip().endswith(closer)]
    assert len(cuts) > 20
    for cut in cuts:
        with pytest.raises(RejectedError, match=f"truncated (JSON: the {top} does not end|text)"):
            data.inspect(samples.read(raw[:cut], WINDOW), ".json")


def test_a_large_json_lines_file_cut_inside_its_last_record_is_rejected() -> None:
    last_start = LARGE_JSONL.rstrip(b"\n").rindex(b"\n") + 1
    for cut in range(last_start + 1, len(LARGE_JSONL) - 1):
        with pytest.raises(RejectedError, match=r"invalid JSON on the last record \(the file may be truncated\)"):
            data.inspect(samples.read(LARGE_JSONL[:cut], WINDOW), ".jsonl")
    # Cut where a record ends, the file is a whole JSON Lines file of fewer records: nothing shows the cut.
    assert data.inspect(samples.read(LARGE_JSONL[:last_start], WINDOW), ".jsonl")["valid"] is None


def test_a_large_csv_cut_inside_a_character_is_truncated() -> None:
    cut = LARGE_CSV.rindex("é".encode()) + 1
    with pytest.raises(RejectedError, match="truncated text"):
        data.inspect(samples.read(LARGE_CSV[:cut], WINDOW), ".csv")


def test_a_large_utf_16_json_document_is_judged_by_its_decoded_tail() -> None:
    document = "\ufeff" + json.dumps({"rows": list(range(5000))})
    raw = document.encode("utf-16-le")
    assert data.inspect(samples.read(raw, WINDOW), ".json")["encoding"] == "utf-16-le"
    with pytest.raises(RejectedError, match="truncated JSON: the object does not end with '}'"):
        data.inspect(samples.read(raw[:-4], WINDOW), ".json")
