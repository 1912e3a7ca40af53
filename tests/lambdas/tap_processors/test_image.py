"""The image inspector: format and pixel dimensions from real headers; wrong or cut-off content is rejected."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap_processors import image
from tap_processors.pipeline import RejectedError
from tests.lambdas import samples
from tests.lambdas.fuzz import PROPERTY, contents, metadata_or_rejection

# (id, extension, bytes, expected metadata)
VALID = [
    ("png", ".png", samples.png(640, 480), {"format": "png", "width": 640, "height": 480}),
    ("png-1x1", ".png", samples.png(1, 1), {"format": "png", "width": 1, "height": 1}),
    ("jpeg-app0-exif-sof0", ".jpg", samples.jpeg(320, 200), {"format": "jpeg", "width": 320, "height": 200}),
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
    assert image.inspect(data, extension, True) == expected


def test_jpeg_fill_bytes_and_restart_markers_are_skipped() -> None:
    data = samples.jpeg(40, 30)
    sof = data.index(b"\xff\xc0")
    padded = data[:sof] + b"\xff\xff\xff\xd0" + data[sof:]  # fill bytes, then a standalone RST0
    assert image.inspect(padded, ".jpg", True) == {"format": "jpeg", "width": 40, "height": 30}


# (id, extension, bytes, complete, words the reason must contain)
REJECTED = [
    ("png-named-jpg", ".jpg", samples.png(4, 4), True, "is a PNG image but the extension .jpg says JPEG"),
    ("jpeg-named-png", ".png", samples.jpeg(4, 4), True, "is a JPEG image but the extension .png says PNG"),
    ("gif-named-webp", ".webp", samples.gif(4, 4), True, "is a GIF image"),
    ("pdf-named-png", ".png", samples.pdf(), True, "content is not a PNG image"),
    ("text-named-gif", ".gif", b"GIF is a format", True, "content is not a GIF image"),
    ("empty", ".png", b"", True, "content is not a PNG image"),
    ("png-truncated", ".png", samples.png(8, 8)[:-12], True, "truncated PNG"),
    ("png-header-only", ".png", samples.png(8, 8)[:20], True, "truncated PNG"),
    ("png-no-ihdr", ".png", samples.PNG_SIGNATURE + b"\x00\x00\x00\x00IEND\xaeB`\x82", True, "truncated PNG"),
    ("png-zero-width", ".png", samples.png(0, 8), True, "invalid PNG: dimensions 0x8"),
    ("jpeg-truncated-before-eoi", ".jpg", samples.jpeg(8, 8)[:-2], True, "truncated JPEG"),
    ("jpeg-cut-in-headers", ".jpg", samples.jpeg(8, 8)[:30], True, "truncated JPEG"),
    ("jpeg-no-frame-before-scan", ".jpg", b"\xff\xd8\xff\xda\x00\x08" + b"\x00" * 6 + b"\xff\xd9", True, "no frame"),
    ("jpeg-garbage-after-soi", ".jpg", b"\xff\xd8\xff\xe0\x00\x04ab" + b"junk" * 4, True, "corrupt JPEG"),
    ("jpeg-bad-segment-length", ".jpg", b"\xff\xd8\xff\xe0\x00\x01" + b"\x00" * 8, True, "segment length 1"),
    ("gif-no-trailer", ".gif", samples.gif(2, 2)[:-1], True, "truncated GIF"),
    ("gif-header-only", ".gif", b"GIF89a\x01", True, "truncated GIF"),
    ("webp-riff-size-too-big", ".webp", samples.webp_vp8l(4, 4)[:-4], True, "truncated WEBP"),
    ("webp-unknown-chunk", ".webp", b"RIFF\x0c\x00\x00\x00WEBPXXXX\x00\x00\x00\x00", True, "truncated WEBP"),
    (
        "webp-vp8-bad-start-code",
        ".webp",
        samples.webp_vp8(4, 4).replace(b"\x9d\x01\x2a", b"\x00\x00\x00"),
        True,
        "WEBP",
    ),
]


@pytest.mark.parametrize(
    ("extension", "data", "complete", "reason"), [case[1:] for case in REJECTED], ids=[c[0] for c in REJECTED]
)
def test_bad_images_are_rejected_with_a_reason(extension: str, data: bytes, complete: bool, reason: str) -> None:
    with pytest.raises(RejectedError, match=reason.replace(".", r"\.")):
        image.inspect(data, extension, complete)


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
    window = data[: max(len(data) // 2, 40)]
    metadata = image.inspect(window, extension, False)
    assert (metadata["width"], metadata["height"]) == ((300, 200) if extension != ".gif" else (30, 20))


def test_a_window_ending_before_the_jpeg_frame_header_has_no_dimensions() -> None:
    data = samples.jpeg(300, 200)
    window = data[: data.index(b"\xff\xc0") + 6]  # inside the frame header
    assert image.inspect(window, ".jpg", False) == {
        "format": "jpeg",
        "width": None,
        "height": None,
        "note": "dimensions lie beyond the read window",
    }


def test_the_same_window_of_a_complete_file_is_rejected_as_truncated() -> None:
    data = samples.jpeg(300, 200)
    with pytest.raises(RejectedError, match="truncated JPEG"):
        image.inspect(data[: data.index(b"\xff\xc0") + 6], ".jpg", True)


def test_jpeg_with_data_after_the_end_of_image_marker_is_intact() -> None:
    assert image.inspect(samples.jpeg(8, 8) + b"camera trailer", ".jpg", True)["width"] == 8


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
    metadata = metadata_or_rejection(image.inspect, data, extension, complete)
    if metadata is None:
        return
    assert metadata["format"] == image.FORMAT_OF_EXTENSION[extension]
    if complete:
        assert metadata["width"] > 0 and metadata["height"] > 0
