"""Structured logs: one JSON object per line, always carrying the request id."""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def request_id(context: object) -> str:
    """The Lambda request id, or a placeholder when invoked without a context (local runs)."""
    value = getattr(context, "aws_request_id", None)
    return value if isinstance(value, str) and value else "local"


def log(level: str, message: str, request: str, **fields: Any) -> None:
    """Write one JSON line to stdout, which Lambda forwards to the function's log group."""
    record = {"level": level, "message": message, "requestId": request, "timestamp": round(time.time(), 3), **fields}
    sys.stdout.write(json.dumps(record, default=str, sort_keys=True) + "\n")
    sys.stdout.flush()
