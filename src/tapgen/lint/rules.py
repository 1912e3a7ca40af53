"""tapgen's own rules (TAP001…): the security properties every TAP template must keep.

Each rule is a small function over a TemplateView yielding (logical id, message), or a Problem that also
names the property path (for the line number), registered with its id, a one-line description, why it
exists, how to fix a finding and the AWS documentation of what it asks for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from tapgen.cfn.policies import PERMISSION_TYPES, PolicyDocument, PolicyKind
from tapgen.cfn.rest_definition import DEFINITION_TYPES, definition_digest
from tapgen.cfn.shapes import as_dict, as_list
from tapgen.cfn.stateful import STATEFUL_TYPES
from tapgen.cfn.view import (
    Json,
    Resource,
    TemplateView,
    allow_statements_at,
    as_json_text,
    is_false,
    is_true,
    referenced_ids,
)


class Problem(NamedTuple):
    """What a rule found: the resource, the message, and where in the resource (for the line number)."""

    resource: str
    message: str
    path: tuple[str, ...] = ()  # e.g. ("Properties", "TracingConfig"); () is the resource itself

    @classmethod
    def of(cls, found: Problem | tuple[str, str]) -> Problem:
        return found if isinstance(found, Problem) else cls(*found)


Problems = Iterator[Problem | tuple[str, str]]
Check = Callable[[TemplateView], Problems]


GENERAL_DOCS = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html"


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    reason: str
    fix: str
    check: Check
    docs: str = GENERAL_DOCS  # the AWS documentation of what the rule asks for


RULES: list[Rule] = []


def rule(rule_id: str, description: str, reason: str, fix: str, docs: str = GENERAL_DOCS) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        RULES.append(Rule(rule_id, description, reason, fix, check, docs))
        return check

    return register


@rule(
    "TAP001",
    "IAM policies allow no wildcard actions",
    "A wildcard grants every future action of a service too; least privilege needs each action named.",
    "List the exact actions the function calls.",
    docs="https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
)
def no_action_wildcards(view: TemplateView) -> Problems:
    for logical_id, path, statement in allow_statements_at(view):
        if "NotAction" in statement:
            message = "an Allow statement uses NotAction, which allows every other action"
            yield Problem(logical_id, message, (*path, "NotAction"))
        for action in as_list(statement.get("Action")):
            if isinstance(action, str) and "*" in action:
                yield Problem(logical_id, f"allows the wildcard action {action!r}", (*path, "Action"))


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
def star_resource_only_where_unavoidable(view: TemplateView) -> Problems:
    vpc_roles = _vpc_function_roles(view)
    for logical_id, path, statement in allow_statements_at(view):
        if "*" in as_list(statement.get("Resource")) or "NotResource" in statement:
            exempt = VPC_NETWORKING_ACTIONS if logical_id in vpc_roles else frozenset()
            broad = [a for a in as_list(statement.get("Action")) if _needs_a_resource(a, exempt)]
            if broad:
                message = f'grants {", ".join(map(str, broad))} on every resource ("*")'
                yield Problem(logical_id, message, (*path, "Resource" if "Resource" in statement else "NotResource"))


@rule(
    "TAP003",
    "no AWS-managed policies attached",
    "AWS-managed policies are broad and change without review; inline policies are diffed in templates/.",
    "Replace the managed policy with an inline policy naming the actions and resources needed.",
    docs="https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
)
def no_aws_managed_policies(view: TemplateView) -> Problems:
    for principal in view.of_type("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
        for index, arn in enumerate(as_list(principal.prop("ManagedPolicyArns"))):
            if ":iam::aws:policy/" in as_json_text(arn):
                message = f"attaches the AWS-managed policy {as_json_text(arn)}"
                yield Problem(principal.logical_id, message, ("Properties", "ManagedPolicyArns", str(index)))


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
def role_trusted_by_its_service(view: TemplateView) -> Problems:
    expected = _service_users(view)
    trusts = {policy.holder: policy for policy in view.policies_of_kind(PolicyKind.TRUST)}
    for role in view.of_type("AWS::IAM::Role"):
        services: set[str] = set()
        trust = trusts.get(role.logical_id)
        for path, statement in trust.allow_statements() if trust else ():
            principal = statement.get("Principal")
            if not isinstance(principal, dict) or set(principal) != {"Service"}:
                message = f"is trusted by a principal that is not a service: {as_json_text(principal)}"
                yield Problem(role.logical_id, message, (*path, "Principal"))
            services.update(str(s) for s in as_list(as_dict(principal).get("Service")))
        want = expected.get(role.logical_id)
        if not _trust_is_right(services, want):
            message = f"is trusted by {sorted(services) or 'no service'}; expected {want or 'one service'}"
            yield Problem(role.logical_id, message, ("Properties", "AssumeRolePolicyDocument"))


# Where each resource type names its KMS key (tables: see _table_problems).
KEY_PROPERTY: dict[str, tuple[str, ...]] = {
    "AWS::SQS::Queue": ("KmsMasterKeyId",),
    "AWS::SNS::Topic": ("KmsMasterKeyId",),
    "AWS::SecretsManager::Secret": ("KmsKeyId",),
    "AWS::Logs::LogGroup": ("KmsKeyId",),
    "AWS::Lambda::Function": ("KmsKeyArn",),
}


# Services that deliver logs into a bucket and can write only SSE-S3 objects there.
LOG_DELIVERY_SERVICES = (
    "logging.s3.amazonaws.com",
    "delivery.logs.amazonaws.com",
    "logdelivery.elasticloadbalancing.amazonaws.com",
)


def _load_balancer_log_buckets(view: TemplateView) -> set[str]:
    """Buckets that load balancers (classic, application, network) and CloudFront write their access logs to."""
    targets: set[str] = set()
    for balancer in view.of_type("AWS::ElasticLoadBalancing::LoadBalancer"):
        targets |= referenced_ids(balancer.prop("AccessLoggingPolicy", "S3BucketName"))
    for balancer in view.of_type("AWS::ElasticLoadBalancingV2::LoadBalancer"):
        for attribute in as_list(balancer.prop("LoadBalancerAttributes")):
            if as_dict(attribute).get("Key") == "access_logs.s3.bucket":
                targets |= referenced_ids(as_dict(attribute).get("Value"))
    for distribution in view.of_type("AWS::CloudFront::Distribution"):
        targets |= referenced_ids(distribution.prop("DistributionConfig", "Logging", "Bucket"))
    return targets


def _log_target_buckets(view: TemplateView) -> set[str]:
    """Buckets that receive S3 access logs or delivered logs (which cannot be written into an SSE-KMS bucket)."""
    targets = {
        target
        for bucket in view.of_type("AWS::S3::Bucket")
        for target in referenced_ids(bucket.prop("LoggingConfiguration", "DestinationBucketName"))
    }
    targets |= {b.logical_id for b in view.of_type("AWS::S3::Bucket") if b.prop("AccessControl") == "LogDeliveryWrite"}
    for policy in view.of_type("AWS::S3::BucketPolicy"):
        if any(service in as_json_text(policy.prop("PolicyDocument")) for service in LOG_DELIVERY_SERVICES):
            targets |= referenced_ids(policy.prop("Bucket"))
    return targets | _load_balancer_log_buckets(view)


def _bucket_encryption(bucket: Resource) -> list[dict[str, Json]]:
    rules = as_list(bucket.prop("BucketEncryption", "ServerSideEncryptionConfiguration"))
    return [as_dict(as_dict(r).get("ServerSideEncryptionByDefault")) for r in rules]


def _bucket_problems(view: TemplateView, bucket: Resource, log_targets: set[str]) -> Problems:
    defaults = _bucket_encryption(bucket)
    where = ("Properties", "BucketEncryption")
    if bucket.logical_id in log_targets:  # S3 encrypts with SSE-S3 when nothing is set, which is what logs need
        if any(d.get("SSEAlgorithm") != "AES256" for d in defaults):
            message = "receives delivered logs, so it must use SSE-S3 (AES256), which log delivery can write to"
            yield Problem(bucket.logical_id, message, where)
        return
    if not defaults or any(
        d.get("SSEAlgorithm") not in ("aws:kms", "aws:kms:dsse") or not view.uses_stack_key(d.get("KMSMasterKeyID"))
        for d in defaults
    ):
        yield Problem(bucket.logical_id, "is not encrypted by default with the stack's KMS key (SSE-KMS)", where)


@rule(
    "TAP005",
    "data stores, log groups and Lambda environments are encrypted with the stack's key",
    "One customer-managed key gives one place to audit and revoke access to all of the service's data.",
    "Set the resource's KMS key property to the template's AWS::KMS::Key (Ref or GetAtt Arn).",
    docs="https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html",
)
def encrypted_with_stack_key(view: TemplateView) -> Problems:
    log_targets = _log_target_buckets(view)
    for bucket in view.of_type("AWS::S3::Bucket"):
        yield from _bucket_problems(view, bucket, log_targets)
    for resource in view.of_type(*KEY_PROPERTY):
        if resource.type == "AWS::Lambda::Function" and not resource.prop("Environment"):
            continue  # no environment variables: nothing for the key to protect
        key_property = KEY_PROPERTY[resource.type]
        if not view.uses_stack_key(resource.prop(*key_property)):
            message = f"is not encrypted with the stack's key ({'.'.join(key_property)})"
            yield Problem(resource.logical_id, message, ("Properties", *key_property))
    for table in view.of_type("AWS::DynamoDB::Table"):
        yield from _table_problems(view, table)


def _table_problems(view: TemplateView, table: Resource) -> Problems:
    """One finding per property: no SSESpecification at all, or SSE not KMS, or not the stack's key."""
    sse = table.prop("SSESpecification")
    where = ("Properties", "SSESpecification")
    if not isinstance(sse, dict):
        yield Problem(table.logical_id, "has no SSESpecification, so an AWS-owned key encrypts it", where)
        return
    if not is_true(sse.get("SSEEnabled")) or sse.get("SSEType") != "KMS":
        yield Problem(table.logical_id, "SSESpecification must set SSEEnabled: true and SSEType: KMS", where)
    if not view.uses_stack_key(sse.get("KMSMasterKeyId")):
        message = "is not encrypted with the stack's key (SSESpecification.KMSMasterKeyId)"
        yield Problem(table.logical_id, message, (*where, "KMSMasterKeyId"))


NAME_PROPERTY = {"AWS::S3::Bucket": "BucketName", "AWS::SQS::Queue": "QueueName", "AWS::SNS::Topic": "TopicName"}
# The policies that guard buckets, queues and topics, and the type of what each governs.
TLS_POLICY_TYPES = {
    "AWS::S3::BucketPolicy": "AWS::S3::Bucket",
    "AWS::SQS::QueuePolicy": "AWS::SQS::Queue",
    "AWS::SNS::TopicPolicy": "AWS::SNS::Topic",
}


def _reaches_objects(statement: dict[str, Json]) -> bool:
    """For buckets: the statement names the objects too ("/*"), not only the bucket."""
    return any(r == "*" or "/*" in as_json_text(r) for r in as_list(statement.get("Resource")))


def _denies_plain_http(policy: PolicyDocument) -> bool:
    """A Deny for everyone (Principal "*") when aws:SecureTransport is false (on a bucket's objects too)."""
    for _, written in policy.statements():
        statement = as_dict(written)
        secure = as_dict(as_dict(statement.get("Condition")).get("Bool")).get("aws:SecureTransport")
        everyone = statement.get("Principal") in ("*", {"AWS": "*"})
        objects = policy.holder_type != "AWS::S3::BucketPolicy" or _reaches_objects(statement)
        if statement.get("Effect") == "Deny" and everyone and is_false(secure) and objects:
            return True
    return False


def _targets(view: TemplateView, policy: PolicyDocument) -> set[str]:
    """The buckets, queues or topics a policy governs: by reference, or by the literal name they carry."""
    target_type = TLS_POLICY_TYPES[policy.holder_type]
    named = {
        t.logical_id for t in view.of_type(target_type) if t.prop(NAME_PROPERTY[target_type]) in policy.attached_to
    }
    return referenced_ids(list(policy.attached_to)) | named


@rule(
    "TAP006",
    "every bucket, queue and topic has a policy that denies requests without TLS",
    "Without it, clients may send data and credentials-signed requests over plain HTTP.",
    'Add a Deny statement for all actions with Condition Bool "aws:SecureTransport": "false".',
    docs="https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
)
def tls_only_policies(view: TemplateView) -> Problems:
    """A policy lacking the statement is the finding; only a resource with no policy at all is one itself."""
    with_policy: set[str] = set()
    for policy in view.policies:
        if policy.holder_type not in TLS_POLICY_TYPES:
            continue
        with_policy |= _targets(view, policy)
        if not _denies_plain_http(policy):
            message = 'denies no principal ("*") requests without TLS (for buckets: on "/*" too)'
            yield Problem(policy.holder, message, policy.path)
    for resource in view.of_type(*NAME_PROPERTY):
        if resource.logical_id not in with_policy:
            yield resource.logical_id, "has no resource policy denying requests without TLS"


PUBLIC_ACCESS_BLOCKS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


@rule(
    "TAP007",
    "every bucket blocks all four kinds of public access",
    "One missing flag is enough for an ACL or policy mistake to publish uploaded files.",
    "Set all four PublicAccessBlockConfiguration flags to true.",
    docs="https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
)
def public_access_blocked(view: TemplateView) -> Problems:
    for bucket in view.of_type("AWS::S3::Bucket"):
        block = as_dict(bucket.prop("PublicAccessBlockConfiguration"))
        missing = [flag for flag in PUBLIC_ACCESS_BLOCKS if not is_true(block.get(flag))]
        if missing:
            yield Problem(
                bucket.logical_id,
                f"does not set {', '.join(missing)} to true",
                ("Properties", "PublicAccessBlockConfiguration"),
            )


@rule(
    "TAP008",
    "every log group has a retention period",
    "Logs kept forever cost money and keep personal data longer than anyone decided.",
    "Set RetentionInDays (tapgen.toml: log_retention_days).",
    docs="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html",
)
def log_retention(view: TemplateView) -> Problems:
    for group in view.of_type("AWS::Logs::LogGroup"):
        if not group.prop("RetentionInDays"):
            yield Problem(
                group.logical_id, "has no RetentionInDays, so its logs never expire", ("Properties", "RetentionInDays")
            )


@rule(
    "TAP009",
    "every function has active X-Ray tracing",
    "Without traces a slow or failing call across S3, DynamoDB and KMS cannot be located.",
    "Set TracingConfig.Mode to Active.",
    docs="https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html",
)
def function_tracing(view: TemplateView) -> Problems:
    for function in view.of_type("AWS::Lambda::Function"):
        if function.prop("TracingConfig", "Mode") != "Active":
            yield Problem(
                function.logical_id, "does not have TracingConfig.Mode: Active", ("Properties", "TracingConfig", "Mode")
            )


@rule(
    "TAP010",
    "every function has reserved concurrency",
    "A flood of uploads or requests must not exhaust the account's concurrency or run up unbounded cost.",
    "Set ReservedConcurrentExecutions (tapgen.toml: functions.NAME.reserved_concurrency).",
    docs="https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
)
def function_concurrency(view: TemplateView) -> Problems:
    for function in view.of_type("AWS::Lambda::Function"):
        reserved = function.prop("ReservedConcurrentExecutions")
        if isinstance(reserved, bool) or not isinstance(reserved, int) or reserved < 1:
            yield Problem(
                function.logical_id,
                "has no ReservedConcurrentExecutions of at least 1",
                ("Properties", "ReservedConcurrentExecutions"),
            )


def _log_groups_named(view: TemplateView, value: Json) -> set[str]:
    """Log groups that `value` names: by Ref, or by the same LogGroupName (literal or Fn::Sub)."""
    groups = view.of_type("AWS::Logs::LogGroup")
    named = {g.logical_id for g in groups if value is not None and g.prop("LogGroupName") == value}
    return (referenced_ids(value) & {g.logical_id for g in groups}) | named


@rule(
    "TAP012",
    "every function logs into its own log group",
    "A log group per function gives each its own retention, encryption and least-privilege write grant.",
    "Point LoggingConfig.LogGroup at an AWS::Logs::LogGroup of this template used by no other function.",
    docs="https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html",
)
def own_log_group(view: TemplateView) -> Problems:
    owners: dict[str, list[str]] = {}
    for function in view.of_type("AWS::Lambda::Function"):
        targets = _log_groups_named(view, function.prop("LoggingConfig", "LogGroup"))
        if not targets:
            message = "has no LoggingConfig.LogGroup pointing at a log group of this template"
            yield Problem(function.logical_id, message, ("Properties", "LoggingConfig", "LogGroup"))
        for group in targets:
            owners.setdefault(group, []).append(function.logical_id)
    for group, functions in sorted(owners.items()):
        for function_id in functions if len(functions) > 1 else []:
            others = ", ".join(f for f in functions if f != function_id)
            message = f"shares log group {group} with {others}"
            yield Problem(function_id, message, ("Properties", "LoggingConfig", "LogGroup"))


def _s3_invoked_functions(view: TemplateView) -> set[str]:
    """Functions that S3 invokes asynchronously: by a permission for s3.amazonaws.com or a bucket notification."""
    invoked = {
        target
        for permission in view.of_type("AWS::Lambda::Permission")
        if permission.prop("Principal") == "s3.amazonaws.com"
        for target in referenced_ids(permission.prop("FunctionName"))
    }
    for bucket in view.of_type("AWS::S3::Bucket"):
        for config in as_list(bucket.prop("NotificationConfiguration", "LambdaConfigurations")):
            invoked |= referenced_ids(as_dict(config).get("Function"))
    return invoked & {f.logical_id for f in view.of_type("AWS::Lambda::Function")}


@rule(
    "TAP013",
    "every asynchronously invoked function sends failed events to an on-failure destination",
    "Without one, an event that exhausts its retries is dropped and the upload is never recorded.",
    "Add an AWS::Lambda::EventInvokeConfig with DestinationConfig.OnFailure.Destination (the dead-letter queue).",
    docs="https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
)
def on_failure_destination(view: TemplateView) -> Problems:
    routed = {
        target
        for config in view.of_type("AWS::Lambda::EventInvokeConfig")
        if config.prop("DestinationConfig", "OnFailure", "Destination")
        for target in referenced_ids(config.prop("FunctionName"))
    }
    for function_id in sorted(_s3_invoked_functions(view) - routed):
        yield function_id, "is invoked by S3 but has no EventInvokeConfig with an on-failure destination"


@rule(
    "TAP014",
    "every alarm notifies someone",
    "An alarm without an action changes state where nobody is looking.",
    "Set AlarmActions to the alarm topic.",
    docs="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html",
)
def alarm_actions(view: TemplateView) -> Problems:
    for alarm in view.of_type("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"):
        if not as_list(alarm.prop("AlarmActions")) or is_false(alarm.prop("ActionsEnabled")):
            yield Problem(alarm.logical_id, "has no enabled AlarmActions", ("Properties", "AlarmActions"))


PUBLIC_ROUTES = frozenset({"GET /health"})
# API Gateway takes an authorizer on a WebSocket API's $connect route only; the connection carries it after that.
WEBSOCKET_AUTHORIZED_ROUTE = "$connect"


def _is_websocket_route(view: TemplateView, route: Resource) -> bool:
    """Its API says WEBSOCKET; for an API of another stack, the key says so (HTTP keys are "METHOD /path")."""
    apis = [view.get(api_id) for api_id in referenced_ids(route.prop("ApiId"))]
    protocols = [api.prop("ProtocolType") for api in apis if api is not None]
    if protocols:
        return "WEBSOCKET" in protocols
    key = route.prop("RouteKey")
    return isinstance(key, str) and " " not in key and key != "$default"


@rule(
    "TAP015",
    "every API route except GET /health (and WebSocket routes after $connect) requires authorization",
    "An open route lets anyone on the internet call the api function and read or create files.",
    "Set AuthorizationType to AWS_IAM or JWT (with AuthorizerId) on the route.",
    docs="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html",
)
def routes_authorized(view: TemplateView) -> Problems:
    for route in view.of_type("AWS::ApiGatewayV2::Route"):
        key, kind = route.prop("RouteKey"), route.prop("AuthorizationType")
        websocket = _is_websocket_route(view, route)
        if (isinstance(key, str) and key in PUBLIC_ROUTES) or (websocket and key != WEBSOCKET_AUTHORIZED_ROUTE):
            continue
        allowed = ("AWS_IAM", "CUSTOM") if websocket else ("AWS_IAM", "JWT", "CUSTOM")
        if kind not in allowed:
            yield Problem(route.logical_id, f"route {key!r} has no authorization", ("Properties", "AuthorizationType"))
        elif kind != "AWS_IAM" and not route.prop("AuthorizerId"):
            message = f"route {key!r} uses {kind} authorization but names no AuthorizerId"
            yield Problem(route.logical_id, message, ("Properties", "AuthorizerId"))


@rule(
    "TAP016",
    "no '*' CORS origin in environments that retain data",
    "Any web page could then call the API with a signed-in user's credentials.",
    "List the exact origins (tapgen.toml: api.cors_origins).",
    docs="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html",
)
def no_open_cors(view: TemplateView) -> Problems:
    if not view.retains_data:
        return
    for api in view.of_type("AWS::ApiGatewayV2::Api"):
        if "*" in as_list(api.prop("CorsConfiguration", "AllowOrigins")):
            yield Problem(
                api.logical_id, "allows the CORS origin '*'", ("Properties", "CorsConfiguration", "AllowOrigins")
            )
    for bucket in view.of_type("AWS::S3::Bucket"):
        for index, cors_rule in enumerate(as_list(bucket.prop("CorsConfiguration", "CorsRules"))):
            if "*" in as_list(as_dict(cors_rule).get("AllowedOrigins")):
                message = "allows browser requests from the CORS origin '*'"
                yield Problem(bucket.logical_id, message, ("Properties", "CorsConfiguration", "CorsRules", str(index)))


@rule(
    "TAP017",
    "stateful resources are retained in environments that retain data",
    "Deleting or replacing the stack must never delete uploaded files, metadata, keys or logs.",
    "Set DeletionPolicy and UpdateReplacePolicy to Retain; on tables DeletionProtectionEnabled and point-in-time "
    "recovery (retain_data = true).",
    docs="https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html",
)
def stateful_retained(view: TemplateView) -> Problems:
    if not view.retains_data:
        return
    for resource in view.resources:
        if resource.type in STATEFUL_TYPES:
            missing = [p for p in ("DeletionPolicy", "UpdateReplacePolicy") if resource.body.get(p) != "Retain"]
            if missing:
                message = f"is stateful but {' and '.join(missing)} is not Retain"
                yield Problem(resource.logical_id, message, (missing[0],))
    for table in view.of_type("AWS::DynamoDB::Table"):
        if not is_true(table.prop("DeletionProtectionEnabled")):
            yield Problem(
                table.logical_id, "has no DeletionProtectionEnabled: true", ("Properties", "DeletionProtectionEnabled")
            )
        if not is_true(table.prop("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")):
            message = (
                "has no point-in-time recovery (PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true)"
            )
            yield Problem(table.logical_id, message, ("Properties", "PointInTimeRecoverySpecification"))


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
def scoped_permissions(view: TemplateView) -> Problems:
    for permission in view.of_type("AWS::Lambda::Permission"):
        principal = permission.prop("Principal")
        if principal == "*" or _is_an_account(principal):
            continue  # TAP020 judges "*"; an account principal is scoped by its account
        if not permission.prop("SourceArn") and not permission.prop("EventSourceToken"):  # Alexa skills: the token
            yield Problem(permission.logical_id, "has no SourceArn", ("Properties", "SourceArn"))
        if not permission.prop("SourceAccount") and _arn_without_account(view, permission):
            message = "has no SourceAccount, which an S3 bucket ARN cannot carry"
            yield Problem(permission.logical_id, message, ("Properties", "SourceAccount"))


@rule(
    "TAP019",
    "every symmetric KMS key rotates",
    "Rotation bounds how much data one key version protects and is what auditors look for first.",
    "Set EnableKeyRotation: true on the key.",
    docs="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
)
def key_rotation(view: TemplateView) -> Problems:
    for key in view.of_type("AWS::KMS::Key"):
        if key.prop("KeySpec") in (None, "SYMMETRIC_DEFAULT") and not is_true(key.prop("EnableKeyRotation")):
            yield Problem(key.logical_id, "does not set EnableKeyRotation: true", ("Properties", "EnableKeyRotation"))


def _everyone(principal: Json) -> bool:
    return principal == "*" or "*" in as_list(as_dict(principal).get("AWS"))


@rule(
    "TAP020",
    "no resource policy allows every principal ('*')",
    "An Allow for '*' opens the key, bucket, queue, topic or secret to every AWS account.",
    "Name the service (with aws:SourceArn/aws:SourceAccount) or the account that needs access.",
    docs="https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
)
def no_public_resource_policy(view: TemplateView) -> Problems:
    for policy in view.policies_of_kind(PolicyKind.RESOURCE):
        if policy.holder_type in PERMISSION_TYPES:
            continue  # below, in the words of a permission
        for path, statement in policy.allow_statements():
            if _everyone(statement.get("Principal")):
                message = f"allows every principal ('*') in statement {statement.get('Sid', '')!r}"
                yield Problem(policy.holder, message, (*path, "Principal"))
    for permission in view.of_type("AWS::Lambda::Permission"):
        if permission.prop("Principal") == "*":
            message = "lets every principal ('*') invoke the function"
            yield Problem(permission.logical_id, message, ("Properties", "Principal"))


# ---------------------------------------------------------------------------------------------------------
# REST API rules (TAP021-TAP026): API Gateway v1 resources of the REST flavour (api.kind = "rest").
# Kept together, after the rules above, and built only on TemplateView and the helpers in this block.
# ---------------------------------------------------------------------------------------------------------

REST_AUTHORIZATION = frozenset({"AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM"})
REST_PUBLIC_METHODS = frozenset({("GET", "/health")})


def _rest_path(view: TemplateView, resource_id: Json) -> str | None:
    """The full path of an AWS::ApiGateway::Resource (by Ref), or None where the chain cannot be followed."""
    parts: list[str] = []
    seen: set[str] = set()
    current = resource_id
    while isinstance(current, dict) and isinstance(current.get("Ref"), str) and current["Ref"] not in seen:
        seen.add(current["Ref"])
        resource = view.get(current["Ref"])
        if resource is None or resource.type != "AWS::ApiGateway::Resource":
            return None
        parts.insert(0, str(resource.prop("PathPart")))
        current = resource.prop("ParentId")
    if isinstance(current, dict) and "Fn::GetAtt" in current:  # the API's RootResourceId
        return "/" + "/".join(parts)
    return None


def _is_preflight(method: Resource) -> bool:
    """A CORS preflight that API Gateway answers itself: it reaches no backend, so it needs no caller."""
    return bool(method.prop("HttpMethod") == "OPTIONS" and method.prop("Integration", "Type") == "MOCK")


@rule(
    "TAP021",
    "every REST API method except GET /health and mock CORS preflights requires authorization",
    "An open method lets anyone on the internet call the api function and read or create files.",
    "Set AuthorizationType to AWS_IAM, or COGNITO_USER_POOLS with an AuthorizerId, on the method.",
)
def rest_methods_authorized(view: TemplateView) -> Problems:
    for method in view.of_type("AWS::ApiGateway::Method"):
        verb, path = method.prop("HttpMethod"), _rest_path(view, method.prop("ResourceId"))
        if (verb, path) in REST_PUBLIC_METHODS or _is_preflight(method):
            continue
        kind = method.prop("AuthorizationType")
        if kind not in REST_AUTHORIZATION:
            yield method.logical_id, f"method {verb} {path or '?'} has no authorization ({kind or 'NONE'})"
        elif kind != "AWS_IAM" and not method.prop("AuthorizerId"):
            yield method.logical_id, f"method {verb} {path or '?'} uses {kind} but names no AuthorizerId"


def _keyed_apis(view: TemplateView) -> set[str]:
    """REST APIs with a usage plan on one of their stages that has at least one key bound to it."""
    plans_with_keys = {
        plan
        for binding in view.of_type("AWS::ApiGateway::UsagePlanKey")
        for plan in referenced_ids(binding.prop("UsagePlanId"))
    }
    return {
        api
        for plan in view.of_type("AWS::ApiGateway::UsagePlan")
        if plan.logical_id in plans_with_keys
        for stage in as_list(plan.prop("ApiStages"))
        for api in referenced_ids(as_dict(stage).get("ApiId"))
    }


@rule(
    "TAP022",
    "REST API methods that require an API key belong to an API with a usage plan and a key",
    "A key-only method without a usage plan answers 403 to every caller, or is metered by nothing.",
    "Add an AWS::ApiGateway::UsagePlan naming the API's stage, an ApiKey, and a UsagePlanKey binding them.",
)
def api_keys_metered(view: TemplateView) -> Problems:
    keyed = _keyed_apis(view)
    for method in view.of_type("AWS::ApiGateway::Method"):
        if is_true(method.prop("ApiKeyRequired")) and not referenced_ids(method.prop("RestApiId")) & keyed:
            yield method.logical_id, "requires an API key, but no usage plan with a key covers its API"


@rule(
    "TAP023",
    "every REST API stage has access logs and X-Ray tracing",
    "Without access logs and traces there is no record of who called the API, nor of where a request failed.",
    "Set AccessLogSetting (DestinationArn and Format) and TracingEnabled: true on the AWS::ApiGateway::Stage.",
)
def rest_stages_logged_and_traced(view: TemplateView) -> Problems:
    for stage in view.of_type("AWS::ApiGateway::Stage"):
        access = as_dict(stage.prop("AccessLogSetting"))
        if not access.get("DestinationArn") or not access.get("Format"):
            yield stage.logical_id, "has no AccessLogSetting with a DestinationArn and a Format"
        if not is_true(stage.prop("TracingEnabled")):
            yield stage.logical_id, "does not set TracingEnabled: true"
    for deployment in view.of_type("AWS::ApiGateway::Deployment"):
        if deployment.prop("StageName"):
            yield deployment.logical_id, "creates a stage (StageName) outside an AWS::ApiGateway::Stage, unlogged"


def _wants_waf(view: TemplateView) -> bool:
    api = as_dict(as_dict(as_dict(view.template.get("Metadata")).get("tapgen")).get("api"))
    return is_true(api.get("waf"))


@rule(
    "TAP024",
    "every REST API stage is associated with a WAF web ACL where the environment asks for WAF",
    "The environment promised WAF's managed rules and per-IP rate limit; an unassociated web ACL filters nothing.",
    "Add an AWS::WAFv2::WebACLAssociation whose ResourceArn names the stage (and its API) and a web ACL.",
)
def waf_associated(view: TemplateView) -> Problems:
    if not _wants_waf(view):
        return
    acls = {acl.logical_id for acl in view.of_type("AWS::WAFv2::WebACL")}
    guarded = [
        referenced_ids(association.prop("ResourceArn"))
        for association in view.of_type("AWS::WAFv2::WebACLAssociation")
        if referenced_ids(association.prop("WebACLArn")) & acls
    ]
    for stage in view.of_type("AWS::ApiGateway::Stage"):
        if not any(stage.logical_id in named for named in guarded):
            yield (
                stage.logical_id,
                "is not associated with a web ACL of this template, though the environment wants WAF",
            )


def _definition_of(view: TemplateView, api_id: str) -> dict[str, Json]:
    return {
        resource.logical_id: resource.body
        for resource in view.of_type(*DEFINITION_TYPES)
        if api_id in referenced_ids(resource.prop("RestApiId"))
    }


@rule(
    "TAP025",
    "every REST API deployment's logical id carries the digest of the API definition it deploys (tapgen's templates)",
    "CloudFormation redeploys a REST API only when the deployment resource changes: edits would never go live.",
    "Render the template with tapgen (the deployment is named RestApiDeployment<digest>), or rename the deployment.",
)
def deployment_follows_definition(view: TemplateView) -> Problems:
    # The digest is tapgen's naming scheme; other tools (SAM's hashed Deployment ids) follow their own.
    if not view.rendered_by_tapgen:
        return
    for deployment in view.of_type("AWS::ApiGateway::Deployment"):
        for api_id in sorted(referenced_ids(deployment.prop("RestApiId"))):
            digest = definition_digest(_definition_of(view, api_id))
            if not deployment.logical_id.endswith(digest):
                yield (
                    deployment.logical_id,
                    f"does not end with the digest {digest} of {api_id}'s definition: a changed API would not redeploy",
                )


@rule(
    "TAP026",
    "no '*' CORS origin on REST API preflights in environments that retain data",
    "Any web page could then call the API with a signed-in user's credentials.",
    "List the exact origins (tapgen.toml: api.cors_origins); the preflight echoes only those.",
)
def no_open_rest_cors(view: TemplateView) -> Problems:
    if not view.retains_data:
        return
    header = "method.response.header.Access-Control-Allow-Origin"
    for method in view.of_type("AWS::ApiGateway::Method"):
        for response in as_list(method.prop("Integration", "IntegrationResponses")):
            if as_dict(as_dict(response).get("ResponseParameters")).get(header) == "'*'":
                yield method.logical_id, "answers CORS preflights for the origin '*'"
