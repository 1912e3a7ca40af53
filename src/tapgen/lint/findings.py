"""What a lint run reports: findings, and the findings a resource suppressed with a reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """One problem on one resource (or on the template, resource ''), with how to fix it."""

    rule: str
    resource: str
    message: str
    fix: str = ""


@dataclass(frozen=True, order=True)
class Suppression:
    """A finding waived in the resource's Metadata, and the reason given for it."""

    rule: str
    resource: str
    reason: str
