"""The deployed side of `tapgen diff`: the stack's template and parameters, read with read-only calls."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tapgen.cloud.deployed import deployed_template, stack_parameters
from tapgen.cloud.stack import describe_stack
from tapgen.diff.model import TemplateDiff
from tapgen.diff.templates import diff_templates

# States in which no resource of the stack exists: a deploy would create everything.
NOTHING_DEPLOYED = frozenset({"REVIEW_IN_PROGRESS", "ROLLBACK_COMPLETE"})


@dataclass(frozen=True)
class StackDiff:
    stack: str
    exists: bool
    diff: TemplateDiff


def diff_stack(cfn: Any, stack_name: str, template: str, parameters: Mapping[str, str], region: str) -> StackDiff:
    """What deploying `template` with `parameters` would change in the stack (DescribeStacks, GetTemplate only).

    Parameters not given keep their deployed values, as a deploy that does not pass them would.
    """
    proposed = json.loads(template)
    stack = describe_stack(cfn, stack_name)
    if stack is None or stack.get("StackStatus") in NOTHING_DEPLOYED:
        return StackDiff(stack_name, False, diff_templates({}, proposed, {}, parameters, region))
    deployed = deployed_template(cfn, stack["StackId"])
    return StackDiff(stack_name, True, diff_templates(deployed, proposed, stack_parameters(stack), parameters, region))
