"""Structured logs: one sorted JSON object per line, always with the request id."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tap_shared.log import log, request_id
from tests.lambdas.conftest import REQUEST_ID, LambdaContext


def test_one_json_line_with_the_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    log("INFO", "hello", "req-1", count=2, when=datetime(2024, 3, 12, tzinfo=UTC), nested={"a": [1]})
    out = capsys.readouterr().out
    assert out.endswith("\n") and out.count("\n") == 1
    record = json.loads(out)
    assert {k: record[k] for k in ("level", "message", "requestId", "count", "nested")} == {
        "level": "INFO",
        "message": "hello",
        "requestId": "req-1",
        "count": 2,
        "nested": {"a": [1]},
    }
    assert record["when"] == "2024-03-12 00:00:00+00:00"  # anything else is logged as text
    assert isinstance(record["timestamp"], float)
    assert list(record) == sorted(record)


def test_newlines_in_values_stay_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    log("ERROR", "boom", "r", trace="Traceback\n  line 1\n")
    assert capsys.readouterr().out.count("\n") == 1


@pytest.mark.parametrize(
    ("context", "expected"),
    [(LambdaContext(), REQUEST_ID), (None, "local"), (LambdaContext(aws_request_id=""), "local"), (object(), "local")],
    ids=["lambda", "none", "empty", "other"],
)
def test_request_id(context: Any, expected: str) -> None:
    assert request_id(context) == expected
