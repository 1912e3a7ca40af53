"""The image inspector: format and pixel dimensions from real headers; wrong or cut-off content is rejected."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap_processors import image
from tap_processors.pipeline import RejectedError
from tests.lambdas import samples
from tests.lambdas.conftest import Aws, LambdaContext
from tests.lambdas.fuzz import PROPERTY, contents, metadata_or_rejection, read_whole_or_half

# (id, extension, bytes, expected metadata)
VALID = [
    ("png", ".png", samples.png(640, 480), {"format": "png", "width": 640, "height": 480}),
    ("png-1x1", ".png", samples.png(1, 1), {"format": "png", "width": 1, "height": 1}),
    ("jpeg-app0-exif-sof0", ".jpg", samples.jpeg(320, 200), {"format": "jpeg", "width": 320, "height": 200}),
    (
        "jpeg-camera-exif-thumbnail",
        ".jpg",
        samples.jpeg(320, 200, thumbnail=True),
        {"format": "jpeg", "width": 320, "height": 200},
    ),
    ("jpeg-no-exif", ".jpeg", samples.jpeg(17, 9, exif=False), {"format": "jpeg", "width": 17, "height": 9}),
    (
        "jpeg-progressive",
        ".jpg",
        samples.jpeg(64, 48, frame_marker=0xC2),
        {"format": "jpeg", "width": 64, "height": 48},
    ),
    ("gif89a", ".gif", samples.gif(3, 5), {"format": "gif", "width": 3, "height": 5}),
    ("gif87a", ".gif", samples.gif(2, 2, version=b"87a"), {"format": "gif", "width": 2, "height": 2}),
    ("webp-vp8", ".webp", samples.webp_vp8(1920, 1080), {"format": "webp", "width": 1920, "height": 1080}),
    ("webp-vp8l", ".webp", samples.webp_vp8l(800, 600), {"format": "webp", "width": 800, "height": 600}),
    ("webp-vp8x", ".webp", samples.webp_vp8x(20000, 16384), {"format": "webp", "width": 20000, "height": 16384}),
]


@pytest.mark.parametrize(("extension", "data", "expected"), [case[1:] for case in VALID], ids=[c[0] for c in VALID])
def test_valid_images_report_format_and_dimensions(extension: str, data: bytes, expected: dict[str, Any]) -> None:
    assert image.inspect(samples.read(data), extension) == expected


def test_jpeg_fill_bytes_and_restart_markers_are_skipped() -> None:
    data = samples.jpeg(40, 30)
    sof = data.index(b"\xff\xc0")
    padded = data[:sof] + b"\xff\xff\xff\xd0" + data[sof:]  # fill bytes, then a standalone RST0
    assert image.inspect(samples.read(padded), ".jpg") == {"format": "jpeg", "width": 40, "height": 30}


# (id, extension, bytes of a whole file, words the reason must contain)
REJECTED = [
    ("png-named-jpg", ".jpg", samples.png(4, 4), "is a PNG image but the extension .jpg says JPEG"),
    ("jpeg-named-png", ".png", samples.jpeg(4, 4), "is a JPEG image but the extension .png says PNG"),
    ("gif-named-webp", ".webp", samples.gif(4, 4), "is a GIF image"),
    ("pdf-named-png", ".png", samples.pdf(), "content is not a PNG image"),
    ("text-named-gif", ".gif", b"GIF is a format", "content is not a GIF image"),
    ("empty", ".png", b"", "content is not a PNG image"),
    ("png-truncated", ".png", samples.png(8, 8)[:-12], "truncated PNG"),
    ("png-header-only", ".png", samples.png(8, 8)[:20], "truncated PNG"),
    ("png-no-ihdr", ".png", samples.PNG_SIGNATURE + b"\x00\x00\x00\x00IEND\xaeB`\x82", "truncated PNG"),
    ("png-zero-width", ".png", samples.png(0, 8), "invalid PNG: dimensions 0x8"),
    ("jpeg-truncated-before-eoi", ".jpg", samples.jpeg(8, 8)[:-2], "truncated JPEG"),
    ("jpeg-cut-in-headers", ".jpg", samples.jpeg(8, 8)[:30], "truncated JPEG"),
    (
        "jpeg-eoi-before-the-scan",
        ".jpg",
        samples.jpeg(8, 8)[: samples.jpeg(8, 8).index(b"\xff\xc4")] + b"\xff\xd9",
        "ends before its scan data",
    ),
    ("jpeg-no-frame-before-scan", ".jpg", b"\xff\xd8\xff\xda\x00\x08" + b"\x00" * 6 + b"\xff\xd9", "no frame"),
    ("jpeg-garbage-after-soi", ".jpg", b"\xff\xd8\xff\xe0\x00\x04ab" + b"junk" * 4, "corrupt JPEG"),
    ("jpeg-bad-segment-length", ".jpg", b"\xff\xd8\xff\xe0\x00\x01" + b"\x00" * 8, "segment length 1"),
    ("gif-no-trailer", ".gif", samples.gif(2, 2)[:-1], "truncated GIF"),
    ("gif-header-only", ".gif", b"GIF89a\x01", "truncated GIF"),
    ("webp-riff-size-too-big", ".webp", samples.webp_vp8l(4, 4)[:-4], "truncated WEBP"),
    ("webp-unknown-chunk", ".webp", b"RIFF\x0c\x00\x00\x00WEBPXXXX\x00\x00\x00\x00", "truncated WEBP"),
    (
        "webp-vp8-bad-start-code",
        ".webp",
        samples.webp_vp8(4, 4).replace(b"\x9d\x01\x2a", b"\x00\x00\x00"),
        "WEBP",
    ),
]


@pytest.mark.parametrize(("extension", "data", "reason"), [case[1:] for case in REJECTED], ids=[c[0] for c in REJECTED])
def test_bad_images_are_rejected_with_a_reason(extension: str, data: bytes, reason: str) -> None:
    with pytest.raises(RejectedError, match=reason.replace(".", r"\.")):
        image.inspect(samples.read(data), extension)


@pytest.mark.parametrize(
    ("extension", "data"),
    [
        (".png", samples.png(300, 200)),
        (".jpg", samples.jpeg(300, 200)),
        (".gif", samples.gif(30, 20)),
        (".webp", samples.webp_vp8x(300, 200)),
    ],
    ids=["png", "jpeg", "gif", "webp"],
)
def test_a_window_holding_the_header_gives_dimensions_without_the_end(extension: str, data: bytes) -> None:
    metadata = image.inspect(samples.read(data, max(len(data) // 2, 40)), extension)
    assert (metadata["width"], metadata["height"]) == ((300, 200) if extension != ".gif" else (30, 20))


def test_a_window_ending_before_the_jpeg_frame_header_has_no_dimensions() -> None:
    data = samples.jpeg(300, 200)
    window = data.index(b"\xff\xc0") + 6  # inside the frame header
    assert image.inspect(samples.read(data, window), ".jpg") == {
        "format": "jpeg",
        "width": None,
        "height": None,
        "note": "dimensions lie beyond the read window",
    }


def test_the_same_window_of_a_complete_file_is_rejected_as_truncated() -> None:
    data = samples.jpeg(300, 200)
    with pytest.raises(RejectedError, match="truncated JPEG"):
        image.inspect(samples.read(data[: data.index(b"\xff\xc0") + 6]), ".jpg")


def test_jpeg_with_data_after_the_end_of_image_marker_is_intact() -> None:
    assert image.inspect(samples.read(samples.jpeg(8, 8) + b"camera trailer"), ".jpg")["width"] == 8


# A camera file: the EXIF thumbnail in APP1 is a whole JPEG with its own frame header, scan and EOI.
CAMERA = samples.jpeg(320, 200, thumbnail=True)
THUMBNAIL_START = CAMERA.index(b"\xff\xd8", 2)
THUMBNAIL_END = CAMERA.index(b"\xff\xd9") + 2  # the first EOI in the file is the thumbnail's
FRAME_END = CAMERA.rindex(b"\xff\xc0") + 2 + 11  # the main frame header comes after the thumbnail's
SCAN = CAMERA.rindex(b"\xff\xda")
SCAN_DATA = SCAN + 2 + 8
CAMERA_CUTS = [
    ("inside-app1-before-the-thumbnail", THUMBNAIL_START),
    ("inside-the-thumbnail", THUMBNAIL_START + 30),
    ("right-after-the-thumbnails-eoi", THUMBNAIL_END),
    ("right-after-the-app1-segment", CAMERA.index(b"\xff\xdb", THUMBNAIL_END)),
    ("right-after-the-frame-header", FRAME_END),
    ("after-the-huffman-tables", SCAN),
    ("inside-the-scan-header", SCAN + 5),
    ("right-after-the-scan-header", SCAN_DATA),
    ("inside-the-scan-data", SCAN_DATA + 3),
    ("before-the-eoi", len(CAMERA) - 2),
    ("half-the-eoi", len(CAMERA) - 1),
]


def test_the_camera_sample_carries_a_thumbnail_eoi_before_the_main_frame() -> None:
    assert THUMBNAIL_START < THUMBNAIL_END < FRAME_END < SCAN_DATA < len(CAMERA)
    assert CAMERA[THUMBNAIL_START:THUMBNAIL_END] == samples.jpeg(16, 12, exif=False)


@pytest.mark.parametrize("cut", [c[1] for c in CAMERA_CUTS], ids=[c[0] for c in CAMERA_CUTS])
def test_a_cut_off_camera_jpeg_is_truncated_despite_the_thumbnails_eoi(cut: int) -> None:
    with pytest.raises(RejectedError, match="truncated JPEG"):
        image.inspect(samples.read(CAMERA[:cut]), ".jpg")


def test_every_cut_of_a_camera_jpeg_is_rejected() -> None:
    for cut in range(len(CAMERA)):
        with pytest.raises(RejectedError):
            image.inspect(samples.read(CAMERA[:cut]), ".jpg")


@pytest.mark.parametrize(
    ("cut", "dimensions"),
    [(THUMBNAIL_END, (None, None)), (FRAME_END, (320, 200)), (SCAN_DATA + 3, (320, 200))],
    ids=["ending-after-the-thumbnail", "ending-after-the-frame-header", "ending-in-the-scan-data"],
)
def test_a_window_of_a_larger_camera_jpeg_gives_the_main_images_dimensions_or_none(
    cut: int, dimensions: tuple[int | None, int | None]
) -> None:
    """The window is all the processor reads of a larger file: its end is unseen, as for every format."""
    metadata = image.inspect(samples.read(CAMERA, cut), ".jpg")
    assert (metadata["width"], metadata["height"]) == dimensions


@pytest.mark.parametrize(
    ("body", "status"),
    [(CAMERA, "PROCESSED"), (CAMERA[:FRAME_END], "REJECTED"), (CAMERA[:-2], "REJECTED")],
    ids=["whole", "cut-after-the-frame-header", "cut-before-the-eoi"],
)
def test_an_uploaded_camera_jpeg_is_processed_only_whole(aws: Aws, body: bytes, status: str) -> None:
    file_id = "c" * 32
    outcome = image.handle(aws.uploaded(file_id, "DSC_0001.JPG", body), LambdaContext())["records"][0]
    item = aws.item(file_id)
    assert item is not None and (outcome["status"], item["status"]) == (status, status)
    if status == "REJECTED":
        assert item["reason"] == "truncated JPEG: the file ends before the image does"
    else:
        assert (item["metadata"]["width"], item["metadata"]["height"]) == (320, 200)


def test_stuffed_bytes_fill_bytes_and_restart_markers_in_the_scan_data_are_skipped() -> None:
    scan_data = b"\x12\xff\x00\x34\xff\xd3\x56\xff\xff"
    data = CAMERA[:SCAN_DATA] + scan_data + b"\xff\xd9"
    assert image.jpeg_layout(data) == image.JpegLayout((320, 200), ended=True, resume=len(data))
    for cut in range(SCAN_DATA, len(data)):
        assert image.jpeg_layout(data[:cut]) == image.JpegLayout((320, 200), ended=False, resume=cut)


def test_a_second_scan_after_more_tables_as_progressive_files_have() -> None:
    tables_and_scan_header = CAMERA[CAMERA.rindex(b"\xff\xc4") : SCAN_DATA]
    first_scan = CAMERA[:-2]
    two_scans = first_scan + tables_and_scan_header + CAMERA[SCAN_DATA:]
    assert image.inspect(samples.read(two_scans), ".jpg")["width"] == 320
    for cut in (len(first_scan), len(first_scan) + 4, len(two_scans) - 2):
        with pytest.raises(RejectedError, match="truncated JPEG"):
            image.inspect(samples.read(two_scans[:cut]), ".jpg")


# A GIF whose first colour is (59, 59, 59) and with a comment holding ';': 0x3B bytes that are not the trailer.
GIF = samples.gif(3, 5)
GIF_PALETTE_END = 13 + 6
TRICKY_GIF = b"".join((GIF[:13], b";;;", GIF[16:GIF_PALETTE_END], b"\x21\xfe\x03a;b\x00", GIF[GIF_PALETTE_END:]))
# A PNG with a text chunk holding the bytes of an IEND chunk, which a cut right after them would end with.
PNG = samples.png(4, 4)
IEND_BYTES = b"\x00\x00\x00\x00IEND\xaeB`\x82"
TEXT_CHUNK = samples.png_chunk(b"tEXt", b"Comment\x00" + IEND_BYTES)
TRICKY_PNG = PNG[: -len(IEND_BYTES)] + TEXT_CHUNK + IEND_BYTES


@pytest.mark.parametrize(
    ("extension", "data", "size"),
    [(".gif", TRICKY_GIF, (3, 5)), (".png", TRICKY_PNG, (4, 4))],
    ids=["gif-0x3b-in-palette-and-comment", "png-iend-bytes-in-a-text-chunk"],
)
def test_look_alike_end_markers_inside_the_file_are_not_its_end(
    extension: str, data: bytes, size: tuple[int, int]
) -> None:
    assert (
        image.inspect(samples.read(data), extension)["width"],
        image.inspect(samples.read(data), extension)["height"],
    ) == size
    for cut in range(len(data)):
        with pytest.raises(RejectedError):
            image.inspect(samples.read(data[:cut]), extension)


@pytest.mark.parametrize(
    ("extension", "cut"),
    [
        (".gif", 16),  # right after the colour (59, 59, 59)
        (".gif", TRICKY_GIF.index(b"a;") + 2),  # right after the ';' in the comment
        (".png", len(PNG) - len(IEND_BYTES) + len(TEXT_CHUNK) - 4),  # right after the IEND bytes in the text
    ],
    ids=["gif-after-the-palette", "gif-inside-the-comment", "png-inside-the-text-chunk"],
)
def test_a_cut_ending_in_look_alike_end_bytes_is_truncated(extension: str, cut: int) -> None:
    data = TRICKY_GIF if extension == ".gif" else TRICKY_PNG
    assert data[:cut].endswith(b";" if extension == ".gif" else IEND_BYTES)
    with pytest.raises(RejectedError, match="truncated"):
        image.inspect(samples.read(data[:cut]), extension)


@pytest.mark.parametrize(
    ("extension", "data"),
    [(".gif", samples.gif(3, 5)), (".png", samples.png(4, 4))],
    ids=["gif", "png"],
)
def test_data_after_the_end_marker_is_allowed(extension: str, data: bytes) -> None:
    assert image.inspect(samples.read(data + b"trailer"), extension)["width"] > 0


def test_an_unknown_gif_block_is_corrupt() -> None:
    with pytest.raises(RejectedError, match="corrupt GIF: unknown block 0x00 at byte 19"):
        image.inspect(samples.read(GIF[:GIF_PALETTE_END] + b"\x00" + GIF[GIF_PALETTE_END:]), ".gif")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.png(1, 1), "png"),
        (samples.jpeg(1, 1), "jpeg"),
        (samples.gif(1, 1), "gif"),
        (samples.webp_vp8l(1, 1), "webp"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
        (b"\xff\xd8", None),
        (b"", None),
    ],
    ids=["png", "jpeg", "gif", "webp", "riff-wave", "jpeg-soi-only", "empty"],
)
def test_sniff(data: bytes, expected: str | None) -> None:
    assert image.sniff(data) == expected


SEEDS = [case[2] for case in VALID]


@PROPERTY
@given(data=contents(SEEDS), extension=st.sampled_from(sorted(image.FORMAT_OF_EXTENSION)), complete=st.booleans())
def test_any_bytes_give_metadata_or_a_rejection(data: bytes, extension: str, complete: bool) -> None:
    metadata = metadata_or_rejection(image.inspect, read_whole_or_half(data, complete), extension)
    if metadata is None:
        return
    assert metadata["format"] == image.FORMAT_OF_EXTENSION[extension]
    if complete:
        assert metadata["width"] > 0 and metadata["height"] > 0


# Files larger than the window: the processor reads the window and the last bytes, and judges the end from those.
WINDOW = 4096
LARGE_CAMERA = samples.jpeg(4000, 3000, thumbnail=True)
PREVIEW = samples.jpeg(160, 120, exif=False)  # an MPF preview image appended after the primary image's EOI
# (id, extension, bytes larger than the window, expected dimensions)
LARGE = [
    ("png", ".png", samples.png(200, 100, noise=True), (200, 100)),
    ("jpeg-camera", ".jpg", LARGE_CAMERA, (4000, 3000)),
    ("jpeg-with-appended-preview", ".jpg", LARGE_CAMERA + PREVIEW, (4000, 3000)),
    ("jpeg-padded-after-eoi", ".jpg", LARGE_CAMERA + b"\x00" * 300 + b"\xff" * 3, (4000, 3000)),
    ("gif", ".gif", samples.gif(300, 300), (300, 300)),
    ("webp", ".webp", samples.webp_vp8(1920, 1080, partition_bytes=100_000), (1920, 1080)),
]


@pytest.mark.parametrize(("extension", "data", "size"), [c[1:] for c in LARGE], ids=[c[0] for c in LARGE])
def test_a_large_intact_image_is_judged_by_its_tail(extension: str, data: bytes, size: tuple[int, int]) -> None:
    content = samples.read(data, WINDOW)
    assert not content.complete and len(content.head) + len(content.tail) < len(data)
    metadata = image.inspect(content, extension)
    assert (metadata["width"], metadata["height"]) == size


def _cuts(data: bytes) -> list[int]:
    """Cut points across a large file: its middle and every one of its last 20 bytes."""
    return [WINDOW + 1, len(data) // 3, len(data) // 2, *range(len(data) - 20, len(data))]


# A cut inside the padding after a JPEG's EOI leaves the image whole: that file is not cut here.
CUT_LARGE = [c for c in LARGE if c[0] != "jpeg-padded-after-eoi"]


@pytest.mark.parametrize(("extension", "data"), [c[1:3] for c in CUT_LARGE], ids=[c[0] for c in CUT_LARGE])
def test_a_large_image_cut_anywhere_is_truncated(extension: str, data: bytes) -> None:
    for cut in _cuts(data):
        content = samples.read(data[:cut], WINDOW)
        with pytest.raises(RejectedError, match=f"truncated {image.FORMAT_OF_EXTENSION[extension].upper()}"):
            image.inspect(content, extension)


def test_a_large_jpeg_cut_inside_its_appended_preview_is_truncated() -> None:
    data = LARGE_CAMERA + PREVIEW
    # From its SOI's second byte on: the first byte alone, 0xFF, reads as padding after a whole primary image.
    for cut in range(len(LARGE_CAMERA) + 2, len(data)):
        with pytest.raises(RejectedError, match="truncated JPEG"):
            image.inspect(samples.read(data[:cut], WINDOW), ".jpg")


def test_a_large_jpeg_cut_right_after_the_primary_images_eoi_is_intact() -> None:
    """The primary image is whole; what is missing is an appended preview, which nothing announces in the tail."""
    assert image.inspect(samples.read((LARGE_CAMERA + PREVIEW)[: len(LARGE_CAMERA)], WINDOW), ".jpg")["width"] == 4000


@pytest.mark.parametrize(
    ("tail", "intact"),
    [
        (b"\x12\x34\xff\xd9", True),
        (b"\xff\xd9\x00\x00\xff", True),
        (b"\xff\xd9\x00junk", False),
        (b"\xff\xd9\xff\xd8", False),  # the start of another image
        (b"\xff\x00\xff\xd0", False),  # a stuffed byte and a restart marker: scan data
        (b"\x00" * 64, False),
        (b"", False),
    ],
    ids=["eoi", "eoi-then-padding", "eoi-then-junk", "eoi-then-soi", "scan-data", "zeros", "nothing"],
)
def test_jpeg_tail_ends_intact(tail: bytes, intact: bool) -> None:
    assert image.jpeg_tail_ends_intact(tail) is intact


# A camera file whose APP1 segment (its EXIF thumbnail last) runs past the window.
BIG_THUMBNAIL = samples.jpeg(4000, 3000, thumbnail=True, thumbnail_size=(1280, 960))
APP1_END = BIG_THUMBNAIL.rindex(b"\xff\xdb")  # the main image's DQT segment follows APP1


@pytest.mark.parametrize("cut", [APP1_END, APP1_END + 1, APP1_END - 1], ids=["at-its-end", "after-it", "inside-it"])
def test_a_large_jpeg_cut_at_its_thumbnails_eoi_beyond_the_window_is_truncated(cut: int) -> None:
    assert WINDOW < APP1_END and BIG_THUMBNAIL[APP1_END - 2 : APP1_END] == b"\xff\xd9"  # the thumbnail's EOI
    assert image.inspect(samples.read(BIG_THUMBNAIL, WINDOW), ".jpg")["note"] == "dimensions lie beyond the read window"
    with pytest.raises(RejectedError, match="truncated JPEG"):
        image.inspect(samples.read(BIG_THUMBNAIL[:cut], WINDOW), ".jpg")


def test_a_large_png_cut_after_iend_bytes_inside_a_chunk_begun_in_the_window_is_truncated() -> None:
    comment = samples.png_chunk(b"tEXt", b"Comment\x00" + b"x" * 6000 + IEND_BYTES + b"y" * 6000)
    data = PNG[: -len(IEND_BYTES)] + comment + IEND_BYTES
    cut = data.index(IEND_BYTES) + len(IEND_BYTES)  # the IEND bytes in the comment, past the window
    assert WINDOW < cut < len(data) - 1000 and image.inspect(samples.read(data, WINDOW), ".png")["width"] == 4
    with pytest.raises(RejectedError, match="truncated PNG"):
        image.inspect(samples.read(data[:cut], WINDOW), ".png")


def test_a_large_png_must_end_with_the_iend_chunk_itself() -> None:
    data = samples.png(200, 100, noise=True)
    for ending in (b"trailer", IEND_BYTES[:-1] + b"\x00"):  # data after IEND; an IEND with a wrong CRC
        with pytest.raises(RejectedError, match="truncated PNG"):
            image.inspect(samples.read(data[: -len(IEND_BYTES)] + IEND_BYTES[:-4] + ending, WINDOW), ".png")


def test_a_large_webp_is_judged_by_its_riff_size_without_the_tail() -> None:
    data = samples.webp_vp8(1920, 1080, partition_bytes=100_000)
    whole, cut = samples.read(data, WINDOW), samples.read(data[:-2], WINDOW)
    assert image.inspect(whole._replace(tail=b""), ".webp")["width"] == 1920
    with pytest.raises(RejectedError, match="truncated WEBP"):
        image.inspect(cut, ".webp")
