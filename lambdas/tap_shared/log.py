"""Structured logs: one JSON object per line, always carrying the request id.

Each line has the `timestamp` (RFC 3339) and `level` keys Lambda's JSON log-level filtering reads: a
line without a valid timestamp or level counts as INFO there, so an ERROR filter would drop it.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Literal

from tap_shared.clock import utc_now

# The levels Lambda's application log-level filtering recognises (it has no WARNING, only WARN).
Level = Literal["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]


def request_id(context: object) -> str:
    """The Lambda request id, or a placeholder when invoked without a context (local runs)."""
    value = getattr(context, "aws_request_id", None)
    return value if isinstance(value, str) and value else "local"


def log(level: Level, message: str, request: str, **fields: Any) -> None:
    """Write one JSON line to stdout, which Lambda forwards to the function's log group."""
    record = {**fields, "level": level, "message": message, "requestId": request, "timestamp": utc_now()}
    sys.stdout.write(json.dumps(record, default=str, sort_keys=True) + "\n")
    sys.stdout.flush()
