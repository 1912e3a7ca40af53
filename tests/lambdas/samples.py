"""Real file bytes built in the tests: images, PDFs and text, with exactly the structure their formats define;
and what a processor reads of them."""

from __future__ import annotations

import random
import struct
import zlib

from tap_processors.pipeline import TAIL_READ_BYTES, Content, content_of

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, *, noise: bool = False) -> bytes:
    """An RGB PNG of black pixels, or of random ones (which zlib cannot shrink, for a large file): signature,
    IHDR, a zlib IDAT with one filter byte per row, IEND."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = random.Random(width * height).randbytes if noise else bytes
    rows = b"".join(b"\x00" + pixels(3 * width) for _ in range(height))
    return (
        PNG_SIGNATURE + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(rows)) + png_chunk(b"IEND", b"")
    )


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _huffman_table(table_class: int, symbol: int) -> bytes:
    """A table with one code of length 1 for `symbol` (DC: difference 0, AC: end of block)."""
    return bytes((table_class << 4,)) + bytes((1,) + (0,) * 15) + bytes((symbol,))


def _tiff_entry(tag: int, field_type: int, value: int) -> bytes:
    return struct.pack("<HHII", tag, field_type, 1, value)


def _exif(thumbnail: bytes | None) -> bytes:
    """An APP1 Exif payload: a little-endian TIFF header, IFD0 (orientation) and, with a thumbnail, IFD1
    pointing at a whole JPEG (SOI to EOI) stored right after it, as cameras write them."""
    ifd0_entries = [_tiff_entry(0x0112, 3, 1)]  # orientation: SHORT 1
    ifd0_size = 2 + 12 * len(ifd0_entries) + 4
    ifd1_offset = 8 + ifd0_size if thumbnail else 0
    ifd0 = struct.pack("<H", len(ifd0_entries)) + b"".join(ifd0_entries) + struct.pack("<I", ifd1_offset)
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd0
    if thumbnail:
        thumbnail_offset = ifd1_offset + 2 + 12 * 2 + 4
        # JPEGInterchangeFormat and JPEGInterchangeFormatLength: LONG offset and length of the thumbnail.
        entries = _tiff_entry(0x0201, 4, thumbnail_offset) + _tiff_entry(0x0202, 4, len(thumbnail))
        tiff += struct.pack("<H", 2) + entries + struct.pack("<I", 0) + thumbnail
    return b"Exif\x00\x00" + tiff


def jpeg(
    width: int,
    height: int,
    *,
    exif: bool = True,
    thumbnail: bool = False,
    thumbnail_size: tuple[int, int] = (16, 12),
    frame_marker: int = 0xC0,
) -> bytes:
    """A decodable greyscale baseline JPEG of mid-grey blocks.

    SOI, APP0 (JFIF), optionally APP1 (Exif, with a little-endian TIFF header, and with `thumbnail` a
    JPEG thumbnail (16x12 unless `thumbnail_size` says) with its own SOI and EOI inside, as camera files carry),
    DQT, then the frame
    header, DHT for DC and AC, SOS, one "DC 0, end of block" pair of 1-bit codes per 8x8 block padded with
    1 bits, and EOI.
    """
    parts = [b"\xff\xd8", _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")]
    if exif or thumbnail:
        parts.append(_segment(0xE1, _exif(jpeg(*thumbnail_size, exif=False) if thumbnail else None)))
    parts.append(_segment(0xDB, b"\x00" + b"\x01" * 64))
    parts.append(_segment(frame_marker, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"))
    parts.append(_segment(0xC4, _huffman_table(0, 0) + _huffman_table(1, 0)))
    parts.append(_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"))
    blocks = -(-width // 8) * -(-height // 8)
    bits = "00" * blocks
    bits += "1" * (-len(bits) % 8)
    parts.append(int(bits, 2).to_bytes(len(bits) // 8, "big"))
    parts.append(b"\xff\xd9")
    return b"".join(parts)


def _gif_codes(pixels: int) -> bytes:
    """LZW data with 3-bit codes: a clear code before every two pixels keeps the code size fixed."""
    clear, end, codes = 4, 5, []
    for start in range(0, pixels, 2):
        codes += [clear] + [0] * min(2, pixels - start)
    codes.append(end)
    # Packed least significant bit first, a byte at a time (one big integer made this quadratic: ~1 s at 300x300).
    packed, pending, pending_bits = bytearray(), 0, 0
    for code in codes:
        pending |= code << pending_bits
        pending_bits += 3
        while pending_bits >= 8:
            packed.append(pending & 0xFF)
            pending >>= 8
            pending_bits -= 8
    if pending_bits:
        packed.append(pending)
    data = bytes(packed)
    blocks = b"".join(bytes((len(data[i : i + 255]),)) + data[i : i + 255] for i in range(0, len(data), 255))
    return b"\x02" + blocks + b"\x00"


def gif(width: int, height: int, *, version: bytes = b"89a") -> bytes:
    """A GIF of colour 0 with a two-colour global table, one image descriptor and the trailer."""
    screen = struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    image = b"," + struct.pack("<HHHHB", 0, 0, width, height, 0)
    return b"GIF" + version + screen + image + _gif_codes(width * height) + b";"


def _riff(*chunks: bytes) -> bytes:
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _webp_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + b"\x00" * (len(data) % 2)


def _vp8l(width: int, height: int) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    return _webp_chunk(b"VP8L", b"\x2f" + struct.pack("<I", bits) + b"\x00\x88\x88\x08")


def webp_vp8(width: int, height: int, *, partition_bytes: int = 16) -> bytes:
    """Lossy WebP: a key-frame tag, the start code, 14-bit dimensions (scale 0) and partition data."""
    partition = b"\x00" * partition_bytes
    tag = (0 | (0 << 1) | (1 << 4) | (len(partition) << 5)).to_bytes(3, "little")
    frame = tag + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + partition
    return _riff(_webp_chunk(b"VP8 ", frame))


def webp_vp8l(width: int, height: int) -> bytes:
    """Lossless WebP: the 0x2f signature then 14-bit width-1 and height-1."""
    return _riff(_vp8l(width, height))


def webp_vp8x(width: int, height: int) -> bytes:
    """Extended WebP: a VP8X header with the 24-bit canvas size, then the image chunk."""
    header = b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return _riff(_webp_chunk(b"VP8X", header), _vp8l(width, height))


def pdf(version: str = "1.7", *, encrypted: bool = False, padding: int = 0) -> bytes:
    """A one-page PDF with its cross-reference table and trailer; `padding` bytes of comment lengthen it."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    if encrypted:
        objects.append(b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -1068 /O <00> /U <00> >>")
    out = bytearray(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
    if padding:
        out += b"%" + b"x" * padding + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    if encrypted:
        trailer += f" /Encrypt {len(objects)} 0 R /ID [<01> <01>]"
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def read(data: bytes, window: int | None = None) -> Content:
    """What a processor reads of an object holding `data`: all of it, or its first `window` bytes and its tail."""
    if window is None or window >= len(data):
        return content_of(data, b"", len(data))
    return content_of(data[:window], data[max(window, len(data) - TAIL_READ_BYTES) :], len(data))
