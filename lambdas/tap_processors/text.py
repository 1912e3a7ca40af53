"""Text detection shared by the document and data processors: encoding, and binary content refused."""

from __future__ import annotations

from tap_processors.pipeline import RejectedError

BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Control characters other than tab, newline, form feed and carriage return mark binary content.
BINARY_CHARACTERS = frozenset(map(chr, range(0x20))) - set("\t\n\x0c\r")
# A window may end inside a character: at most 3 bytes of a UTF-8 one or of a UTF-16 surrogate pair.
MAX_CUT = 3


def _decode(data: bytes, encoding: str, complete: bool) -> str | None:
    """`data` decoded strictly; an incomplete window may drop a character cut off at its end."""
    for trim in range(1 if complete else MAX_CUT + 1):
        try:
            return data[: len(data) - trim].decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _checked(text: str, encoding: str) -> tuple[str, str]:
    # Checked on the decoded text, so control characters behind a byte-order mark count too.
    if not BINARY_CHARACTERS.isdisjoint(text):
        raise RejectedError("content is binary, not text")
    return text, encoding


def decode_text(data: bytes, complete: bool) -> tuple[str, str]:
    """The text and its encoding name; binary content is rejected."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = _decode(data[len(bom) :], encoding, complete)
            if text is None:
                raise RejectedError(f"content starts with a {encoding} byte-order mark but is not {encoding}")
            return _checked(text, f"{encoding}-bom" if encoding == "utf-8" else encoding)
    text = _decode(data, "utf-8", complete)
    if text is not None:
        return _checked(text, "ascii" if text.isascii() else "utf-8")
    # Not UTF-8: an 8-bit encoding; Latin-1 decodes every byte.
    return _checked(data.decode("latin-1"), "latin-1")
