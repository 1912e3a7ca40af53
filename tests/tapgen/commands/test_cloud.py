"""The confirmation question: Ctrl-C and end of input answer no, so the flow cleans up and says so."""

from __future__ import annotations

import click
import pytest

from tapgen.commands.cloud import ask, console


@pytest.mark.parametrize("key", [EOFError, KeyboardInterrupt], ids=["ctrl-d", "ctrl-c"])
def test_leaving_the_prompt_is_a_no(monkeypatch: pytest.MonkeyPatch, key: type[BaseException]) -> None:
    def pressed(*_: object) -> str:
        raise key

    monkeypatch.setattr(click.termui, "visible_prompt_func", pressed)  # what click.confirm reads the answer with
    assert ask("Execute?") is False


def test_yes_answers_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(click, "confirm", pytest.fail)
    assert console(yes=True).confirm("Execute?") is True
