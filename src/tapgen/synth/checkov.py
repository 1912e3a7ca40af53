"""Reasoned, in-template exemptions from checkov's checks, recorded on the resource they concern."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from troposphere import AWSObject

R = TypeVar("R", bound=AWSObject)


def skip_checkov(resource: R, reasons: Mapping[str, str]) -> R:
    """Add `Metadata.checkov.skip` entries: check id → the reason it does not apply here."""
    metadata = dict(getattr(resource, "Metadata", None) or {})
    metadata["checkov"] = {"skip": [{"id": check, "comment": reasons[check]} for check in sorted(reasons)]}
    resource.Metadata = metadata
    return resource
