"""awacs helpers shared by every builder that writes an IAM, key or resource policy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from awacs.aws import (
    Action,
    Allow,
    ArnLike,
    Bool,
    Condition,
    Deny,
    Policy,
    PolicyDocument,
    Principal,
    Statement,
    StringEquals,
)
from troposphere import AWSHelperFn, Ref

Resource: TypeAlias = str | AWSHelperFn
POLICY_VERSION = "2012-10-17"


def actions(*names: str) -> list[Action]:
    """`service:Action` strings as awacs actions, in the given order."""
    return [Action(*name.split(":", 1)) for name in names]


def allow(sid: str, action_names: Sequence[str], resources: Sequence[Resource], **extra: object) -> Statement:
    return Statement(Sid=sid, Effect=Allow, Action=actions(*action_names), Resource=list(resources), **extra)


def allow_service_on_behalf_of(
    sid: str, action_names: Sequence[str], resources: Sequence[Resource], *, service: str, source_arn: Resource
) -> Statement:
    """`service` may act on `resources` only for `source_arn` in this account (no confused deputy)."""
    return allow(
        sid,
        action_names,
        resources,
        Principal=service_principal(service),
        Condition=Condition(
            [ArnLike("aws:SourceArn", source_arn), StringEquals("aws:SourceAccount", Ref("AWS::AccountId"))]
        ),
    )


def document(*statements: Statement) -> PolicyDocument:
    return PolicyDocument(Version=POLICY_VERSION, Statement=list(statements))


def deny_insecure_transport(action: str, resources: Sequence[Resource]) -> Statement:
    """Refuse any request that did not arrive over TLS; the same statement serves S3, SQS and SNS."""
    return Statement(
        Sid="DenyInsecureTransport",
        Effect=Deny,
        Principal=Principal("*"),
        Action=actions(action),
        Resource=list(resources),
        Condition=Condition(Bool("aws:SecureTransport", "false")),
    )


def service_principal(service: str) -> Principal:
    return Principal("Service", service)


def trust_policy(service: str) -> Policy:
    """Only `service` may assume the role."""
    return document(Statement(Effect=Allow, Principal=service_principal(service), Action=actions("sts:AssumeRole")))
