"""The limits: copies of AWS's accepted values stay equal to their source."""

from __future__ import annotations

from tapgen.settings import LOG_RETENTION_DAYS


def test_log_retention_values_match_troposphere_validator() -> None:
    """limits.py keeps its own copy so that loading settings never imports troposphere; the copy must not drift."""
    from troposphere.validators.logs import RETENTION_DAYS

    assert tuple(LOG_RETENTION_DAYS) == tuple(RETENTION_DAYS)
