"""File-system access for tapgen: bounded reads, and OS errors told as one line that says what to do."""

from __future__ import annotations

import errno
import os
from pathlib import Path

# CloudFormation refuses templates over 1 MB; anything longer is not a template tapgen wrote.
TEMPLATE_BYTES_LIMIT = 1024 * 1024

# What the person at the terminal can do about each failure; the rest fall back to the system's words.
_ADVICE = {
    errno.EACCES: "permission denied: give your user access to it or choose another path",
    errno.EPERM: "operation not permitted: give your user access to it or choose another path",
    errno.EEXIST: "exists but is not a directory, where one is needed: move it aside",
    errno.EISDIR: "is a directory, where a file is needed: remove or rename the directory",
    errno.ENOTDIR: "a part of this path is a file, where a directory is needed: move that file aside",
    errno.ENOENT: "no such file or directory: check the path",
    errno.ENOSPC: "no space left on the device: free some space and run again",
    errno.EDQUOT: "disk quota exceeded: free some space and run again",
    errno.EROFS: "read-only file system: choose a writable location",
    errno.ENAMETOOLONG: "file name too long: choose a shorter path",
    errno.ELOOP: "too many levels of symbolic links: check the links on this path",
    errno.EPIPE: "the reader closed the pipe before all output was written",
}


class FileTooLarge(OSError):
    """A file longer than tapgen will read: a wrong path, or a device such as /dev/zero."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than {limit:,} bytes: is this the right file?", str(path))
        self.limit = limit


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of `path`, refusing files longer than `limit` without reading past it."""
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(path, limit)
    return data


def unwritable_reason(path: Path) -> str | None:
    """Why writing the file `path` would fail, judged without writing anything; None when it looks writable.

    A check ahead of work that must not be wasted (a deploy); the write itself can still fail, e.g. a full disk.
    """
    if path.is_dir():
        return os_error_line(IsADirectoryError(errno.EISDIR, "Is a directory", str(path)))
    existing = next(p for p in (path, *path.parents) if p.exists() or p == p.parent)
    if existing != path and not existing.is_dir():
        return os_error_line(NotADirectoryError(errno.ENOTDIR, "Not a directory", str(existing)))
    needs = os.W_OK if existing == path else os.W_OK | os.X_OK
    if not os.access(existing, needs):
        return os_error_line(PermissionError(errno.EACCES, "Permission denied", str(existing)))
    return None


def os_error_line(error: OSError, subject: str | None = None) -> str:
    """`PATH: what happened: what to do`; `subject` names what failed when the error carries no path."""
    where = subject or _paths(error)
    return f"{where}: {os_error_reason(error)}" if where else os_error_reason(error)


def os_error_reason(error: OSError) -> str:
    """What happened and what to do about it, without the path."""
    if isinstance(error, FileTooLarge):
        return str(error.strerror)
    if error.errno is None:  # raised by tapgen itself, with its own message
        return str(error)
    return _ADVICE.get(error.errno) or f"{error.strerror or error}: check it and run again"


def _paths(error: OSError) -> str | None:
    if error.filename is None:
        return None
    if error.filename2 is not None:
        return f"{error.filename} -> {error.filename2}"
    return str(error.filename)
