"""What is deployed now: the stack's template as it was submitted, and its parameter values (read-only calls)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tapgen.errors import DeployError


def deployed_template(cfn: Any, stack: str) -> dict[str, Any]:
    """The template the stack was last deployed with, as submitted (GetTemplate, Original stage)."""
    body = cfn.get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
    return parse_template(body, f"the template of stack {stack}")


def parse_template(body: Any, source: str) -> dict[str, Any]:
    """A template as a mapping, whether boto3 already decoded its JSON or it arrives as JSON or YAML text."""
    if isinstance(body, Mapping):
        return dict(body)
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = _yaml(body, source)
    if not isinstance(parsed, dict):
        raise DeployError(f"{source} is not a CloudFormation template (not a mapping)")
    return parsed


def _yaml(body: str, source: str) -> Any:
    # cfn-lint's loader understands the short forms (!Ref, !Sub) that plain YAML loaders reject.
    from cfnlint.decode.cfn_yaml import loads

    try:
        return loads(body)
    except Exception as error:  # cfn-lint raises its own and PyYAML's errors alike
        raise DeployError(f"{source} is neither JSON nor YAML: {error}") from None


def stack_parameters(stack: Mapping[str, Any]) -> dict[str, str]:
    """A DescribeStacks entry's parameter values by key, as given (an SSM parameter's name, not its value)."""
    return {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
