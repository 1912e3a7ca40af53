"""Text detection: the encoding of a window, characters cut off at its end, and binary content refused."""

from __future__ import annotations

import pytest

from tap_processors.pipeline import RejectedError
from tap_processors.text import decode_text
from tests.lambdas import samples

# (id, bytes, window (None: the whole object), expected text, expected encoding)
DECODED = [
    ("ascii", b"hello\nworld\n", None, "hello\nworld\n", "ascii"),
    ("utf-8", "naïve café\n".encode(), None, "naïve café\n", "utf-8"),
    ("utf-8-bom", b"\xef\xbb\xbfheader\n", None, "header\n", "utf-8-bom"),
    ("utf-16-le-bom", "\ufeffhé\n".encode("utf-16-le"), None, "hé\n", "utf-16-le"),
    ("utf-16-be-bom", "\ufeffhé\n".encode("utf-16-be"), None, "hé\n", "utf-16-be"),
    ("latin-1", "façade déjà vu\n".encode("latin-1"), None, "façade déjà vu\n", "latin-1"),
    ("tab-cr-formfeed", b"a\tb\r\nc\x0c", None, "a\tb\r\nc\x0c", "ascii"),
    ("empty", b"", None, "", "ascii"),
    # A window may end inside a character; the cut-off bytes are dropped, not misread as Latin-1.
    ("utf-8-cut-2-of-3", "ab€ and more\n".encode(), 4, "ab", "ascii"),
    ("utf-8-cut-1-of-4", "x😀 and more\n".encode(), 2, "x", "ascii"),
    ("utf-8-cut-after-non-ascii", "é€ and more\n".encode(), 3, "é", "utf-8"),
    ("utf-16-cut-in-code-unit", "\ufeffhé and more\n".encode("utf-16-le"), 5, "h", "utf-16-le"),
    ("utf-16-cut-in-surrogate-pair", "\ufeffa😀 and more\n".encode("utf-16-le"), 7, "a", "utf-16-le"),
    # Of a larger file, a tail that is plain ASCII or starts inside a character says nothing against it.
    ("utf-8-tail-starts-inside-a-character", "é".encode() * 5000 + b"end.\n", 64, "é" * 32, "utf-8"),
    ("latin-1-head-ascii", b"a" * 100 + "déjà vu\n".encode("latin-1"), 100, "a" * 100, "ascii"),
    ("ascii-head-ending-in-a-latin-1-letter", b"a" * 100 + "café".encode("latin-1"), 100, "a" * 100, "ascii"),
]


@pytest.mark.parametrize(
    ("data", "window", "text", "encoding"), [case[1:] for case in DECODED], ids=[c[0] for c in DECODED]
)
def test_decode_text(data: bytes, window: int | None, text: str, encoding: str) -> None:
    assert decode_text(samples.read(data, window)) == (text, encoding)


def test_a_complete_latin_1_file_ending_in_a_lead_byte_is_latin_1() -> None:
    """Nothing before the last byte shows UTF-8, so the high byte is a Latin-1 letter."""
    assert decode_text(samples.read("ab€".encode()[:-1])) == ("abâ\x82", "latin-1")


# (id, bytes, window): UTF-8 or UTF-16 text that stops part-way through its last character was cut off.
CUT_INSIDE_A_CHARACTER = [
    ("utf-8-whole-file", "naïve café €".encode()[:-1], None),
    ("utf-8-whole-file-latin-1-fallback", "é€".encode()[:-2], None),
    ("utf-8-larger-file", "naïve café\n".encode() * 1000 + "€".encode()[:-1], 64),
    ("utf-8-larger-file-4-byte", "😀".encode() * 3000 + "😀".encode()[:-1], 64),
    ("ascii-head-utf-8-tail", b"a" * 5000 + "été €".encode()[:-2], 64),
    ("utf-8-bom-larger-file", b"\xef\xbb\xbf" + "€".encode() * 3000 + "€".encode()[:-1], 64),
    ("utf-16-odd-size", "\ufeffhello world\n".encode("utf-16-le") * 500 + b"a", 64),
    (
        "utf-16-half-a-surrogate-pair",
        "\ufeffhello world\n".encode("utf-16-be") * 500 + "😀".encode("utf-16-be")[:2],
        64,
    ),
]


@pytest.mark.parametrize(
    ("data", "window"), [case[1:] for case in CUT_INSIDE_A_CHARACTER], ids=[c[0] for c in CUT_INSIDE_A_CHARACTER]
)
def test_text_ending_inside_a_character_is_truncated(data: bytes, window: int | None) -> None:
    with pytest.raises(RejectedError, match="truncated text: the file ends part-way through a character"):
        decode_text(samples.read(data, window))


# (id, bytes, words the reason must contain)
BINARY = [
    ("nul", b"text\x00more", "binary"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("escape", b"\x1b[31mred\x1b[0m", "binary"),
    ("vertical-tab", b"a\x0bb", "binary"),
    ("utf-8-bom-then-nul", b"\xef\xbb\xbfdata\x00\x01\x02", "binary"),
    ("utf-16-bom-then-controls", b"\xff\xfe" + "ok\x00\x01\x02".encode("utf-16-le"), "binary"),
    ("utf-8-bom-then-invalid", b"\xef\xbb\xbf\xff\xfe\xfd", "utf-8 byte-order mark but is not utf-8"),
    ("utf-16-bom-then-lone-surrogate", b"\xff\xfe\x00\xd8a\x00", "utf-16-le byte-order mark"),
]


@pytest.mark.parametrize(("data", "reason"), [case[1:] for case in BINARY], ids=[c[0] for c in BINARY])
def test_binary_content_is_rejected(data: bytes, reason: str) -> None:
    with pytest.raises(RejectedError, match=reason):
        decode_text(samples.read(data))
