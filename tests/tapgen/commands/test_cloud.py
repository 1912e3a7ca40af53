"""Options of the commands that reach AWS (malformed values are usage errors before any request), and the
confirmation question: Ctrl-C and end of input answer no, so the flow cleans up and says so."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tapgen.cli import main
from tapgen.commands.cloud import ask, console


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--endpoint-url", "notaurl"], "error: --endpoint-url 'notaurl': must be an http:// or https:// URL"),
        (["--endpoint-url", "http://[::1"], "error: --endpoint-url 'http://[::1': must be"),
        (["--endpoint-url", "http://a:99999"], "error: --endpoint-url 'http://a:99999': must be"),
        (["--endpoint-url", "ftp://a"], "error: --endpoint-url 'ftp://a': must be"),
        (["--region", "eu west 1"], "error: --region 'eu west 1': must be an AWS region"),
        (["--suffix", "PR-1"], "error: --suffix 'PR-1': must match ^[a-z][a-z0-9-]{0,19}$"),
        (["--suffix", "a" * 21], "error: --suffix 'aaaaaaaaaaaaaaaaaaaaa': must match"),
        (["--stack-name", "a_b"], "error: --stack-name 'a_b': must be a letter, then up to 127"),
        (["--stack-name", "a\nb"], "error: --stack-name 'a\\nb': must be"),
    ],
)
@pytest.mark.parametrize("command", ["outputs", "destroy", "deploy"])
def test_malformed_aws_options_are_usage_errors(
    fresh_project: Path, no_aws_account: None, command: str, args: list[str], message: str
) -> None:
    extra = ["--bucket", "artifacts"] if command == "deploy" else []
    result = CliRunner().invoke(main, [command, "--env", "dev", "--yes", *extra, *args, "--config", str(fresh_project)])
    if command == "outputs":  # it takes no --yes
        result = CliRunner().invoke(main, [command, "--env", "dev", *args, "--config", str(fresh_project)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(message), result.stderr


@pytest.mark.parametrize("key", [EOFError, KeyboardInterrupt], ids=["ctrl-d", "ctrl-c"])
def test_leaving_the_prompt_is_a_no(monkeypatch: pytest.MonkeyPatch, key: type[BaseException]) -> None:
    def pressed(*_: object) -> str:
        raise key

    monkeypatch.setattr(click.termui, "visible_prompt_func", pressed)  # what click.confirm reads the answer with
    assert ask("Execute?") is False


def test_yes_answers_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(click, "confirm", pytest.fail)
    assert console(yes=True).confirm("Execute?") is True
