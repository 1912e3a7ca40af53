"""Text detection shared by the document and data processors: encoding, and binary content refused."""

from __future__ import annotations

import codecs

from tap_processors.pipeline import Content, RejectedError

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


def _decode_head(data: bytes, complete: bool) -> tuple[str, str]:
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


def _codec(encoding: str) -> str:
    """The codec for the rest of a file whose head has `encoding` (a plain-ASCII head may go on in UTF-8)."""
    return "latin-1" if encoding == "latin-1" else encoding if encoding.startswith("utf-16") else "utf-8"


def _aligned(content: Content, codec: str) -> bytes:
    """The tail from its first whole character: a UTF-8 tail that is not the whole file may start inside one.

    (A UTF-16 tail of an even-sized file starts at an even offset; an odd-sized one is already truncated.)
    """
    tail = content.tail
    if codec != "utf-8" or len(tail) == content.size:
        return tail
    skip = 0
    while skip < min(MAX_CUT, len(tail)) and 0x80 <= tail[skip] <= 0xBF:  # continuation bytes
        skip += 1
    return tail[skip:]


def utf8_ends_inside_a_character(tail: bytes, known_utf8: bool) -> bool:
    """Whether UTF-8 text stops part-way through its last character, everything before it being valid.

    Without other evidence of UTF-8 (the head, or a whole multi-byte character in `tail`), a lone high byte
    after plain ASCII may be a Latin-1 letter, so nothing is said.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoded = decoder.decode(tail)
    except UnicodeDecodeError:
        return False  # not UTF-8 throughout: its end says nothing
    return bool(decoder.getstate()[0]) and (known_utf8 or not decoded.isascii())


def ends_inside_a_character(content: Content, encoding: str) -> bool:
    """Whether the file stops part-way through a character: a cut, whatever the text says."""
    codec = _codec(encoding)
    if codec.startswith("utf-16"):
        last = int.from_bytes(content.tail[-2:], "little" if codec.endswith("le") else "big")
        return content.size % 2 == 1 or 0xD800 <= last <= 0xDBFF  # an odd byte, or a pair's first half
    # A whole file that fails UTF-8 only in its last character is cut UTF-8, not Latin-1 (its head went to the
    # Latin-1 fallback); of a larger Latin-1 file the head already showed it is not UTF-8.
    if codec == "utf-8" or content.complete:
        known_utf8 = encoding in ("utf-8", "utf-8-bom")
        return utf8_ends_inside_a_character(_aligned(content, "utf-8"), known_utf8)
    return False


def decode_text(content: Content) -> tuple[str, str]:
    """The text of the head and its encoding name; binary content, and text cut inside a character, is rejected."""
    text, encoding = _decode_head(content.head, content.complete)
    if ends_inside_a_character(content, encoding):
        raise RejectedError("truncated text: the file ends part-way through a character")
    return text, encoding


def decode_tail(content: Content, encoding: str) -> str:
    """The tail as text in the head's encoding, from its first whole character (undecodable bytes replaced)."""
    codec = _codec(encoding)
    return _aligned(content, codec).decode(codec, errors="replace")
