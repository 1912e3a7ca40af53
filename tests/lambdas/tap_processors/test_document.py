"""The document inspector: PDF version and encryption; text encoding and line counts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap_processors import document
from tap_processors.pipeline import RejectedError
from tests.lambdas import samples
from tests.lambdas.fuzz import PROPERTY, contents, metadata_or_rejection, read_whole_or_half


def pdf_meta(version: str, encrypted: bool | None) -> dict[str, Any]:
    return {"format": "pdf", "version": version, "encrypted": encrypted}


def text_meta(encoding: str, lines: int, *, complete: bool = True, markdown: bool = False) -> dict[str, Any]:
    return {
        "format": "markdown" if markdown else "text",
        "encoding": encoding,
        "lineCount": lines,
        "lineCountComplete": complete,
    }


# (id, extension, bytes, window (None: the whole object), expected metadata)
VALID = [
    ("pdf-1.7", ".pdf", samples.pdf("1.7"), None, pdf_meta("1.7", False)),
    ("pdf-2.0", ".pdf", samples.pdf("2.0"), None, pdf_meta("2.0", False)),
    ("pdf-encrypted", ".pdf", samples.pdf("1.4", encrypted=True), None, pdf_meta("1.4", True)),
    ("pdf-junk-before-header", ".pdf", b"\r\n\x00junk" + samples.pdf("1.3"), None, pdf_meta("1.3", False)),
    # Of a larger file only the window and the tail are read: the trailer, in the tail, names the encryption
    # dictionary; without it, the dictionary may lie between them, so encryption is unknown, not "no".
    ("pdf-window", ".pdf", samples.pdf("1.6", padding=5000), 4096, pdf_meta("1.6", None)),
    ("pdf-tail-holds-trailer", ".pdf", samples.pdf("1.5", encrypted=True, padding=5000), 4096, pdf_meta("1.5", True)),
    ("txt-ascii", ".txt", b"one\ntwo\nthree\n", None, text_meta("ascii", 3)),
    ("txt-no-final-newline", ".txt", b"one\ntwo", None, text_meta("ascii", 2)),
    ("txt-crlf", ".txt", b"one\r\ntwo\r\n", None, text_meta("ascii", 2)),
    ("txt-utf-8", ".txt", "grüße\nnaïve\n".encode(), None, text_meta("utf-8", 2)),
    ("txt-utf-8-bom", ".txt", b"\xef\xbb\xbfa\nb\nc", None, text_meta("utf-8-bom", 3)),
    ("txt-utf-16-bom", ".txt", "\ufeffa\nb\n".encode("utf-16-le"), None, text_meta("utf-16-le", 2)),
    ("txt-latin-1", ".txt", "déjà\nvu\n".encode("latin-1"), None, text_meta("latin-1", 2)),
    ("txt-window", ".txt", b"line\n" * 10 + b"partial line\n", 54, text_meta("ascii", 10, complete=False)),
    ("md", ".md", b"# Title\n\nSome *text*.\n", None, text_meta("ascii", 3, markdown=True)),
]


@pytest.mark.parametrize(
    ("extension", "data", "window", "expected"), [case[1:] for case in VALID], ids=[c[0] for c in VALID]
)
def test_valid_documents(extension: str, data: bytes, window: int | None, expected: dict[str, Any]) -> None:
    assert document.inspect(samples.read(data, window), extension) == expected


# (id, extension, bytes, window (None: the whole object), words the reason must contain)
REJECTED = [
    ("pdf-truncated", ".pdf", samples.pdf()[:-40], None, "truncated PDF: no %%EOF"),
    ("pdf-wrong-magic", ".pdf", samples.png(2, 2), None, "not a PDF"),
    ("pdf-header-too-late", ".pdf", b" " * 2000 + samples.pdf(), None, "not a PDF"),
    ("pdf-empty", ".pdf", b"", None, "not a PDF"),
    ("txt-binary", ".txt", samples.png(2, 2), None, "binary"),
    ("txt-gif-window", ".txt", samples.gif(4, 4), 20, "binary"),
    ("md-nul", ".md", b"# Title\x00", None, "binary"),
]


@pytest.mark.parametrize(
    ("extension", "data", "window", "reason"), [case[1:] for case in REJECTED], ids=[c[0] for c in REJECTED]
)
def test_bad_documents_are_rejected(extension: str, data: bytes, window: int | None, reason: str) -> None:
    with pytest.raises(RejectedError, match=reason):
        document.inspect(samples.read(data, window), extension)


SEEDS = [samples.pdf(), samples.pdf("1.4", encrypted=True), b"one\ntwo\n", "\ufeffa\nb".encode("utf-16-le")]


@PROPERTY
@given(data=contents(SEEDS), extension=st.sampled_from((".pdf", ".txt", ".md")), complete=st.booleans())
def test_any_bytes_give_metadata_or_a_rejection(data: bytes, extension: str, complete: bool) -> None:
    content = read_whole_or_half(data, complete)
    metadata = metadata_or_rejection(document.inspect, content, extension)
    if metadata is None:
        return
    if extension == ".pdf":
        assert metadata["encrypted"] in ((True, False) if content.complete else (True, None))
    else:
        assert metadata["lineCount"] >= 0 and metadata["lineCountComplete"] is content.complete


# A PDF larger than the window: its %%EOF is judged from the tail that is read besides the window.
WINDOW = 4096
LARGE_PDF = samples.pdf("1.7", padding=100_000)


@pytest.mark.parametrize(
    "ending",
    [b"", b"\r\n", b"\n\n  \n", b"\x00" * 100, b"\n" * 1000],
    ids=["none", "crlf", "blank-lines", "nul-padding", "1000-newlines"],
)
def test_a_large_pdf_ending_in_eof_and_whitespace_is_intact(ending: bytes) -> None:
    content = samples.read(LARGE_PDF + ending, WINDOW)
    assert not content.complete
    assert document.inspect(content, ".pdf") == pdf_meta("1.7", None)


@pytest.mark.parametrize(
    "cut",
    [WINDOW + 1, len(LARGE_PDF) // 2, len(LARGE_PDF) - 300, *range(len(LARGE_PDF) - 7, len(LARGE_PDF) - 1)],
)
def test_a_large_pdf_cut_anywhere_is_truncated(cut: int) -> None:
    with pytest.raises(RejectedError, match="truncated PDF: no %%EOF marker at the end"):
        document.inspect(samples.read(LARGE_PDF[:cut], WINDOW), ".pdf")


@pytest.mark.parametrize(
    "ending",
    [b"junk after it", b"\n" * 1020, b"1 0 obj\n<< >>\nendobj\n"],
    ids=["junk", "eof-more-than-1-kib-before-the-end", "an-incremental-update-cut-before-its-eof"],
)
def test_a_pdf_whose_last_kib_does_not_end_in_eof_is_truncated(ending: bytes) -> None:
    for window in (None, WINDOW):
        with pytest.raises(RejectedError, match="truncated PDF"):
            document.inspect(samples.read(LARGE_PDF + ending, window), ".pdf")


def test_the_encryption_of_a_large_pdf_is_read_from_its_trailer_in_the_tail() -> None:
    encrypted = samples.pdf("1.4", encrypted=True, padding=100_000)
    content = samples.read(encrypted, WINDOW)
    assert b"/Encrypt" not in content.head
    assert document.inspect(content, ".pdf")["encrypted"] is True


@pytest.mark.parametrize(
    ("data", "cut", "lines"),
    [
        ("line ünïcödé\n".encode() * 10_000, 2, 240),  # cut inside the last é
        ("\ufeffline\n".encode("utf-16-le") + "line\n".encode("utf-16-le") * 10_000, 1, 409),  # an odd size
    ],
    ids=["utf-8", "utf-16"],
)
def test_large_text_is_intact_unless_it_ends_inside_a_character(data: bytes, cut: int, lines: int) -> None:
    whole = document.inspect(samples.read(data, WINDOW), ".txt")
    assert (whole["lineCount"], whole["lineCountComplete"]) == (lines, False)
    with pytest.raises(RejectedError, match="truncated text"):
        document.inspect(samples.read(data[:-cut], WINDOW), ".txt")
