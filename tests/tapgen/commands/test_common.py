"""Every failure a command meets is one `error:` line and an exit code: files, standard output, usage."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tapgen.cli import main
from tests.conftest import ROOT


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr[:2000]
    assert "Traceback" not in stderr
    return lines[0]


def test_a_file_where_templates_should_be(fresh_project: Path) -> None:
    templates = fresh_project.parent / "templates"
    for template in templates.iterdir():
        template.unlink()
    templates.rmdir()
    templates.touch()
    code, _, stderr = invoke("render", "--all", "--config", str(fresh_project))
    assert code == 2
    assert (
        one_error_line(stderr)
        == f"error: {templates}: exists but is not a directory, where one is needed: move it aside"
    )


@pytest.mark.parametrize("mode", [["--all"], ["--all", "--check"], ["--env", "dev", "--check"]])
def test_a_directory_where_a_template_should_be(fresh_project: Path, mode: list[str]) -> None:
    template = fresh_project.parent / "templates" / "dev.json"
    template.unlink()
    template.mkdir()
    code, _, stderr = invoke("render", *mode, "--config", str(fresh_project))
    assert code == 2
    assert one_error_line(stderr) == (
        f"error: {template}: is a directory, where a file is needed: remove or rename the directory"
    )


@pytest.mark.parametrize(
    ("failure", "advice"),
    [
        (errno.EACCES, "permission denied: give your user access to it or choose another path"),
        (errno.EROFS, "read-only file system: choose a writable location"),
        (errno.ENOSPC, "no space left on the device: free some space and run again"),
    ],
)
def test_templates_that_cannot_be_written(
    fresh_project: Path, monkeypatch: pytest.MonkeyPatch, failure: int, advice: str
) -> None:
    """Run as root, chmod would not stop the write: the failure is injected where the file is written."""
    (fresh_project.parent / "templates" / "dev.json").write_text("old\n")

    def refuse(self: Path, data: bytes) -> int:
        raise OSError(failure, os.strerror(failure), str(self))

    monkeypatch.setattr(Path, "write_bytes", refuse)
    code, _, stderr = invoke("render", "--all", "--config", str(fresh_project))
    assert code == 2
    assert one_error_line(stderr) == f"error: {fresh_project.parent / 'templates' / 'dev.json'}: {advice}"


def test_a_template_that_is_not_text_is_stale_not_a_crash(fresh_project: Path) -> None:
    (fresh_project.parent / "templates" / "dev.json").write_bytes(b"\xff\xfe\x00binary")
    code, stdout, stderr = invoke("render", "--all", "--check", "--config", str(fresh_project))
    assert code == 1
    assert "stale: " in stderr and "dev.json" in stderr and "Traceback" not in stderr
    assert '+  "AWSTemplateFormatVersion"' in stdout


def run(args: list[str], **streams: object) -> subprocess.CompletedProcess[bytes]:
    """The real entry point in a subprocess, with real file descriptors for stdout and stderr.

    Without pytest-cov's subprocess hook: its report at exit writes to the very streams these tests break.
    """
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("COV_CORE_", "COVERAGE_"))}
    return subprocess.run(
        [sys.executable, "-m", "tapgen", *args],
        cwd=ROOT,
        check=False,
        timeout=120,
        env=environment,
        **streams,  # type: ignore[call-overload]
    )


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["render", "--env", "dev"], id="template-larger-than-the-buffer"),
        pytest.param(["--version"], id="small-output-flushed-at-exit"),
        pytest.param(["--help"], id="help"),
        pytest.param(["render", "--help"], id="command-help"),
        pytest.param(["lint", "--list-rules"], id="another-command"),
    ],
)
def test_a_full_disk_on_stdout_is_one_line(args: list[str]) -> None:
    with Path("/dev/full").open("wb") as full:
        result = run(args, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert one_error_line(result.stderr.decode()) == (
        "error: standard output: no space left on the device: free some space and run again"
    )


def test_a_closed_pipe_on_stdout_is_one_line() -> None:
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = run(["render", "--env", "prod"], stdout=writer, stderr=subprocess.PIPE)
    finally:
        os.close(writer)
    assert result.returncode == 2
    assert one_error_line(result.stderr.decode()) == (
        "error: standard output: the reader closed the pipe before all output was written"
    )


def test_a_full_stderr_still_exits_with_the_right_code() -> None:
    with Path("/dev/full").open("wb") as full:
        result = run(["render", "--env", "qa"], stdout=subprocess.PIPE, stderr=full)
    assert result.returncode == 2
    assert result.stdout == b""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["render", "--foo"], "error: No such option '--foo'. (see `tapgen render --help`)"),
        (["rend"], "error: No such command 'rend'. (see `tapgen --help`)"),
        (["deploy"], "error: Missing option '--env'. (see `tapgen deploy --help`)"),
        (["render", "--config", "/"], "error: Invalid value for '--config': File '/' is a directory."),
        (
            ["lint", "--format", "xml"],
            "error: Invalid value for '--format': 'xml' is not one of 'text', 'json', 'sarif'.",
        ),
        (["render", "--env"], "error: Option '--env' requires an argument. (see `--help`)"),
        (["render", "--" + "x" * 5000], "… (5,"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(main, args, prog_name="tapgen")
    assert result.exit_code == 2
    assert expected in one_error_line(result.stderr)
    assert len(result.stderr) < 500


def test_plain_tapgen_prints_its_help() -> None:
    result = CliRunner().invoke(main, [], prog_name="tapgen")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: tapgen [OPTIONS] COMMAND")
