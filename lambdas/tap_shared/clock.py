"""The one timestamp format of the service: items' times and log lines both use it."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    """UTC time in RFC 3339 with milliseconds and a `Z` (`2024-03-12T19:05:02.482Z`), which sorts as text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
