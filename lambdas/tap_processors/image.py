"""The image processor (`tap_processors.image.handle`): format and pixel dimensions from the header."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any, NamedTuple

from tap_processors.pipeline import Content, Metadata, RejectedError, handle_event

KIND = "image"
FORMAT_OF_EXTENSION = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp"}
Dimensions = tuple[int, int] | None
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (C4 is DHT, C8 is reserved, CC is DAC: not frames).
JPEG_FRAME_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
JPEG_RESTART_MARKERS = frozenset(range(0xD0, 0xD8))
JPEG_STANDALONE_MARKERS = frozenset({0x01, *JPEG_RESTART_MARKERS})
JPEG_EOI = b"\xff\xd9"
# What some writers pad a JPEG with after its last EOI (kept within the tail that is read).
JPEG_PADDING = b"\x00\xff"
PNG_IEND_CHUNK = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # length 0, type, CRC-32 of the type
GIF_ENDING = b"\x00\x3b"  # the last block's terminator, then the trailer


def sniff(data: bytes) -> str | None:
    """The image format the bytes start with, if any."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def png_dimensions(data: bytes) -> Dimensions:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def gif_dimensions(data: bytes) -> Dimensions:
    if len(data) < 10:
        return None
    width, height = struct.unpack("<HH", data[6:10])
    return width, height


def webp_dimensions(data: bytes) -> Dimensions:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None


class JpegLayout(NamedTuple):
    """What a walk of a JPEG's marker segments found in the bytes it was given."""

    dimensions: Dimensions  # from the first frame header; None if it lies beyond the bytes
    ended: bool  # an end-of-image marker follows the main image's own scan data
    # Where the image goes on past the bytes walked: the end of a segment they end inside, or their end.
    resume: int


def next_marker(data: bytes, position: int) -> int:
    """Where the first marker at or after `position` in entropy-coded data starts; -1 if `data` ends first."""
    while (position := data.find(b"\xff", position)) >= 0 and position + 1 < len(data):
        following = data[position + 1]
        if following == 0x00 or following in JPEG_RESTART_MARKERS:  # a stuffed 0xFF data byte, a restart
            position += 2
        elif following == 0xFF:  # fill bytes may precede a marker
            position += 1
        else:
            return position
    return -1


def segment_end(data: bytes, position: int) -> int:
    """Where the segment whose marker is at `position` ends, by its length field (perhaps beyond `data`)."""
    length = int.from_bytes(data[position + 2 : position + 4], "big")
    if length < 2:
        raise RejectedError(f"corrupt JPEG: segment length {length} at byte {position}")
    return position + 2 + length


def jpeg_layout(data: bytes) -> JpegLayout:
    """Walk the marker segments from SOI to the main image's EOI.

    Each segment is skipped by its length, so an EXIF thumbnail (a whole JPEG, EOI included, inside APP1)
    is never mistaken for the main image; after each start of scan the entropy-coded data is skipped to
    the next marker. Structure that cannot be a JPEG is rejected; bytes ending early end the walk.
    """
    position, scanned = 2, False
    dimensions: Dimensions = None
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            raise RejectedError(f"corrupt JPEG: expected a marker at byte {position}")
        marker = data[position + 1]
        if marker == 0xFF or marker in JPEG_STANDALONE_MARKERS:  # a fill byte, or a marker without a segment
            position += 1 if marker == 0xFF else 2
            continue
        if marker in (0xD9, 0xDA) and dimensions is None:
            raise RejectedError("corrupt JPEG: no frame header before the image data")
        if marker == 0xD9:
            if not scanned:
                raise RejectedError("corrupt JPEG: the image ends before its scan data")
            return JpegLayout(dimensions, ended=True, resume=position + 2)
        if position + 4 > len(data):
            break
        end = segment_end(data, position)
        if marker in JPEG_FRAME_MARKERS and dimensions is None:
            if position + 9 > len(data):
                position = end
                break
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            dimensions = width, height
        position = end
        if marker == 0xDA and position <= len(data):
            scanned = True
            position = next_marker(data, position)
            if position < 0:
                position = len(data)  # inside the scan data
                break
    return JpegLayout(dimensions, ended=False, resume=position)


def jpeg_dimensions(data: bytes) -> Dimensions:
    """The first frame header's size; None if it lies beyond `data`."""
    return jpeg_layout(data).dimensions


def png_walk(data: bytes) -> tuple[bool, int]:
    """Walk the chunks by their lengths from the signature: whether they reach a whole IEND chunk, and where
    the walk stopped (the end of a chunk `data` ends inside may lie beyond it)."""
    position = len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        length, kind = int.from_bytes(data[position : position + 4], "big"), data[position + 4 : position + 8]
        position += 12 + length  # length, type, data, CRC
        if kind == b"IEND":
            return position <= len(data), position
    return False, position


def png_ends_intact(data: bytes) -> bool:
    """Whether the chunks, walked by their lengths from the signature, reach a whole IEND chunk."""
    return png_walk(data)[0]


def color_table_bytes(packed: int) -> int:
    """The size of the GIF colour table a screen or image descriptor's packed field announces."""
    return 3 << ((packed & 0x07) + 1) if packed & 0x80 else 0


def sub_blocks_end(data: bytes, position: int) -> int:
    """Where the GIF data sub-blocks starting at `position` end, after their empty terminator; -1 past `data`."""
    while position < len(data):
        size = data[position]
        position += 1 + size
        if size == 0:
            return position
    return -1


def gif_ends_intact(data: bytes) -> bool:
    """Whether the blocks, walked from the screen descriptor, reach the trailer (a 0x3B byte inside a colour
    table or image data is not one)."""
    if len(data) < 13:
        return False
    position = 13 + color_table_bytes(data[10])
    while 0 <= position < len(data):
        block = data[position]
        if block == 0x3B:  # trailer
            return True
        if block == 0x21:  # extension: introducer, label, sub-blocks
            position = sub_blocks_end(data, position + 2)
        elif block == 0x2C:  # image: descriptor, optional local colour table, LZW code size, sub-blocks
            if position + 10 > len(data):
                return False
            position = sub_blocks_end(data, position + 10 + color_table_bytes(data[position + 9]) + 1)
        else:
            raise RejectedError(f"corrupt GIF: unknown block 0x{block:02X} at byte {position}")
    return False


def jpeg_ends_intact(data: bytes) -> bool:
    """Whether a whole JPEG's segments and scan data reach the main image's EOI."""
    return jpeg_layout(data).ended


def png_larger_file_ends_intact(content: Content) -> bool:
    """Whether no chunk begun in the head runs to the object's end (IEND-like bytes inside a chunk must not
    pass for its end), and the last bytes are a whole IEND chunk."""
    resume = png_walk(content.head)[1]
    return resume + len(PNG_IEND_CHUNK) <= content.size and content.tail.endswith(PNG_IEND_CHUNK)


def gif_larger_file_ends_intact(content: Content) -> bool:
    """Whether the last bytes of a file are a block terminator and the trailer."""
    return content.tail.endswith(GIF_ENDING)


def jpeg_larger_file_ends_intact(content: Content) -> bool:
    """Whether a JPEG larger than the window ends intact: no segment begun in the head runs to the object's
    end (an EXIF thumbnail's EOI closing APP1 must not pass for the image's), and its last bytes are an EOI."""
    return jpeg_layout(content.head).resume + len(JPEG_EOI) <= content.size and jpeg_tail_ends_intact(content.tail)


def jpeg_tail_ends_intact(tail: bytes) -> bool:
    """Whether the last bytes of a file are an EOI, perhaps followed by padding.

    A camera file's appended images (MPF previews) end with their own EOI, so they pass; a cut inside
    entropy-coded data cannot end with FF D9, which is never a data byte pair there.
    """
    return tail.rstrip(JPEG_PADDING).endswith(JPEG_EOI)


def webp_fits(data: bytes, size: int) -> bool:
    """Whether the object holds all the bytes its RIFF header announces (the header is in the first bytes)."""
    return int.from_bytes(data[4:8], "little") + 8 <= size


DIMENSIONS: dict[str, Callable[[bytes], Dimensions]] = {
    "png": png_dimensions,
    "jpeg": jpeg_dimensions,
    "gif": gif_dimensions,
    "webp": webp_dimensions,
}
# Whole files: each format's structure is walked to its end marker; data after it (camera trailers) is allowed.
WHOLE_FILE_ENDINGS: dict[str, Callable[[bytes], bool]] = {
    "png": png_ends_intact,
    "jpeg": jpeg_ends_intact,
    "gif": gif_ends_intact,
}
# Files larger than the window: only the head and the last bytes are read, so the end marker must be the very
# end, and no structure begun in the head may run to it.
LARGER_FILE_ENDINGS: dict[str, Callable[[Content], bool]] = {
    "png": png_larger_file_ends_intact,
    "jpeg": jpeg_larger_file_ends_intact,
    "gif": gif_larger_file_ends_intact,
}


def ends_intact(image_format: str, content: Content) -> bool:
    """Whether the file ends the way its format requires (a cut-off upload does not)."""
    if image_format == "webp":
        return webp_fits(content.head, content.size)
    if content.complete:
        return WHOLE_FILE_ENDINGS[image_format](content.head)
    return LARGER_FILE_ENDINGS[image_format](content)


def inspect(content: Content, extension: str) -> Metadata:
    expected = FORMAT_OF_EXTENSION[extension]
    data, complete = content.head, content.complete
    found = sniff(data)
    if found is None:
        raise RejectedError(f"content is not a {expected.upper()} image (extension {extension})")
    if found != expected:
        raise RejectedError(f"content is a {found.upper()} image but the extension {extension} says {expected.upper()}")
    dimensions = DIMENSIONS[found](data)
    if (complete and dimensions is None) or not ends_intact(found, content):
        raise RejectedError(f"truncated {found.upper()}: the file ends before the image does")
    metadata: dict[str, Any] = {"format": found, "width": None, "height": None}
    if dimensions is not None:
        width, height = dimensions
        if width == 0 or height == 0:
            raise RejectedError(f"invalid {found.upper()}: dimensions {width}x{height}")
        metadata.update(width=width, height=height)
    else:
        metadata["note"] = "dimensions lie beyond the read window"
    return metadata


def handle(event: Any, context: Any) -> dict[str, Any]:
    return handle_event(event, context, KIND, inspect)
