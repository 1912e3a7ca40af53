"""The image processor (`tap_processors.image.handle`): format and pixel dimensions from the header."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from tap_processors.pipeline import Metadata, RejectedError, handle_event

KIND = "image"
FORMAT_OF_EXTENSION = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp"}
Dimensions = tuple[int, int] | None
# JPEG start-of-frame markers (C4 is DHT, C8 is reserved, CC is DAC: not frames).
JPEG_FRAME_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
JPEG_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})


def sniff(data: bytes) -> str | None:
    """The image format the bytes start with, if any."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
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


def jpeg_dimensions(data: bytes) -> Dimensions:
    """Walk the marker segments to the first start-of-frame; None if it lies beyond `data`."""
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise RejectedError(f"corrupt JPEG: expected a marker at byte {position}")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker in JPEG_STANDALONE_MARKERS:
            position += 2
            continue
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if length < 2:
            raise RejectedError(f"corrupt JPEG: segment length {length} at byte {position}")
        if marker in JPEG_FRAME_MARKERS:
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        if marker in (0xD9, 0xDA):  # end of image or start of scan before any frame header
            raise RejectedError("corrupt JPEG: no frame header before the image data")
        position += 2 + length
    return None


DIMENSIONS: dict[str, Callable[[bytes], Dimensions]] = {
    "png": png_dimensions,
    "jpeg": jpeg_dimensions,
    "gif": gif_dimensions,
    "webp": webp_dimensions,
}


def ends_intact(image_format: str, data: bytes) -> bool:
    """Whether a whole file ends the way its format requires (a cut-off upload does not)."""
    if image_format == "png":
        return data.endswith(b"IEND\xaeB`\x82")
    if image_format == "jpeg":
        return data.rfind(b"\xff\xd9") > 2  # some cameras append data after the end-of-image marker
    if image_format == "gif":
        return data.endswith(b";")
    return int.from_bytes(data[4:8], "little") + 8 <= len(data)  # webp: the RIFF size must fit


def inspect(data: bytes, extension: str, complete: bool) -> Metadata:
    expected = FORMAT_OF_EXTENSION[extension]
    found = sniff(data)
    if found is None:
        raise RejectedError(f"content is not a {expected.upper()} image (extension {extension})")
    if found != expected:
        raise RejectedError(f"content is a {found.upper()} image but the extension {extension} says {expected.upper()}")
    dimensions = DIMENSIONS[found](data)
    if complete and (dimensions is None or not ends_intact(found, data)):
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
