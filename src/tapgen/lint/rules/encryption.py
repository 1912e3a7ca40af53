"""Encryption at rest with the stack's own key (TAP005), key rotation (TAP019), and in transit: the policies
that refuse plain HTTP (TAP006)."""

from __future__ import annotations

from tapgen.cfn.policies import PolicyDocument
from tapgen.cfn.shapes import as_dict, as_list
from tapgen.cfn.view import Json, Resource, TemplateView, as_json_text, is_false, is_true, referenced_ids
from tapgen.lint.rules.registry import RuleFinding, RuleFindings, rule

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


def _bucket_findings(view: TemplateView, bucket: Resource, log_targets: set[str]) -> RuleFindings:
    defaults = _bucket_encryption(bucket)
    where = ("Properties", "BucketEncryption")
    if bucket.logical_id in log_targets:  # S3 encrypts with SSE-S3 when nothing is set, which is what logs need
        if any(d.get("SSEAlgorithm") != "AES256" for d in defaults):
            message = "receives delivered logs, so it must use SSE-S3 (AES256), which log delivery can write to"
            yield RuleFinding(bucket.logical_id, message, where)
        return
    if not defaults or any(
        d.get("SSEAlgorithm") not in ("aws:kms", "aws:kms:dsse") or not view.uses_stack_key(d.get("KMSMasterKeyID"))
        for d in defaults
    ):
        yield RuleFinding(bucket.logical_id, "is not encrypted by default with the stack's KMS key (SSE-KMS)", where)


@rule(
    "TAP005",
    "data stores, log groups and Lambda environments are encrypted with the stack's key",
    "One customer-managed key gives one place to audit and revoke access to all of the service's data.",
    "Set the resource's KMS key property to the template's AWS::KMS::Key (Ref or GetAtt Arn).",
    docs="https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html",
)
def encrypted_with_stack_key(view: TemplateView) -> RuleFindings:
    log_targets = _log_target_buckets(view)
    for bucket in view.of_type("AWS::S3::Bucket"):
        yield from _bucket_findings(view, bucket, log_targets)
    for resource in view.of_type(*KEY_PROPERTY):
        if resource.type == "AWS::Lambda::Function" and not resource.prop("Environment"):
            continue  # no environment variables: nothing for the key to protect
        key_property = KEY_PROPERTY[resource.type]
        if not view.uses_stack_key(resource.prop(*key_property)):
            message = f"is not encrypted with the stack's key ({'.'.join(key_property)})"
            yield RuleFinding(resource.logical_id, message, ("Properties", *key_property))
    for table in view.of_type("AWS::DynamoDB::Table"):
        yield from _table_findings(view, table)


def _table_findings(view: TemplateView, table: Resource) -> RuleFindings:
    """One finding per property: no SSESpecification at all, or SSE not KMS, or not the stack's key."""
    sse = table.prop("SSESpecification")
    where = ("Properties", "SSESpecification")
    if not isinstance(sse, dict):
        yield RuleFinding(table.logical_id, "has no SSESpecification, so an AWS-owned key encrypts it", where)
        return
    if not is_true(sse.get("SSEEnabled")) or sse.get("SSEType") != "KMS":
        yield RuleFinding(table.logical_id, "SSESpecification must set SSEEnabled: true and SSEType: KMS", where)
    if not view.uses_stack_key(sse.get("KMSMasterKeyId")):
        message = "is not encrypted with the stack's key (SSESpecification.KMSMasterKeyId)"
        yield RuleFinding(table.logical_id, message, (*where, "KMSMasterKeyId"))


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
def tls_only_policies(view: TemplateView) -> RuleFindings:
    """A policy lacking the statement is the finding; only a resource with no policy at all is one itself."""
    with_policy: set[str] = set()
    for policy in view.policies:
        if policy.holder_type not in TLS_POLICY_TYPES:
            continue
        with_policy |= _targets(view, policy)
        if not _denies_plain_http(policy):
            message = 'denies no principal ("*") requests without TLS (for buckets: on "/*" too)'
            yield RuleFinding(policy.holder, message, policy.path)
    for resource in view.of_type(*NAME_PROPERTY):
        if resource.logical_id not in with_policy:
            yield resource.logical_id, "has no resource policy denying requests without TLS"


@rule(
    "TAP019",
    "every symmetric KMS key rotates",
    "Rotation bounds how much data one key version protects and is what auditors look for first.",
    "Set EnableKeyRotation: true on the key.",
    docs="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
)
def key_rotation(view: TemplateView) -> RuleFindings:
    for key in view.of_type("AWS::KMS::Key"):
        if key.prop("KeySpec") in (None, "SYMMETRIC_DEFAULT") and not is_true(key.prop("EnableKeyRotation")):
            yield RuleFinding(
                key.logical_id, "does not set EnableKeyRotation: true", ("Properties", "EnableKeyRotation")
            )
