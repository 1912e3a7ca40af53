"""The document inspector: PDF version and encryption; text encoding and line counts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap_processors import document
from tap_processors.pipeline import RejectedError
from tests.lambdas import samples
from tests.lambdas.fuzz import PROPERTY, contents, metadata_or_rejection


def pdf_meta(version: str, encrypted: bool | None) -> dict[str, Any]:
    return {"format": "pdf", "version": version, "encrypted": encrypted}


def text_meta(encoding: str, lines: int, *, complete: bool = True, markdown: bool = False) -> dict[str, Any]:
    return {
        "format": "markdown" if markdown else "text",
        "encoding": encoding,
        "lineCount": lines,
        "lineCountComplete": complete,
    }


# (id, extension, bytes, complete, expected metadata)
VALID = [
    ("pdf-1.7", ".pdf", samples.pdf("1.7"), True, pdf_meta("1.7", False)),
    ("pdf-2.0", ".pdf", samples.pdf("2.0"), True, pdf_meta("2.0", False)),
    ("pdf-encrypted", ".pdf", samples.pdf("1.4", encrypted=True), True, pdf_meta("1.4", True)),
    ("pdf-junk-before-header", ".pdf", b"\r\n\x00junk" + samples.pdf("1.3"), True, pdf_meta("1.3", False)),
    # Only the window is read: without the trailer, encryption is unknown, not "no".
    ("pdf-window", ".pdf", samples.pdf("1.6", padding=5000)[:4096], False, pdf_meta("1.6", None)),
    ("pdf-window-holds-trailer", ".pdf", samples.pdf("1.5", encrypted=True), False, pdf_meta("1.5", True)),
    ("txt-ascii", ".txt", b"one\ntwo\nthree\n", True, text_meta("ascii", 3)),
    ("txt-no-final-newline", ".txt", b"one\ntwo", True, text_meta("ascii", 2)),
    ("txt-crlf", ".txt", b"one\r\ntwo\r\n", True, text_meta("ascii", 2)),
    ("txt-utf-8", ".txt", "grüße\nnaïve\n".encode(), True, text_meta("utf-8", 2)),
    ("txt-utf-8-bom", ".txt", b"\xef\xbb\xbfa\nb\nc", True, text_meta("utf-8-bom", 3)),
    ("txt-utf-16-bom", ".txt", "\ufeffa\nb\n".encode("utf-16-le"), True, text_meta("utf-16-le", 2)),
    ("txt-latin-1", ".txt", "déjà\nvu\n".encode("latin-1"), True, text_meta("latin-1", 2)),
    ("txt-window", ".txt", b"line\n" * 10 + b"partial", False, text_meta("ascii", 10, complete=False)),
    ("md", ".md", b"# Title\n\nSome *text*.\n", True, text_meta("ascii", 3, markdown=True)),
]


@pytest.mark.parametrize(
    ("extension", "data", "complete", "expected"), [case[1:] for case in VALID], ids=[c[0] for c in VALID]
)
def test_valid_documents(extension: str, data: bytes, complete: bool, expected: dict[str, Any]) -> None:
    assert document.inspect(data, extension, complete) == expected


# (id, extension, bytes, complete, words the reason must contain)
REJECTED = [
    ("pdf-truncated", ".pdf", samples.pdf()[:-40], True, "truncated PDF: no %%EOF"),
    ("pdf-wrong-magic", ".pdf", samples.png(2, 2), True, "not a PDF"),
    ("pdf-header-too-late", ".pdf", b" " * 2000 + samples.pdf(), True, "not a PDF"),
    ("pdf-empty", ".pdf", b"", True, "not a PDF"),
    ("txt-binary", ".txt", samples.png(2, 2), True, "binary"),
    ("txt-gif-window", ".txt", samples.gif(4, 4), False, "binary"),
    ("md-nul", ".md", b"# Title\x00", True, "binary"),
]


@pytest.mark.parametrize(
    ("extension", "data", "complete", "reason"), [case[1:] for case in REJECTED], ids=[c[0] for c in REJECTED]
)
def test_bad_documents_are_rejected(extension: str, data: bytes, complete: bool, reason: str) -> None:
    with pytest.raises(RejectedError, match=reason):
        document.inspect(data, extension, complete)


SEEDS = [samples.pdf(), samples.pdf("1.4", encrypted=True), b"one\ntwo\n", "\ufeffa\nb".encode("utf-16-le")]


@PROPERTY
@given(data=contents(SEEDS), extension=st.sampled_from((".pdf", ".txt", ".md")), complete=st.booleans())
def test_any_bytes_give_metadata_or_a_rejection(data: bytes, extension: str, complete: bool) -> None:
    metadata = metadata_or_rejection(document.inspect, data, extension, complete)
    if metadata is None:
        return
    if extension == ".pdf":
        assert metadata["encrypted"] in ((True, False) if complete else (True, None))
    else:
        assert metadata["lineCount"] >= 0 and metadata["lineCountComplete"] is complete
