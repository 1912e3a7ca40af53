"""Who may do what: identity policies, roles and their trust, resource policies and Lambda permissions.

TAP001-TAP004 judge the IAM side; TAP018 and TAP020 the resource side (a Lambda permission is the statement it
adds to the function's resource policy, which is how cfn.policies reads it). Every policy is read through
cfn.policies (view.policies, policies_of_kind, allow_statements_at).
"""

from __future__ import annotations

import re

from tapgen.cfn.policies import PERMISSION_TYPES, PolicyKind
from tapgen.cfn.shapes import as_dict, as_list
from tapgen.cfn.view import Json, Resource, TemplateView, allow_statements_at, as_json_text, referenced_ids
from tapgen.lint.rules.registry import RuleFinding, RuleFindings, rule


@rule(
    "TAP001",
    "IAM policies allow no wildcard actions",
    "A wildcard grants every future action of a service too; least privilege needs each action named.",
    "List the exact actions the function calls.",
    docs="https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
)
def no_action_wildcards(view: TemplateView) -> RuleFindings:
    for logical_id, path, statement in allow_statements_at(view):
        if "NotAction" in statement:
            message = "an Allow statement uses NotAction, which allows every other action"
            yield RuleFinding(logical_id, message, (*path, "NotAction"))
        for action in as_list(statement.get("Action")):
            if isinstance(action, str) and "*" in action:
                yield RuleFinding(logical_id, f"allows the wildcard action {action!r}", (*path, "Action"))


# Lambda creates and removes the network interfaces of a function in a VPC under its execution role; they do not
# exist when the policy is written, so AWS documents these on "*" (its AWSLambdaVPCAccessExecutionRole does so).
VPC_NETWORKING_ACTIONS = frozenset(
    {
        "ec2:createnetworkinterface",
        "ec2:deletenetworkinterface",
        "ec2:describenetworkinterfaces",
        "ec2:assignprivateipaddresses",
        "ec2:unassignprivateipaddresses",
    }
)


def _vpc_function_roles(view: TemplateView) -> set[str]:
    """Roles of functions attached to a VPC, and the policies attached to those roles."""
    roles = {
        r for f in view.of_type("AWS::Lambda::Function") if f.prop("VpcConfig") for r in referenced_ids(f.prop("Role"))
    }
    policies = {
        p.logical_id
        for p in view.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy")
        if referenced_ids([p.prop("Roles"), p.prop("RoleName")]) & roles
    }
    return roles | policies


def _needs_a_resource(action: Json, exempt: frozenset[str]) -> bool:
    from tapgen.lint.iam_actions import scopable

    return isinstance(action, str) and action.lower() not in exempt and scopable(action)


@rule(
    "TAP002",
    'Resource "*" only for actions that cannot name a resource',
    "An action that can be scoped to ARNs but is granted on every resource reaches data it was never meant to.",
    'Scope the statement to the ARNs of the resources it uses (actions without resource types may keep "*").',
    docs="https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
)
def star_resource_only_where_unavoidable(view: TemplateView) -> RuleFindings:
    vpc_roles = _vpc_function_roles(view)
    for logical_id, path, statement in allow_statements_at(view):
        if "*" in as_list(statement.get("Resource")) or "NotResource" in statement:
            exempt = VPC_NETWORKING_ACTIONS if logical_id in vpc_roles else frozenset()
            broad = [a for a in as_list(statement.get("Action")) if _needs_a_resource(a, exempt)]
            if broad:
                message = f'grants {", ".join(map(str, broad))} on every resource ("*")'
                yield RuleFinding(
                    logical_id, message, (*path, "Resource" if "Resource" in statement else "NotResource")
                )


@rule(
    "TAP003",
    "no AWS-managed policies attached",
    "AWS-managed policies are broad and change without review; inline policies are diffed in templates/.",
    "Replace the managed policy with an inline policy naming the actions and resources needed.",
    docs="https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
)
def no_aws_managed_policies(view: TemplateView) -> RuleFindings:
    for principal in view.of_type("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
        for index, arn in enumerate(as_list(principal.prop("ManagedPolicyArns"))):
            if ":iam::aws:policy/" in as_json_text(arn):
                message = f"attaches the AWS-managed policy {as_json_text(arn)}"
                yield RuleFinding(principal.logical_id, message, ("Properties", "ManagedPolicyArns", str(index)))


def _service_users(view: TemplateView) -> dict[str, str]:
    """Role logical id → the service that assumes it, for the roles this template gives to functions."""
    return {
        role_id: "lambda.amazonaws.com"
        for function in view.of_type("AWS::Lambda::Function")
        for role_id in referenced_ids(function.prop("Role"))
    }


# Services that AWS requires to trust one role together: Lambda@Edge runs the function's replicas as edgelambda;
# EMR's automatic scaling role is assumed by EMR and by Application Auto Scaling.
TRUSTED_TOGETHER = (
    frozenset({"lambda.amazonaws.com", "edgelambda.amazonaws.com"}),
    frozenset({"elasticmapreduce.amazonaws.com", "application-autoscaling.amazonaws.com"}),
)


def _trust_is_right(services: set[str], want: str | None) -> bool:
    """One service (the expected one, if known), or a pair AWS requires together that includes it."""
    if services in TRUSTED_TOGETHER:
        return want is None or want in services
    return len(services) == 1 and (want is None or services == {want})


@rule(
    "TAP004",
    "every role is trusted by exactly its service (or a pair AWS requires, as Lambda@Edge's)",
    "A role that other principals or services may assume lends its permissions to them.",
    "Trust one service principal only (lambda.amazonaws.com for a function's role).",
    docs="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html",
)
def role_trusted_by_its_service(view: TemplateView) -> RuleFindings:
    expected = _service_users(view)
    trusts = {policy.holder: policy for policy in view.policies_of_kind(PolicyKind.TRUST)}
    for role in view.of_type("AWS::IAM::Role"):
        services: set[str] = set()
        trust = trusts.get(role.logical_id)
        for path, statement in trust.allow_statements() if trust else ():
            principal = statement.get("Principal")
            if not isinstance(principal, dict) or set(principal) != {"Service"}:
                message = f"is trusted by a principal that is not a service: {as_json_text(principal)}"
                yield RuleFinding(role.logical_id, message, (*path, "Principal"))
            services.update(str(s) for s in as_list(as_dict(principal).get("Service")))
        want = expected.get(role.logical_id)
        if not _trust_is_right(services, want):
            message = f"is trusted by {sorted(services) or 'no service'}; expected {want or 'one service'}"
            yield RuleFinding(role.logical_id, message, ("Properties", "AssumeRolePolicyDocument"))


ACCOUNT_ID = re.compile(r"^\d{12}$|^arn:aws[a-z-]*:iam::")


def _is_an_account(principal: Json) -> bool:
    """An account (or its root) invokes by name: no source resource to pin. A service principal has one."""
    return (isinstance(principal, str) and bool(ACCOUNT_ID.match(principal))) or principal == {"Ref": "AWS::AccountId"}


def _arn_without_account(view: TemplateView, permission: Resource) -> bool:
    """S3 bucket ARNs (arn:aws:s3:::name) carry no account; execute-api, events, sns... ARNs do."""
    source = permission.prop("SourceArn")
    buckets = {b.logical_id for b in view.of_type("AWS::S3::Bucket")}
    return (
        permission.prop("Principal") == "s3.amazonaws.com"
        or ":s3:::" in as_json_text(source)
        or bool(referenced_ids(source) & buckets)
    )


@rule(
    "TAP018",
    "every Lambda permission for a service names its source ARN (and account, where the ARN cannot)",
    "Without them another account's bucket or API could invoke the function (confused deputy).",
    "Set SourceArn to the bucket or API ARN; for S3, whose bucket ARNs name no account, SourceAccount too.",
    docs="https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
)
def scoped_permissions(view: TemplateView) -> RuleFindings:
    for permission in view.of_type("AWS::Lambda::Permission"):
        principal = permission.prop("Principal")
        if principal == "*" or _is_an_account(principal):
            continue  # TAP020 judges "*"; an account principal is scoped by its account
        if not permission.prop("SourceArn") and not permission.prop("EventSourceToken"):  # Alexa skills: the token
            yield RuleFinding(permission.logical_id, "has no SourceArn", ("Properties", "SourceArn"))
        if not permission.prop("SourceAccount") and _arn_without_account(view, permission):
            message = "has no SourceAccount, which an S3 bucket ARN cannot carry"
            yield RuleFinding(permission.logical_id, message, ("Properties", "SourceAccount"))


def _everyone(principal: Json) -> bool:
    return principal == "*" or "*" in as_list(as_dict(principal).get("AWS"))


@rule(
    "TAP020",
    "no resource policy allows every principal ('*')",
    "An Allow for '*' opens the key, bucket, queue, topic or secret to every AWS account.",
    "Name the service (with aws:SourceArn/aws:SourceAccount) or the account that needs access.",
    docs="https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
)
def no_public_resource_policy(view: TemplateView) -> RuleFindings:
    for policy in view.policies_of_kind(PolicyKind.RESOURCE):
        if policy.holder_type in PERMISSION_TYPES:
            continue  # below, in the words of a permission
        for path, statement in policy.allow_statements():
            if _everyone(statement.get("Principal")):
                message = f"allows every principal ('*') in statement {statement.get('Sid', '')!r}"
                yield RuleFinding(policy.holder, message, (*path, "Principal"))
    for permission in view.of_type("AWS::Lambda::Permission"):
        if permission.prop("Principal") == "*":
            message = "lets every principal ('*') invoke the function"
            yield RuleFinding(permission.logical_id, message, ("Properties", "Principal"))
