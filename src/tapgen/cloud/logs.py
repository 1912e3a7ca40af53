"""The functions' log lines: read from their log groups, merged in time order, printed for people or tools.

`LogReader.poll` reads every group since the last poll, without duplicates (CloudWatch event ids) and without
gaps (each poll starts a little before the newest line seen, since lines can arrive late).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

LATE_ARRIVAL_MS = 5_000  # a line can be ingested up to this long after its timestamp: polls look back this far


def log_group_of(function_name: str) -> str:
    """Where Lambda (and the in-process runs) write a function's lines."""
    return f"/aws/lambda/{function_name}"


@dataclass(frozen=True)
class LogLine:
    timestamp: int  # milliseconds since the epoch
    function: str
    message: str
    event_id: str = ""

    @property
    def record(self) -> dict[str, Any] | None:
        """The structured JSON line tapgen's handlers write, or None for any other line."""
        try:
            parsed = json.loads(self.message)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) and "message" in parsed else None

    def request_id(self) -> str | None:
        record = self.record
        return str(record.get("requestId")) if record and record.get("requestId") else None


def time_of(timestamp_ms: int) -> str:
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def pretty(line: LogLine) -> str:
    """time, function, level, message, request id and error type of a structured line; others passed through."""
    record = line.record
    if record is None:
        return f"{time_of(line.timestamp)} {line.function:<10} {line.message.rstrip()}"
    extra = [f"request {record['requestId']}"] if record.get("requestId") else []
    error = record.get("errorType") or record.get("error_type") or record.get("error")
    if error:
        extra.append(f"error {error}")
    level = str(record.get("level", "INFO"))
    suffix = f"  ({', '.join(extra)})" if extra else ""
    return f"{time_of(line.timestamp)} {line.function:<10} {level:<5} {record['message']}{suffix}"


def as_json(line: LogLine) -> str:
    """One JSON object per line, stable keys: time, function, message, and the structured record when there is one."""
    return json.dumps(
        {"time": time_of(line.timestamp), "function": line.function, "message": line.message, "record": line.record},
        sort_keys=True,
    )


@dataclass
class LogReader:
    """Reads the groups of some functions; each poll returns only lines not returned before, in time order."""

    logs_client: Any
    groups: Mapping[str, str]  # function -> log group
    start_ms: int
    pattern: str | None = None
    request_id: str | None = None
    _seen: dict[str, int] = field(default_factory=dict)  # event id -> timestamp, for the look-back window
    _newest: int = 0

    def poll(self) -> list[LogLine]:
        since = max(self.start_ms, self._newest - LATE_ARRIVAL_MS)
        fresh = [line for line in self._read(since) if line.event_id not in self._seen]
        if self.request_id is not None:
            fresh = [line for line in fresh if self.request_id in (line.request_id() or line.message)]
        for line in fresh:
            self._seen[line.event_id] = line.timestamp
        if self._seen:
            self._newest = max(self._newest, *self._seen.values())
        horizon = self._newest - 2 * LATE_ARRIVAL_MS
        self._seen = {event: at for event, at in self._seen.items() if at >= horizon}
        return sorted(fresh, key=lambda line: (line.timestamp, line.function, line.event_id))

    def _read(self, since: int) -> Iterator[LogLine]:
        for function, group in self.groups.items():
            request: dict[str, Any] = {"logGroupName": group, "startTime": since}
            if self.pattern:
                request["filterPattern"] = self.pattern
            try:
                for event in _events(self.logs_client, request):
                    yield LogLine(int(event["timestamp"]), function, str(event.get("message", "")), event["eventId"])
            except self.logs_client.exceptions.ResourceNotFoundException:
                continue  # a function never invoked has no group yet


def _events(logs_client: Any, request: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every event of a FilterLogEvents request (CloudWatch Logs pages with a lower-case nextToken)."""
    token: str | None = None
    while True:
        page = logs_client.filter_log_events(**request, **({"nextToken": token} if token else {}))
        yield from page.get("events", [])
        token = page.get("nextToken")
        if not token:
            return


def stack_function_names(stack: Mapping[str, Any]) -> dict[str, str]:
    """function -> deployed name, from a DescribeStacks entry's `<Name>FunctionName` outputs."""
    names: dict[str, str] = {}
    for output in stack.get("Outputs", []):
        key = str(output.get("OutputKey", ""))
        if key.endswith("FunctionName") and output.get("OutputValue"):
            names[key.removesuffix("FunctionName").lower()] = str(output["OutputValue"])
    return names


def parse_since(text: str, now_ms: int) -> int:
    """`10m`, `2h`, `1d`, `30s` before now, or an ISO 8601 time; milliseconds since the epoch. ValueError else."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text[-1:] in units and text[:-1].isdigit():
        return now_ms - int(text[:-1]) * units[text[-1]] * 1000
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
