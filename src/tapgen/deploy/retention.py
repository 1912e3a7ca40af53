"""What a deployed stack says about its own data: read from the stack, never from the command line.

`destroy` decides from these facts alone, so `--env dev --stack-name tap-prod` cannot empty prod.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tapgen.errors import DeployError

# The only DeletionPolicy that lets CloudFormation delete a resource's data with the stack (the default).
DELETE = "Delete"


@dataclass(frozen=True)
class Retention:
    """Why a stack's data must outlive it: the template's marker and every resource that is kept on deletion."""

    marked: bool
    kept: tuple[str, ...]

    @property
    def reasons(self) -> list[str]:
        marker = ["its template is marked Metadata.tapgen.retainData = true"] if self.marked else []
        kept = [f"DeletionPolicy keeps {', '.join(self.kept)}"] if self.kept else []
        return marker + kept


def retention_of(template: Mapping[str, Any]) -> Retention:
    """The retention facts of a template; anything but a literal `retainData: false` marker counts as marked."""
    marker = template.get("Metadata", {}).get("tapgen", {}) if isinstance(template.get("Metadata"), dict) else {}
    resources = template.get("Resources", {})
    kept = tuple(
        sorted(
            logical_id
            for logical_id, resource in resources.items()
            if isinstance(resource, dict) and resource.get("DeletionPolicy", DELETE) != DELETE
        )
    )
    marked = isinstance(marker, dict) and "retainData" in marker and marker["retainData"] is not False
    return Retention(marked=marked, kept=kept)


def readable_template(cfn: Any, stack: str) -> dict[str, Any]:
    """The template the stack was last deployed from, as JSON data; an error when it cannot be read as such."""
    body = cfn.get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
    parsed = body if not isinstance(body, str) else _json_or_none(body)  # botocore parses a JSON body itself
    if not isinstance(parsed, dict) or not isinstance(parsed.get("Resources"), dict):
        raise DeployError(
            f"cannot read the deployed template of {stack} as a JSON template, so cannot tell whether it keeps "
            "data: refusing; delete it with CloudFormation directly after checking"
        )
    return dict(parsed)


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
