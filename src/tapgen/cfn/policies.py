"""The one policy reader: every policy document of any template, with its holder, kind and what it governs.

lint, diff and graph read policies only through `policy_documents`, so a document counts the same wherever a
template keeps it: an `AWS::IAM::Policy`, an `AWS::IAM::RolePolicy`, a role's inline `Policies`, a JSON string.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tapgen.cfn.shapes import as_dict, as_list, is_intrinsic
from tapgen.cfn.values import canonical

Json = Any
Path = tuple[str, ...]


class PolicyKind(StrEnum):
    """Whom a document speaks for: the principal holding it, the resource it guards, or who may assume a role."""

    IDENTITY = "identity"
    RESOURCE = "resource"
    TRUST = "trust"


@dataclass(frozen=True)
class PolicyPlace:
    """Where a resource type keeps one policy document, and how to find what the document governs.

    `attached_by` names the properties that say what the document applies to (roles, users and groups for an
    identity policy; buckets, queues, topics... for a resource policy); none means the holder itself.
    `statement_only` marks a property holding one statement rather than a document (EventBridge's bus policy).
    """

    property: str
    kind: PolicyKind
    attached_by: tuple[str, ...] = ()
    statement_only: bool = False


IDENTITY = PolicyKind.IDENTITY
RESOURCE = PolicyKind.RESOURCE
# Standalone identity policies: attached to the principals their properties name.
_ATTACHED_IDENTITY = PolicyPlace("PolicyDocument", IDENTITY, ("Roles", "Users", "Groups"))
# Every policy-bearing property CloudFormation has, by resource type. Roles, users and groups keep inline
# `Policies` too (read by `_inline_policies`).
POLICY_PLACES: Mapping[str, tuple[PolicyPlace, ...]] = {
    "AWS::IAM::Role": (PolicyPlace("AssumeRolePolicyDocument", PolicyKind.TRUST),),
    "AWS::IAM::Policy": (_ATTACHED_IDENTITY,),
    "AWS::IAM::ManagedPolicy": (_ATTACHED_IDENTITY,),
    "AWS::IAM::RolePolicy": (PolicyPlace("PolicyDocument", IDENTITY, ("RoleName",)),),
    "AWS::IAM::UserPolicy": (PolicyPlace("PolicyDocument", IDENTITY, ("UserName",)),),
    "AWS::IAM::GroupPolicy": (PolicyPlace("PolicyDocument", IDENTITY, ("GroupName",)),),
    "AWS::KMS::Key": (PolicyPlace("KeyPolicy", RESOURCE),),
    "AWS::KMS::ReplicaKey": (PolicyPlace("KeyPolicy", RESOURCE),),
    "AWS::S3::BucketPolicy": (PolicyPlace("PolicyDocument", RESOURCE, ("Bucket",)),),
    "AWS::S3Express::BucketPolicy": (PolicyPlace("PolicyDocument", RESOURCE, ("Bucket",)),),
    "AWS::S3::AccessPoint": (PolicyPlace("Policy", RESOURCE),),
    "AWS::S3::MultiRegionAccessPointPolicy": (PolicyPlace("Policy", RESOURCE, ("MrapName",)),),
    "AWS::S3ObjectLambda::AccessPointPolicy": (PolicyPlace("PolicyDocument", RESOURCE, ("ObjectLambdaAccessPoint",)),),
    "AWS::SQS::QueuePolicy": (PolicyPlace("PolicyDocument", RESOURCE, ("Queues",)),),
    "AWS::SQS::QueueInlinePolicy": (PolicyPlace("PolicyDocument", RESOURCE, ("Queue",)),),
    "AWS::SNS::TopicPolicy": (PolicyPlace("PolicyDocument", RESOURCE, ("Topics",)),),
    "AWS::SNS::TopicInlinePolicy": (PolicyPlace("PolicyDocument", RESOURCE, ("TopicArn",)),),
    "AWS::SecretsManager::ResourcePolicy": (PolicyPlace("ResourcePolicy", RESOURCE, ("SecretId",)),),
    "AWS::Logs::ResourcePolicy": (PolicyPlace("PolicyDocument", RESOURCE),),
    "AWS::Logs::Destination": (PolicyPlace("DestinationPolicy", RESOURCE),),
    "AWS::ECR::Repository": (PolicyPlace("RepositoryPolicyText", RESOURCE),),
    "AWS::ECR::RegistryPolicy": (PolicyPlace("PolicyText", RESOURCE),),
    "AWS::Events::EventBusPolicy": (PolicyPlace("Statement", RESOURCE, ("EventBusName",), statement_only=True),),
    "AWS::Events::EventBus": (PolicyPlace("Policy", RESOURCE),),
    "AWS::ApiGateway::RestApi": (PolicyPlace("Policy", RESOURCE),),
    "AWS::DynamoDB::Table": (PolicyPlace("ResourcePolicy.PolicyDocument", RESOURCE),),
    "AWS::Kinesis::ResourcePolicy": (PolicyPlace("ResourcePolicy", RESOURCE, ("ResourceArn",)),),
    "AWS::EFS::FileSystem": (PolicyPlace("FileSystemPolicy", RESOURCE),),
    "AWS::OpenSearchService::Domain": (PolicyPlace("AccessPolicies", RESOURCE),),
    "AWS::Elasticsearch::Domain": (PolicyPlace("AccessPolicies", RESOURCE),),
    "AWS::Backup::BackupVault": (PolicyPlace("AccessPolicy", RESOURCE),),
    "AWS::CodeArtifact::Domain": (PolicyPlace("PermissionsPolicyDocument", RESOURCE),),
    "AWS::CodeArtifact::Repository": (PolicyPlace("PermissionsPolicyDocument", RESOURCE),),
    "AWS::Glue::ResourcePolicy": (PolicyPlace("PolicyInJson", RESOURCE),),
    "AWS::CloudTrail::ResourcePolicy": (PolicyPlace("ResourcePolicy", RESOURCE, ("ResourceArn",)),),
    "AWS::EventSchemas::RegistryPolicy": (PolicyPlace("Policy", RESOURCE, ("RegistryName",)),),
}
INLINE_POLICY_HOLDERS = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
IDENTITY_HOLDERS = INLINE_POLICY_HOLDERS
# Lambda permissions are resource-policy statements spelled as properties: (property, condition operator, key).
PERMISSION_TYPES = ("AWS::Lambda::Permission", "AWS::Lambda::LayerVersionPermission")
PERMISSION_CONDITIONS = {
    "SourceArn": ("ArnLike", "AWS:SourceArn"),
    "SourceAccount": ("StringEquals", "AWS:SourceAccount"),
    "PrincipalOrgID": ("StringEquals", "aws:PrincipalOrgID"),
    "OrganizationId": ("StringEquals", "aws:PrincipalOrgID"),
    "FunctionUrlAuthType": ("StringEquals", "lambda:FunctionUrlAuthType"),
    "EventSourceToken": ("StringEquals", "lambda:EventSourceToken"),
}


@dataclass(frozen=True)
class PolicyDocument:
    """One policy document of a template.

    `holder`/`holder_type`: the resource whose property holds it; `name`: which of its policies (`PolicyDocument`,
    `Policies/ReadTable`, `KeyPolicy`...); `path`: where it is below the resource (for line numbers); `document`:
    the document itself (decoded when the template gives it as a JSON string, `from_text`), or an intrinsic
    function when the template computes it; `attached_to`: the values naming what it applies to (a Ref to a role,
    a bucket's name...), or the holder's logical id when it governs the holder itself.
    """

    holder: str
    holder_type: str
    name: str
    kind: PolicyKind
    path: Path
    document: Json
    attached_to: tuple[Json, ...]
    from_text: bool = False

    @property
    def governs_holder(self) -> bool:
        return self.attached_to == (self.holder,)

    def statements(self) -> Iterator[tuple[Path, Json]]:
        """Each statement with its path below the resource (a document given as text: the property's path); an
        unreadable document (an intrinsic) is one statement: itself."""
        for path, statement in document_statements(self.document, self.path):
            yield (self.path if self.from_text else path), statement

    def allow_statements(self) -> Iterator[tuple[Path, dict[str, Json]]]:
        for path, statement in self.statements():
            if isinstance(statement, dict) and statement.get("Effect") == "Allow":
                yield path, statement


def policy_documents(resources: Mapping[str, Any]) -> Iterator[PolicyDocument]:
    """Every policy document of the template's resources (a template's `Resources`), in logical-id order."""
    for logical_id in sorted(resources):
        resource = resources[logical_id]
        if isinstance(resource, Mapping):
            yield from resource_policy_documents(logical_id, resource)


def resource_policy_documents(logical_id: str, resource: Mapping[str, Any]) -> Iterator[PolicyDocument]:
    """The policy documents one resource holds."""
    kind = str(resource.get("Type", ""))
    properties = as_dict(resource.get("Properties"))
    if kind in INLINE_POLICY_HOLDERS:
        yield from _inline_policies(logical_id, kind, properties)
    for place in POLICY_PLACES.get(kind, ()):
        steps = tuple(place.property.split("."))
        value = _dig(properties, steps)
        if value is None:
            continue
        document, from_text = _decoded(value)
        if place.statement_only:
            document = {"Statement": [document]}
            from_text = True  # its statement has no path of its own inside a document
        attached = tuple(item for name in place.attached_by for item in as_list(properties.get(name)))
        path = ("Properties", *steps)
        yield PolicyDocument(
            logical_id, kind, place.property, place.kind, path, document, attached or (logical_id,), from_text
        )
    if kind in PERMISSION_TYPES:
        yield _permission_document(logical_id, kind, properties)


def document_statements(document: Json, path: Path = ()) -> Iterator[tuple[Path, Json]]:
    """Each statement of a document with its path below `path`; an intrinsic in place of a document or of a
    statement is yielded as it is (it cannot be read offline)."""
    if not _is_plain(document):
        yield path, document
        return
    listed = document.get("Statement")
    if isinstance(listed, list):
        for index, statement in enumerate(listed):
            yield (*path, "Statement", str(index)), statement
    elif listed is not None:
        yield (*path, "Statement"), listed


def _inline_policies(logical_id: str, kind: str, properties: Mapping[str, Any]) -> Iterator[PolicyDocument]:
    for index, policy in enumerate(as_list(properties.get("Policies"))):
        plain = _is_plain(policy)
        name = policy.get("PolicyName", index) if plain else index
        document, from_text = _decoded(policy.get("PolicyDocument") if plain else policy)
        path = (
            ("Properties", "Policies", str(index), "PolicyDocument")
            if plain
            else ("Properties", "Policies", str(index))
        )
        label = f"Policies/{name if isinstance(name, str | int) else canonical(name)}"
        yield PolicyDocument(logical_id, kind, label, IDENTITY, path, document, (logical_id,), from_text)


def _permission_document(logical_id: str, kind: str, properties: Mapping[str, Any]) -> PolicyDocument:
    """The resource-policy statement a Lambda permission adds to its function's (or layer's) policy."""
    target = "FunctionName" if kind == "AWS::Lambda::Permission" else "LayerVersionArn"
    principal = properties.get("Principal")
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": _permission_principal(principal),
        "Action": properties.get("Action"),
        "Resource": properties.get(target),
    }
    conditions: dict[str, dict[str, Any]] = {}
    for name, (operator, key) in PERMISSION_CONDITIONS.items():
        if name in properties:
            conditions.setdefault(operator, {})[key] = properties[name]
    if conditions:
        statement["Condition"] = conditions
    attached = tuple(as_list(properties.get(target))) or (logical_id,)
    return PolicyDocument(
        logical_id, kind, "Permission", RESOURCE, ("Properties",), {"Statement": [statement]}, attached, True
    )


def _permission_principal(principal: Any) -> Any:
    if principal == "*" or not isinstance(principal, str):
        return principal
    return {"Service": principal} if principal.endswith(".amazonaws.com") else {"AWS": principal}


def _decoded(value: Json) -> tuple[Json, bool]:
    """A document given as JSON text decoded (Logs, ECR and Glue take strings); anything else as it is."""
    if isinstance(value, str):
        try:
            return json.loads(value), True
        except ValueError:
            return value, True
    return value, False


def _dig(properties: Mapping[str, Any], steps: tuple[str, ...]) -> Json:
    value: Json = properties
    for step in steps:
        if not isinstance(value, Mapping) or step not in value:
            return None
        value = value[step]
    return value


def _is_plain(value: Json) -> bool:
    return isinstance(value, Mapping) and not is_intrinsic(value)
