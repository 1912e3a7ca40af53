"""Processing metrics: EMF documents valid by the specification, and the numbers each outcome produces."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import pytest

from tap_processors import data, image, metrics
from tap_processors.metrics import Measurement
from tap_processors.pipeline import TAIL_READ_BYTES
from tap_shared import contract
from tap_shared.settings import MisconfiguredError
from tests.lambdas import samples
from tests.lambdas.conftest import BUCKET, METRICS_NAMESPACE, READ_WINDOW_BYTES, Aws, LambdaContext, log_lines, s3_event
from tests.lambdas.emf import emf_problems

FIXTURE_EVENT_TIME = 1710270302.482  # 2024-03-12T19:05:02.482Z, the eventTime of the S3 fixture
OUTCOMES = tuple(contract.OUTCOME_METRICS.values())
VALID = {
    "_aws": {
        "Timestamp": 1574109732004,
        "CloudWatchMetrics": [
            {"Namespace": "ns", "Dimensions": [["Kind"], []], "Metrics": [{"Name": "time", "Unit": "Milliseconds"}]}
        ],
    },
    "Kind": "image",
    "time": [100, 2.5],
    "other": {"any": "member"},
}


def broken(path: str, value: Any) -> str:
    """VALID with the member at `path` (dot-separated, numbers index lists) set to `value` (None deletes it)."""
    document = json.loads(json.dumps(VALID))
    *parents, last = path.split(".")
    target: Any = document
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key: Any = int(last) if last.isdigit() else last
    if value is None:
        del target[key]
    else:
        target[key] = value
    return json.dumps(document)


def test_the_validator_accepts_a_valid_document() -> None:
    assert emf_problems(json.dumps(VALID)) == []


DIRECTIVE = "_aws.CloudWatchMetrics.0"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        pytest.param("{} trailing", "not one JSON value", id="extra-data"),
        pytest.param("[]", "root is not a JSON object", id="not-object"),
        pytest.param(broken("_aws", None), "_aws is missing", id="no-metadata"),
        pytest.param(broken("_aws.Timestamp", None), "Timestamp must be an integer", id="no-timestamp"),
        pytest.param(broken("_aws.Timestamp", 1.5e12), "Timestamp must be an integer", id="float-timestamp"),
        pytest.param(broken("_aws.LogGroupName", "x"), "_aws has member 'LogGroupName'", id="extra-metadata"),
        pytest.param(broken("_aws.CloudWatchMetrics", {}), "CloudWatchMetrics must be an array", id="directives"),
        pytest.param(broken(f"{DIRECTIVE}.Namespace", None), "Namespace must be a string", id="no-namespace"),
        pytest.param(broken(f"{DIRECTIVE}.Namespace", "x" * 256), "Namespace must be a string", id="long-namespace"),
        pytest.param(broken(f"{DIRECTIVE}.Dimensions", []), "Dimensions must be a non-empty array", id="no-dimensions"),
        pytest.param(broken(f"{DIRECTIVE}.Dimensions.0", ["Missing"]), "'Missing' must be a root member", id="dim-ref"),
        pytest.param(broken("Kind", 3), "'Kind' must be a root member with a string value", id="dim-not-string"),
        pytest.param(broken(f"{DIRECTIVE}.Dimensions.0", [f"k{i}" for i in range(31)]), "at most 30", id="31-keys"),
        pytest.param(broken(f"{DIRECTIVE}.Extra", 1), "has member 'Extra'", id="extra-directive-member"),
        pytest.param(broken(f"{DIRECTIVE}.Metrics", [{"Name": "t"}] * 101), "at most 100", id="101-metrics"),
        pytest.param(broken(f"{DIRECTIVE}.Metrics.0.Name", "absent"), "'absent' must be a root member", id="no-target"),
        pytest.param(broken("time", "100"), "'time' must be a root member holding a number", id="string-value"),
        pytest.param(broken("time", []), "'time' must be a root member holding a number", id="empty-values"),
        pytest.param(broken("time", [1] * 101), "1 to 100 numbers", id="101-values"),
        pytest.param(broken("time", True), "holding a number", id="boolean-value"),
        pytest.param(broken(f"{DIRECTIVE}.Metrics.0.Unit", "ms"), "Unit 'ms' is not a CloudWatch unit", id="unit"),
        pytest.param(broken(f"{DIRECTIVE}.Metrics.0.StorageResolution", 5), "StorageResolution", id="resolution"),
        pytest.param(broken(f"{DIRECTIVE}.Metrics.0.Value", 5), "has member 'Value'", id="extra-definition-member"),
    ],
)
def test_the_validator_names_each_breach(line: str, problem: str) -> None:
    assert any(problem in found for found in emf_problems(line)), emf_problems(line)


MEASURED = [
    Measurement("PROCESSED", 4096, 1500.0),
    Measurement("REJECTED", 12, None),
    Measurement("FAILED", 0, 20.5),
]


def test_fields_are_a_valid_document_with_one_sample_per_result() -> None:
    fields = metrics.emf_fields("tap-x/processing", "image", MEASURED, 1700000000000)
    assert emf_problems(json.dumps({"level": "INFO", **fields})) == []
    (directive,) = fields["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "tap-x/processing"
    assert directive["Dimensions"] == [["Kind"], []]
    assert {d["Name"]: d["Unit"] for d in directive["Metrics"]} == {
        "Processed": "Count",
        "Rejected": "Count",
        "Failed": "Count",
        "BytesRead": "Bytes",
        "ProcessingDelay": "Milliseconds",
    }
    assert (fields["Processed"], fields["Rejected"], fields["Failed"]) == ([1, 0, 0], [0, 1, 0], [0, 0, 1])
    assert fields["BytesRead"] == [4096, 12, 0]
    assert fields["ProcessingDelay"] == [1500.0, 20.5]  # only the results whose event time is known
    assert (fields["Kind"], fields["_aws"]["Timestamp"]) == ("image", 1700000000000)


def test_no_delay_metric_without_event_times_and_no_document_without_results() -> None:
    fields = metrics.emf_fields("ns", "data", [Measurement("PROCESSED", 1, None)], 1)
    assert "ProcessingDelay" not in fields
    assert "ProcessingDelay" not in {d["Name"] for d in fields["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert emf_problems(json.dumps(fields)) == []
    assert metrics.emf_fields("ns", "data", [], 1) == {}


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2024-03-12T19:05:02.482Z", FIXTURE_EVENT_TIME),
        ("2024-03-12T19:05:02Z", 1710270302.0),
        ("2024-03-12T20:05:02+01:00", 1710270302.0),
        ("2024-03-12T19:05:02", None),  # no zone: the moment is unknown
        ("yesterday", None),
        (None, None),
        (1710270302, None),
    ],
)
def test_event_time(value: Any, seconds: float | None) -> None:
    assert metrics.event_time(value) == (pytest.approx(seconds) if seconds is not None else None)


@pytest.mark.parametrize(("since", "now", "delay"), [(10.0, 12.5, 2500.0), (10.0, 9.0, 0.0), (None, 5.0, None)])
def test_delay_ms(since: float | None, now: float, delay: float | None) -> None:
    assert metrics.delay_ms(since, now) == delay


def emf_line(out: str) -> dict[str, Any]:
    """The invocation's one log line, checked against the specification."""
    (line,) = log_lines(out)
    assert emf_problems(json.dumps(line)) == []
    return line


@pytest.mark.parametrize(
    ("name", "body", "processed", "rejected"),
    [("pic.png", samples.png(4, 4), 1, 0), ("pic.png", b"not a png at all", 0, 1)],
    ids=["processed", "rejected"],
)
def test_a_recorded_result_is_one_sample_in_the_environments_namespace(
    aws: Aws,
    context: LambdaContext,
    capsys: pytest.CaptureFixture[str],
    name: str,
    body: bytes,
    processed: int,
    rejected: int,
) -> None:
    event = aws.uploaded(secrets.token_hex(16), name, body)
    capsys.readouterr()
    started = time.time()
    image.handle(event, context)
    line = emf_line(capsys.readouterr().out)
    (directive,) = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == METRICS_NAMESPACE
    assert line["Kind"] == "image"
    assert (line["Processed"], line["Rejected"], line["Failed"]) == ([processed], [rejected], [0])
    assert line["BytesRead"] == [len(body)]
    (delay,) = line["ProcessingDelay"]
    assert (started - FIXTURE_EVENT_TIME) * 1000 <= delay <= (time.time() - FIXTURE_EVENT_TIME) * 1000 + 1
    assert started * 1000 - 1 <= line["_aws"]["Timestamp"] <= time.time() * 1000


def test_a_deleted_object_is_a_failure_that_read_nothing(
    aws: Aws, context: LambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    file_id = secrets.token_hex(16)
    event = aws.uploaded(file_id, "rows.csv", b"a,b\n")
    aws.s3.delete_object(
        Bucket=BUCKET, Key=f"uploads/{file_id}/rows.csv", VersionId=event["Records"][0]["s3"]["object"]["versionId"]
    )
    capsys.readouterr()
    data.handle(event, context)
    line = emf_line(capsys.readouterr().out)
    assert (line["Kind"], line["Failed"], line["Processed"], line["BytesRead"]) == ("data", [1], [0], [0])


def test_unclaimed_objects_count_as_rejected_and_superseded_results_are_not_counted(
    aws: Aws, context: LambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    stray = s3_event(f"uploads/{secrets.token_hex(16)}/stray.png", 3)
    del stray["Records"][0]["eventTime"]
    capsys.readouterr()
    image.handle(stray, context)
    line = emf_line(capsys.readouterr().out)
    assert (line["Rejected"], line["BytesRead"]) == ([1], [0])
    assert "ProcessingDelay" not in line  # the event carried no time
    image.handle(stray, context)  # a replay: superseded, nothing recorded, so no metrics
    (replayed,) = log_lines(capsys.readouterr().out)
    assert replayed["records"][0]["status"] == "SUPERSEDED"
    assert "_aws" not in replayed and emf_problems(json.dumps(replayed)) == ["_aws is missing or not an object"]


def test_a_missing_namespace_fails_before_anything_is_written(
    aws: Aws, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(contract.ENV_METRICS_NAMESPACE)
    file_id = secrets.token_hex(16)
    event = aws.uploaded(file_id, "pic.png", samples.png(2, 2))
    with pytest.raises(MisconfiguredError, match=contract.ENV_METRICS_NAMESPACE):
        image.handle(event, context)
    item = aws.item(file_id)
    assert item is not None and item["status"] == "PENDING"


def test_the_names_are_the_ones_the_dashboard_and_alarm_use() -> None:
    fields = metrics.emf_fields("ns", "image", MEASURED, 1)
    names = {d["Name"] for d in fields["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert names == {*OUTCOMES, contract.METRIC_BYTES_READ, contract.METRIC_PROCESSING_DELAY}
    assert contract.METRIC_KIND_DIMENSION == "Kind"


def test_bytes_read_of_a_large_object_count_the_window_and_the_tail(
    aws: Aws, context: LambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    body = samples.png(200, 200, noise=True)
    assert len(body) > READ_WINDOW_BYTES + TAIL_READ_BYTES
    event = aws.uploaded(secrets.token_hex(16), "big.png", body)
    capsys.readouterr()
    image.handle(event, context)
    line = emf_line(capsys.readouterr().out)
    assert (line["Processed"], line["BytesRead"]) == ([1], [READ_WINDOW_BYTES + TAIL_READ_BYTES])
