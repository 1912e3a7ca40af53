"""What a setting may hold: the check combinators and value validators fields carry, the record of a rule across
keys broken, and `ConfigError`, which reports them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import MISSING, field
from typing import Any, NamedTuple

from tapgen.settings.limits import KNOWN_REGIONS, MAX_REGIONS, RESERVED_TAG_KEYS
from tapgen.settings.quoting import show_value

SettingCheck = Callable[[Any], str | None]
"""A check returns None when the value is allowed, else a description of what is allowed."""


class ConfigError(Exception):
    """Settings that cannot be used; `problems` holds one precise line per fault."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


def between(low: int, high: int) -> SettingCheck:
    return lambda v: None if low <= v <= high else f"an integer from {low} to {high}"


def one_of(*allowed: object) -> SettingCheck:
    shown = ", ".join(str(a) for a in allowed)
    return lambda v: None if v in allowed else f"one of {shown}"


def matches(pattern: str, meaning: str) -> SettingCheck:
    # Compiled on first use (re caches it): most settings' patterns never meet a value in a given render.
    return lambda v: None if re.fullmatch(pattern, v) else f"{meaning} (pattern {pattern})"


def each(check: SettingCheck, at_most: int | None = None) -> SettingCheck:
    def check_all(values: tuple[Any, ...]) -> str | None:
        if at_most is not None and len(values) > at_most:
            return f"a list of at most {at_most} items"
        failures = [check(v) for v in values]
        return next((f"a list of {f}" for f in failures if f), None)

    return check_all


def setting(check: SettingCheck | None = None, default: Any = MISSING, default_factory: Any = MISSING) -> Any:
    """A dataclass field carrying its validation rule; on a table of free keys (a dict), `check` gets each
    (key, value) pair, so a problem names the entry."""
    return field(default=default, default_factory=default_factory, metadata={"check": check})


def fixed(why: str, default: Any = MISSING) -> Any:
    """A field tapgen sets itself; `why` tells a file that tries to set it."""
    return field(default=default, metadata={"toml": False, "why": why})


_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL_LOCAL_PART = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_EMAIL_DOMAIN = rf"(?:{_DOMAIN_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})"
_ORIGIN = r"(https?)://([a-z0-9.-]{1,253})(?::([1-9][0-9]{0,4}))?"
_TAG_TEXT = r"[\w.:/=+@ -]"  # letters and digits of any script, space, and _ . : / = + @ -


def email_address(value: str) -> str | None:
    """An address as SNS accepts it: dot-atom local part (≤ 64), then a domain of labels and a letters TLD."""
    local, _, domain = value.rpartition("@")
    valid = (
        len(value) <= 254
        and 1 <= len(local) <= 64
        and len(domain) <= 253
        and re.fullmatch(_EMAIL_LOCAL_PART, local) is not None
        and re.fullmatch(_EMAIL_DOMAIN, domain) is not None
    )
    return None if valid else "an e-mail address such as ops@example.com"


def cors_origin(value: str) -> str | None:
    """'*' or an origin as a browser sends it: scheme, lower-case host name, a port from 1 to 65535."""
    match = re.fullmatch(_ORIGIN, value)
    valid = value == "*" or (
        match is not None
        and all(re.fullmatch(_DOMAIN_LABEL, label) for label in match[2].split("."))
        and (match[3] is None or int(match[3]) <= 65535)
    )
    return None if valid else "'*' or origins such as https://app.example.com or http://localhost:3000 (port 1-65535)"


def tag(entry: tuple[str, str]) -> str | None:
    """A tag every AWS service takes: key 1-128, value 0-256 characters, no aws: prefix, not one tapgen sets."""
    key, value = entry
    if key in RESERVED_TAG_KEYS:
        return f"a tag key other than {', '.join(RESERVED_TAG_KEYS)} (tapgen sets those)"
    if not re.fullmatch(f"{_TAG_TEXT}{{1,128}}", key) or key.lower().startswith("aws:"):
        return "a tag key of 1-128 letters, digits, spaces or _.:/=+-@, not starting with aws:"
    if not re.fullmatch(f"{_TAG_TEXT}{{0,256}}", value) or value.lower().startswith("aws:"):
        return "a tag value of 0-256 letters, digits, spaces or _.:/=+-@, not starting with aws:"
    return None


def partition_name(region: str) -> str | None:
    """The partition of a known region (`aws`, `aws-cn`, `aws-us-gov`), None for a name AWS does not have."""
    return next((name for name, regions in KNOWN_REGIONS.items() if region in regions), None)


def region_list(regions: tuple[str, ...]) -> str | None:
    """`regions`: 1 to MAX_REGIONS known region names, each once, all in one partition (one account's ARNs)."""
    if not 1 <= len(regions) <= MAX_REGIONS:
        return f'a list of 1 to {MAX_REGIONS} regions such as ["us-east-1", "eu-west-1"]'
    unknown = [region for region in regions if partition_name(region) is None]
    if unknown:
        return f'a list of AWS regions such as ["us-east-1", "eu-west-1"] ({show_value(unknown[0])} is not one)'
    repeated = sorted({region for region in regions if regions.count(region) > 1})
    if repeated:
        return f"a list of distinct regions ({repeated[0]} appears more than once)"
    partitions = dict.fromkeys(partition_name(region) for region in regions)
    if len(partitions) > 1:
        first = {p: next(r for r in regions if partition_name(r) == p) for p in partitions}
        shown = ", ".join(f"{region} is in {partition}" for partition, region in first.items())
        return f"regions of one partition, as one account's are ({shown})"
    return None


class SettingProblem(NamedTuple):
    """A rule across keys broken: `key` holds `value`, which must be `allowed`; `reads` names the other keys
    the rule depends on, so the problem is told against the table that set them."""

    key: str
    value: object
    allowed: str
    reads: tuple[str, ...] = ()
