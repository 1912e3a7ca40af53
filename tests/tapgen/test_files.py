"""Bounded reads and one-line OS errors."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from tapgen.files import FileTooLarge, os_error_line, read_bounded, unwritable_reason


def test_read_bounded_reads_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 10)
    assert read_bounded(path, 10) == b"x" * 10
    with pytest.raises(FileTooLarge) as caught:
        read_bounded(path, 9)
    assert os_error_line(caught.value) == f"{path}: larger than 9 bytes: is this the right file?"


def test_read_bounded_stops_on_an_endless_device() -> None:
    with pytest.raises(FileTooLarge):
        read_bounded(Path("/dev/zero"), 1024)


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (FileExistsError(errno.EEXIST, "File exists", "t"), "t: exists but is not a directory, where one is needed"),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "t"), "t: is a directory, where a file is needed"),
        (PermissionError(errno.EACCES, "Permission denied", "t"), "t: permission denied: give your user access"),
        (OSError(errno.ENOSPC, "No space left on device"), "no space left on the device: free some space"),
        (OSError(errno.EIO, "Input/output error", "t"), "t: Input/output error: check it and run again"),
        (OSError(errno.EXDEV, "Invalid cross-device link", "a", None, "b"), "a -> b: Invalid cross-device link"),
        (FileNotFoundError("Lambda contract not found at x"), "Lambda contract not found at x"),
    ],
)
def test_os_error_line_says_where_and_what_to_do(error: OSError, line: str) -> None:
    assert os_error_line(error).startswith(line)


def test_os_error_line_names_the_subject_when_the_error_has_no_path() -> None:
    error = OSError(errno.EPIPE, "Broken pipe")
    assert os_error_line(error, "standard output") == (
        "standard output: the reader closed the pipe before all output was written"
    )


def test_unwritable_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert unwritable_reason(tmp_path / "new" / "deeper" / "o.json") is None
    assert unwritable_reason(blocker) is None
    assert unwritable_reason(Path("relative.json")) is None
    assert (
        unwritable_reason(tmp_path)
        == f"{tmp_path}: is a directory, where a file is needed: remove or rename the directory"
    )
    assert unwritable_reason(blocker / "x" / "o.json") == (
        f"{blocker}: a part of this path is a file, where a directory is needed: move that file aside"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_reason_of_a_read_only_directory(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        assert unwritable_reason(tmp_path / "o.json") == (
            f"{tmp_path}: permission denied: give your user access to it or choose another path"
        )
    finally:
        tmp_path.chmod(0o700)
