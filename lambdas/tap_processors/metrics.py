"""Processing metrics in CloudWatch Embedded Metric Format (EMF): the invocation's log line carries them.

CloudWatch Logs extracts the metrics from the line Lambda already forwards, so no API call and no
IAM permission is needed. One sample per recorded result: an outcome count (1 for the outcome, 0 for
the others, so averages are rates), the bytes read, and the delay from the S3 event to the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from tap_shared import contract
from tap_shared.container import per_container
from tap_shared.settings import text

COUNT, BYTES, MILLISECONDS = "Count", "Bytes", "Milliseconds"


class Measurement(NamedTuple):
    """One recorded result: its status (PROCESSED, REJECTED or FAILED), bytes read, and event-to-record delay."""

    status: str
    bytes_read: int
    delay_ms: float | None


@per_container
def namespace() -> str:
    """The environment's namespace, set by the template."""
    return text(contract.ENV_METRICS_NAMESPACE)


def event_time(value: Any) -> float | None:
    """Seconds since the epoch of an S3 record's `eventTime` (`2024-03-12T19:05:02.482Z`); None if unusable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo is not None else None


def delay_ms(since: float | None, now: float) -> float | None:
    """Milliseconds from `since` to `now`, never negative (clocks differ); None without a start."""
    return None if since is None else round(max(now - since, 0.0) * 1000, 1)


def emf_fields(space: str, kind: str, measurements: Sequence[Measurement], timestamp_ms: int) -> dict[str, Any]:
    """The members that make a log record an EMF document; none when nothing was recorded.

    Metrics are published per kind and for all kinds together (the empty dimension set).
    """
    if not measurements:
        return {}
    values: dict[str, list[float]] = {
        name: [1 if m.status == status else 0 for m in measurements]
        for status, name in contract.OUTCOME_METRICS.items()
    }
    units = dict.fromkeys(values, COUNT)
    values[contract.METRIC_BYTES_READ] = [m.bytes_read for m in measurements]
    units[contract.METRIC_BYTES_READ] = BYTES
    delays = [m.delay_ms for m in measurements if m.delay_ms is not None]
    if delays:
        values[contract.METRIC_PROCESSING_DELAY] = delays
        units[contract.METRIC_PROCESSING_DELAY] = MILLISECONDS
    directive = {
        "Namespace": space,
        "Dimensions": [[contract.METRIC_KIND_DIMENSION], []],
        "Metrics": [{"Name": name, "Unit": unit} for name, unit in units.items()],
    }
    return {
        "_aws": {"Timestamp": timestamp_ms, "CloudWatchMetrics": [directive]},
        contract.METRIC_KIND_DIMENSION: kind,
        **values,
    }
