"""What a lint run reports: findings, and the findings a resource suppressed with a reason."""

from __future__ import annotations

from dataclasses import dataclass


class TemplateError(ValueError):
    """The input is not a CloudFormation template tapgen can lint."""


@dataclass(frozen=True, order=True)
class Finding:
    """One problem on one resource (or on the template, resource ''), with how to fix it and where it is."""

    rule: str
    resource: str
    message: str
    fix: str = ""
    line: int = 0  # 1-based; 0 where the template carries no position (a plain dict)
    column: int = 0
    path: str = ""  # e.g. Resources/Table/Properties/SSESpecification

    @property
    def located_message(self) -> str:
        """The message with where it applies, as cfn-lint prints its own."""
        where = [f"at {self.path}"] if self.path else []
        where += [f"line {self.line}", f"column {self.column}"] if self.line else []
        return f"{self.message} ({', '.join(where)})" if where else self.message


@dataclass(frozen=True, order=True)
class Suppression:
    """A finding waived in the resource's Metadata, and the reason given for it."""

    rule: str
    resource: str
    reason: str
