"""Structured logs: one sorted JSON object per line, with the request id and the keys Lambda filters on."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tap_api import handler
from tap_processors import data
from tap_processors.events import MalformedEventError
from tap_shared import items
from tap_shared.clock import utc_now
from tap_shared.log import log, request_id
from tests.lambdas.conftest import REQUEST_ID, ROOT, Aws, LambdaContext, api_event, load_fixture, log_lines

# Lambda's application log levels, least severe first; a line passes a filter at its level or above.
LAMBDA_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
RFC_3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")


def lambda_level(record: dict[str, Any]) -> str:
    """The level Lambda's JSON log-level filtering gives a line: its `level`, but INFO when the level is
    missing or unknown, or the `timestamp` is not RFC 3339 (the rule the Lambda guide documents)."""
    level, stamp = record.get("level"), record.get("timestamp")
    if not isinstance(stamp, str) or not RFC_3339.fullmatch(stamp):
        return "INFO"
    return level.upper() if isinstance(level, str) and level.upper() in LAMBDA_LEVELS else "INFO"


def kept_at(threshold: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records an ApplicationLogLevel of `threshold` lets through to CloudWatch Logs."""
    floor = LAMBDA_LEVELS.index(threshold)
    return [r for r in records if LAMBDA_LEVELS.index(lambda_level(r)) >= floor]


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
    assert list(record) == sorted(record)


def test_the_timestamp_is_rfc_3339_utc_with_milliseconds(capsys: pytest.CaptureFixture[str]) -> None:
    before = datetime.now(UTC)
    log("INFO", "hello", "r")
    stamp = json.loads(capsys.readouterr().out)["timestamp"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp)
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(stamp) <= datetime.now(UTC)


def test_items_and_log_lines_share_one_clock() -> None:
    assert items.now is utc_now


def test_fields_cannot_replace_the_timestamp_or_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    log("ERROR", "boom", "r", timestamp=0, requestId="forged")
    record = json.loads(capsys.readouterr().out)
    assert (record["level"], record["message"], record["requestId"]) == ("ERROR", "boom", "r")
    assert RFC_3339.fullmatch(record["timestamp"])


def test_newlines_in_values_stay_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    log("ERROR", "boom", "r", trace="Traceback\n  line 1\n")
    assert capsys.readouterr().out.count("\n") == 1


@pytest.mark.parametrize(
    ("threshold", "kept"),
    [("INFO", ["info", "warn", "error"]), ("WARN", ["warn", "error"]), ("ERROR", ["error"]), ("FATAL", [])],
)
def test_lambda_log_level_filtering_reads_our_level(
    capsys: pytest.CaptureFixture[str], threshold: str, kept: list[str]
) -> None:
    log("INFO", "info", "r")
    log("WARN", "warn", "r")
    log("ERROR", "error", "r")
    assert [r["message"] for r in kept_at(threshold, log_lines(capsys.readouterr().out))] == kept


def test_the_filter_model_counts_an_epoch_timestamp_as_info() -> None:
    """What the old epoch timestamps did: Lambda read every line as INFO, so an ERROR filter dropped errors."""
    assert kept_at("ERROR", [{"level": "ERROR", "message": "boom", "timestamp": 1710270238.39}]) == []


def _api_route_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(items, "get", broken)
    handler.handle(api_event("GET", f"/files/{'a' * 32}"), LambdaContext())


def _processor_gets_a_malformed_event(_: pytest.MonkeyPatch) -> None:
    data.handle(load_fixture("s3_test_event"), LambdaContext())  # logged at INFO
    with pytest.raises(MalformedEventError):
        data.handle({"Records": []}, LambdaContext())


@pytest.mark.parametrize(
    ("failure", "error_message"),
    [(_api_route_fails, "unhandled error"), (_processor_gets_a_malformed_event, "malformed event")],
    ids=["api", "processor"],
)
def test_an_error_filter_keeps_the_handlers_error_records_and_drops_info(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], failure: Any, error_message: str
) -> None:
    capsys.readouterr()
    failure(monkeypatch)
    records = log_lines(capsys.readouterr().out)
    assert any(lambda_level(r) == "INFO" for r in records)
    assert [(r["level"], r["message"], r["requestId"]) for r in kept_at("ERROR", records)] == [
        ("ERROR", error_message, REQUEST_ID)
    ]


def logging_configs() -> dict[str, dict[str, Any]]:
    """Each function's LoggingConfig in the committed templates, by template and function."""
    configs = {}
    for template in sorted((ROOT / "templates").glob("*.json")):
        for name, resource in json.loads(template.read_text())["Resources"].items():
            if resource["Type"] == "AWS::Lambda::Function":
                configs[f"{template.stem}/{name}"] = resource["Properties"]["LoggingConfig"]
    return configs


@pytest.mark.parametrize(("function", "config"), sorted(logging_configs().items()))
def test_every_function_filters_json_logs_at_a_level_that_keeps_errors(function: str, config: dict[str, Any]) -> None:
    assert config["LogFormat"] == "JSON", function  # log-level filtering needs the JSON log format
    assert config["ApplicationLogLevel"] in LAMBDA_LEVELS, function
    assert kept_at(config["ApplicationLogLevel"], [{"level": "ERROR", "timestamp": utc_now()}]), function


@pytest.mark.parametrize(
    ("context", "expected"),
    [(LambdaContext(), REQUEST_ID), (None, "local"), (LambdaContext(aws_request_id=""), "local"), (object(), "local")],
    ids=["lambda", "none", "empty", "other"],
)
def test_request_id(context: Any, expected: str) -> None:
    assert request_id(context) == expected
