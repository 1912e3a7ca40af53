"""Resolve what a template value points at: `Ref`, `Fn::GetAtt`, `Fn::Sub` and `Fn::Join` to logical ids.

Every value is first written as `Fn::Sub` text (`Ref X` → `${X}`, `GetAtt X.Arn` → `${X.Arn}`), then
matched against each resource's own references and the ARNs its physical name or id builds, so an ARN
spelled from a bucket's literal name resolves to that bucket as surely as a `GetAtt` does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tapgen.cfn.shapes import properties

ARN_PREFIX = "arn:${AWS::Partition}:"
REGIONAL = "${AWS::Region}:${AWS::AccountId}"
# Resource type → (property holding its physical name, ARN template around that name, Ref returns the name).
ARN_FORMATS: dict[str, tuple[str, str, bool]] = {
    "AWS::S3::Bucket": ("BucketName", ARN_PREFIX + "s3:::<name>", True),
    "AWS::Logs::LogGroup": ("LogGroupName", ARN_PREFIX + f"logs:{REGIONAL}:log-group:<name>", True),
    "AWS::Lambda::Function": ("FunctionName", ARN_PREFIX + f"lambda:{REGIONAL}:function:<name>", True),
    "AWS::SQS::Queue": ("QueueName", ARN_PREFIX + f"sqs:{REGIONAL}:<name>", False),
    "AWS::SNS::Topic": ("TopicName", ARN_PREFIX + f"sns:{REGIONAL}:<name>", False),
    "AWS::DynamoDB::Table": ("TableName", ARN_PREFIX + f"dynamodb:{REGIONAL}:table/<name>", True),
    "AWS::IAM::Role": ("RoleName", ARN_PREFIX + "iam::${AWS::AccountId}:role/<name>", True),
    "AWS::KMS::Key": ("", ARN_PREFIX + f"kms:{REGIONAL}:key/<name>", True),
    "AWS::ApiGatewayV2::Api": ("", ARN_PREFIX + f"execute-api:{REGIONAL}:<name>", True),
    "AWS::ApiGateway::RestApi": ("", ARN_PREFIX + f"execute-api:{REGIONAL}:<name>", True),
}
NAME = "<name>"
SEPARATORS = ("/", ":")
_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}")


def as_text(value: Any) -> str | None:
    """The value as `Fn::Sub` text; None for what has no text form (`Fn::If`, a list, a number map)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((function, argument),) = value.items()
    handler = _INTRINSICS.get(function)
    return handler(argument) if handler else None


def _ref_text(argument: Any) -> str | None:
    return f"${{{argument}}}" if isinstance(argument, str) else None


def _get_att_text(argument: Any) -> str | None:
    parts = argument.split(".", 1) if isinstance(argument, str) else argument
    return f"${{{parts[0]}.{parts[1]}}}" if isinstance(parts, list) and len(parts) == 2 else None


def _join_text(argument: Any) -> str | None:
    if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list)):
        return None
    parts = [as_text(part) for part in argument[1]]
    return None if None in parts else str(argument[0]).join(str(part) for part in parts)


def _sub_text(argument: Any) -> str | None:
    if isinstance(argument, str):
        return argument
    if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
        return None
    text: str = argument[0]
    for name, variable in sorted(dict(argument[1]).items()):
        value = as_text(variable)
        if value is None:
            return None
        text = text.replace(f"${{{name}}}", value)
    return text


_INTRINSICS: dict[str, Callable[[Any], str | None]] = {
    "Ref": _ref_text,
    "Fn::GetAtt": _get_att_text,
    "Fn::Sub": _sub_text,
    "Fn::Join": _join_text,
}


def describe(value: Any) -> str:
    """A stable one-line text for any value, for labels and details."""
    text = as_text(value)
    return text if text is not None else json.dumps(value, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Target:
    """A resource of the stack and what the value names inside it (`/uploads/*`, `/index/byOwner`)."""

    logical_id: str
    within: str = ""


class Resolver:
    """Maps template values to the logical ids they name."""

    def __init__(self, resources: Mapping[str, Any]) -> None:
        self.types = {logical_id: str(resource.get("Type", "")) for logical_id, resource in resources.items()}
        forms: list[tuple[str, str]] = []
        for logical_id, resource in resources.items():
            forms.extend((form, logical_id) for form in _spellings(logical_id, resource))
        # Longest first, so a bucket named `x-logs` is not taken for a bucket named `x`.
        self._spellings = sorted(forms, key=lambda item: (-len(item[0]), item))

    def resolve(self, value: Any) -> Target | None:
        """The resource `value` names, or None when it names nothing in the stack."""
        text = as_text(value)
        if text is None:
            return None
        match = _REFERENCE.match(text)
        if match and match.group(1) in self.types and _is_boundary(text[match.end() :]):
            return Target(match.group(1), text[match.end() :])
        for spelling, logical_id in self._spellings:
            rest = text[len(spelling) :]
            if text.startswith(spelling) and _is_boundary(rest):
                return Target(logical_id, rest)
        return None

    def mentioned(self, value: Any) -> str:
        """The resource `value` names, else the first resource it references inside (an integration URI
        wraps the function ARN), else the value's own text."""
        target = self.resolve(value)
        if target:
            return target.logical_id
        text = describe(value)
        for match in _REFERENCE.finditer(text):
            if match.group(1) in self.types:
                return match.group(1)
        return text


def _is_boundary(rest: str) -> bool:
    return rest == "" or rest.startswith(SEPARATORS)


def _spellings(logical_id: str, resource: Mapping[str, Any]) -> list[str]:
    """The ARNs that name this resource, built from its physical name or its id."""
    name_property, arn_format, ref_is_name = ARN_FORMATS.get(str(resource.get("Type")), ("", "", False))
    if not arn_format:
        return []
    names = [f"${{{logical_id}}}"] if ref_is_name else []
    physical = as_text(properties(resource).get(name_property)) if name_property else None
    if physical:
        names.append(physical)
    return [arn_format.replace(NAME, name) for name in names]
