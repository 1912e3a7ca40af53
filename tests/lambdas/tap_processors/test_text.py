"""Text detection: the encoding of a window, characters cut off at its end, and binary content refused."""

from __future__ import annotations

import pytest

from tap_processors.pipeline import RejectedError
from tap_processors.text import decode_text

# (id, bytes, complete, expected text, expected encoding)
DECODED = [
    ("ascii", b"hello\nworld\n", True, "hello\nworld\n", "ascii"),
    ("utf-8", "naïve café\n".encode(), True, "naïve café\n", "utf-8"),
    ("utf-8-bom", b"\xef\xbb\xbfheader\n", True, "header\n", "utf-8-bom"),
    ("utf-16-le-bom", "\ufeffhé\n".encode("utf-16-le"), True, "hé\n", "utf-16-le"),
    ("utf-16-be-bom", "\ufeffhé\n".encode("utf-16-be"), True, "hé\n", "utf-16-be"),
    ("latin-1", "façade déjà vu\n".encode("latin-1"), True, "façade déjà vu\n", "latin-1"),
    ("tab-cr-formfeed", b"a\tb\r\nc\x0c", True, "a\tb\r\nc\x0c", "ascii"),
    ("empty", b"", True, "", "ascii"),
    # A window may end inside a character; the cut-off bytes are dropped, not misread as Latin-1.
    ("utf-8-cut-2-of-3", "ab€".encode()[:-1], False, "ab", "ascii"),
    ("utf-8-cut-1-of-4", "x😀".encode()[:-3], False, "x", "ascii"),
    ("utf-8-cut-after-non-ascii", "é€".encode()[:-2], False, "é", "utf-8"),
    ("utf-16-cut-in-code-unit", "\ufeffhé".encode("utf-16-le")[:-1], False, "h", "utf-16-le"),
    ("utf-16-cut-in-surrogate-pair", "\ufeffa😀".encode("utf-16-le")[:-1], False, "a", "utf-16-le"),
]


@pytest.mark.parametrize(
    ("data", "complete", "text", "encoding"), [case[1:] for case in DECODED], ids=[c[0] for c in DECODED]
)
def test_decode_text(data: bytes, complete: bool, text: str, encoding: str) -> None:
    assert decode_text(data, complete) == (text, encoding)


def test_a_complete_file_ending_in_half_a_character_is_latin_1_not_trimmed() -> None:
    assert decode_text("ab€".encode()[:-1], True) == ("abâ\x82", "latin-1")


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
        decode_text(data, True)
