"""Each TAP rule: silent on every rendered template, and naming the right resource when its property breaks.

Cases follow cfn-lint's rule tests: a table of (rule, environment, how the template is broken,
the resource that must be named), each applied to a fresh copy of the render.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tapgen.lint.engine import tapgen_findings
from tapgen.lint.rules import RULES
from tapgen.lint.rules.storage import PUBLIC_ACCESS_BLOCKS
from tests.conftest import Template, props, rendered_template

Breakage = Callable[[dict[str, Any]], None]


def statement(resources: dict[str, Any], role: str, sid: str) -> dict[str, Any]:
    document = props(resources, role)["Policies"][0]["PolicyDocument"]
    return next(s for s in document["Statement"] if s.get("Sid") == sid)


def policy_statement(resources: dict[str, Any], policy: str, sid: str) -> dict[str, Any]:
    return next(s for s in props(resources, policy)["PolicyDocument"]["Statement"] if s.get("Sid") == sid)


def bucket_default(resources: dict[str, Any], bucket: str) -> dict[str, Any]:
    rules = props(resources, bucket)["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    default: dict[str, Any] = rules[0]["ServerSideEncryptionByDefault"]
    return default


REST_DEPLOYMENT = next(
    lid for lid, r in rendered_template("partner")["Resources"].items() if r["Type"] == "AWS::ApiGateway::Deployment"
)


def websocket_api(r: dict[str, Any], route_key: str, authorization: str) -> None:
    """A WebSocket API with one route, added to the template."""
    r["ChatApi"] = {
        "Type": "AWS::ApiGatewayV2::Api",
        "Properties": {"Name": "chat", "ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action"},
    }
    r["ChatRoute"] = {
        "Type": "AWS::ApiGatewayV2::Route",
        "Properties": {"ApiId": {"Ref": "ChatApi"}, "RouteKey": route_key, "AuthorizationType": authorization},
    }


def in_a_vpc(r: dict[str, Any]) -> None:
    """ImageFunction attached to a VPC, its role granted what Lambda needs for that on "*"."""
    props(r, "ImageFunction")["VpcConfig"] = {
        "SubnetIds": ["subnet-0123456789abcdef0"],
        "SecurityGroupIds": ["sg-0123456789abcdef0"],
    }
    props(r, "ImageRole")["Policies"][0]["PolicyDocument"]["Statement"].append(
        {
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"],
            "Resource": "*",
        }
    )


def if_else(value_if_true: Any, value_if_false: Any) -> dict[str, Any]:
    return {"Fn::If": ["SomeCondition", value_if_true, value_if_false]}


def without_pitr(r: dict[str, Any]) -> None:
    props(r, "MetadataTable").pop("PointInTimeRecoverySpecification")


CASES: list[tuple[str, str, Breakage, str]] = [
    ("TAP001", "dev", lambda r: statement(r, "ApiRole", "ReadWriteFileItems").update(Action=["dynamodb:*"]), "ApiRole"),
    ("TAP001", "prod", lambda r: statement(r, "ImageRole", "SendFailedEvents").update(NotAction="s3:GetObject"), "ImageRole"),
    ("TAP002", "dev", lambda r: statement(r, "DataRole", "ReadUploadedObjects").update(Resource="*"), "DataRole"),
    ("TAP002", "prod", lambda r: statement(r, "ApiRole", "WriteTraces").update(Action=["xray:PutTraceSegments", "kms:Decrypt"]), "ApiRole"),
    ("TAP003", "staging", lambda r: props(r, "ApiRole").update(ManagedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"]), "ApiRole"),
    ("TAP003", "dev", lambda r: props(r, "ImageRole").update(ManagedPolicyArns=[{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess"}]), "ImageRole"),
    ("TAP004", "dev", lambda r: props(r, "DataRole")["AssumeRolePolicyDocument"]["Statement"][0].update(Principal={"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}), "DataRole"),
    ("TAP004", "prod", lambda r: props(r, "ApiRole")["AssumeRolePolicyDocument"]["Statement"][0].update(Principal={"AWS": "*"}), "ApiRole"),
    ("TAP004", "dev", lambda r: props(r, "ImageRole")["AssumeRolePolicyDocument"]["Statement"][0].update(Principal={"Service": "ec2.amazonaws.com"}), "ImageRole"),
    ("TAP005", "dev", lambda r: props(r, "MetadataTable")["SSESpecification"].update(KMSMasterKeyId="alias/aws/dynamodb"), "MetadataTable"),
    ("TAP005", "prod", lambda r: props(r, "MetadataTable")["SSESpecification"].update(SSEEnabled=False), "MetadataTable"),
    ("TAP005", "dev", lambda r: bucket_default(r, "UploadsBucket").update(SSEAlgorithm="AES256", KMSMasterKeyID=None), "UploadsBucket"),
    ("TAP005", "dev", lambda r: bucket_default(r, "AccessLogBucket").update(SSEAlgorithm="aws:kms"), "AccessLogBucket"),
    ("TAP005", "staging", lambda r: props(r, "ApiLogGroup").pop("KmsKeyId"), "ApiLogGroup"),
    ("TAP005", "dev", lambda r: props(r, "AlarmTopic").update(KmsMasterKeyId="alias/aws/sns"), "AlarmTopic"),
    ("TAP005", "prod", lambda r: props(r, "DeadLetterQueue").pop("KmsMasterKeyId"), "DeadLetterQueue"),
    ("TAP005", "dev", lambda r: props(r, "AppSecret").pop("KmsKeyId"), "AppSecret"),
    ("TAP005", "dev", lambda r: props(r, "ImageFunction").pop("KmsKeyArn"), "ImageFunction"),
    ("TAP005", "staging", lambda r: props(r, "DeadLetterQueue").update(KmsMasterKeyId={"Fn::If": ["Encrypt", {"Ref": "StackKey"}, {"Ref": "AWS::NoValue"}]}), "DeadLetterQueue"),
    ("TAP006", "dev", lambda r: props(r, "UploadsBucketPolicy")["PolicyDocument"]["Statement"][0].update(Effect="Allow"), "UploadsBucketPolicy"),
    ("TAP006", "prod", lambda r: r.pop("DeadLetterQueuePolicy"), "DeadLetterQueue"),
    ("TAP006", "dev", lambda r: r.pop("AlarmTopicPolicy"), "AlarmTopic"),
    ("TAP006", "prod", lambda r: policy_statement(r, "UploadsBucketPolicy", "DenyInsecureTransport")["Resource"].pop(), "UploadsBucketPolicy"),
    ("TAP006", "staging", lambda r: policy_statement(r, "DeadLetterQueuePolicy", "DenyInsecureTransport").update(Principal={"AWS": {"Ref": "AWS::AccountId"}}), "DeadLetterQueuePolicy"),
    ("TAP007", "dev", lambda r: props(r, "UploadsBucket")["PublicAccessBlockConfiguration"].update(BlockPublicPolicy=False), "UploadsBucket"),
    ("TAP007", "prod", lambda r: props(r, "AccessLogBucket").pop("PublicAccessBlockConfiguration"), "AccessLogBucket"),
    ("TAP008", "dev", lambda r: props(r, "ImageLogGroup").pop("RetentionInDays"), "ImageLogGroup"),
    ("TAP009", "staging", lambda r: props(r, "DataFunction").update(TracingConfig={"Mode": "PassThrough"}), "DataFunction"),
    ("TAP010", "dev", lambda r: props(r, "DocumentFunction").pop("ReservedConcurrentExecutions"), "DocumentFunction"),
    ("TAP012", "dev", lambda r: props(r, "ImageFunction")["LoggingConfig"].update(LogGroup={"Ref": "DataLogGroup"}), "ImageFunction"),
    ("TAP012", "dev", lambda r: props(r, "ApiFunction").pop("LoggingConfig"), "ApiFunction"),
    ("TAP012", "prod", lambda r: props(r, "DataFunction")["LoggingConfig"].update(LogGroup=props(r, "ImageLogGroup")["LogGroupName"]), "DataFunction"),
    ("TAP013", "dev", lambda r: r.pop("ImageEventInvokeConfig"), "ImageFunction"),
    ("TAP013", "prod", lambda r: props(r, "DataEventInvokeConfig").pop("DestinationConfig"), "DataFunction"),
    ("TAP014", "dev", lambda r: props(r, "DeadLetterQueueAlarm").pop("AlarmActions"), "DeadLetterQueueAlarm"),
    ("TAP014", "prod", lambda r: props(r, "Api5xxAlarm").update(ActionsEnabled=False), "Api5xxAlarm"),
    ("TAP015", "dev", lambda r: props(r, "ListFilesRoute").update(AuthorizationType="NONE"), "ListFilesRoute"),
    ("TAP015", "prod", lambda r: props(r, "HealthRoute").update(RouteKey="GET /files"), "HealthRoute"),
    ("TAP015", "prod", lambda r: props(r, "GetFileRoute").pop("AuthorizerId"), "GetFileRoute"),
    ("TAP016", "prod", lambda r: props(r, "HttpApi")["CorsConfiguration"].update(AllowOrigins=["*"]), "HttpApi"),
    ("TAP016", "prod", lambda r: props(r, "UploadsBucket")["CorsConfiguration"]["CorsRules"][0].update(AllowedOrigins=["*"]), "UploadsBucket"),
    ("TAP017", "prod", lambda r: r["UploadsBucket"].update(DeletionPolicy="Delete"), "UploadsBucket"),
    ("TAP017", "prod", lambda r: r["MetadataTable"].pop("UpdateReplacePolicy"), "MetadataTable"),
    ("TAP017", "prod", lambda r: props(r, "MetadataTable").update(DeletionProtectionEnabled=False), "MetadataTable"),
    ("TAP017", "prod", lambda r: props(r, "MetadataTable")["PointInTimeRecoverySpecification"].update(PointInTimeRecoveryEnabled=False), "MetadataTable"),
    ("TAP017", "prod", without_pitr, "MetadataTable"),
    ("TAP017", "prod", lambda r: props(r, "MetadataTable")["PointInTimeRecoverySpecification"].update(PointInTimeRecoveryEnabled=if_else(True, False)), "MetadataTable"),
    ("TAP009", "dev", lambda r: props(r, "DataFunction")["TracingConfig"].update(Mode=if_else("Active", "PassThrough")), "DataFunction"),
    ("TAP007", "prod", lambda r: props(r, "UploadsBucket")["PublicAccessBlockConfiguration"].update(BlockPublicAcls=if_else({"Ref": "AWS::NoValue"}, True)), "UploadsBucket"),
    ("TAP010", "staging", lambda r: props(r, "ImageFunction").update(ReservedConcurrentExecutions=if_else(5, {"Ref": "AWS::NoValue"})), "ImageFunction"),
    ("TAP015", "dev", lambda r: websocket_api(r, "$connect", "NONE"), "ChatRoute"),
    ("TAP015", "prod", lambda r: websocket_api(r, "$connect", "JWT"), "ChatRoute"),
    ("TAP004", "dev", lambda r: props(r, "ImageRole")["AssumeRolePolicyDocument"]["Statement"][0].update(Principal={"Service": "edgelambda.amazonaws.com"}), "ImageRole"),
    ("TAP002", "dev", lambda r: statement(r, "ApiRole", "WriteTraces").update(Action=["ec2:CreateNetworkInterface"]), "ApiRole"),
    ("TAP002", "dev", lambda r: statement(r, "ApiRole", "WriteTraces").update(Action=["s3:GetObjectVersion*"]), "ApiRole"),
    ("TAP005", "prod", lambda r: props(r, "AccessLogBucket")["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"].update(SSEAlgorithm=if_else("AES256", "aws:kms")), "AccessLogBucket"),
    ("TAP018", "dev", lambda r: props(r, "ImageS3Permission").update(SourceArn=if_else({"Fn::GetAtt": ["UploadsBucket", "Arn"]}, {"Ref": "AWS::NoValue"})), "ImageS3Permission"),
    ("TAP018", "dev", lambda r: props(r, "ImageS3Permission").pop("SourceAccount"), "ImageS3Permission"),
    ("TAP018", "prod", lambda r: props(r, "ApiInvokePermission").pop("SourceArn"), "ApiInvokePermission"),
    ("TAP019", "prod", lambda r: props(r, "StackKey").update(EnableKeyRotation=False), "StackKey"),
    ("TAP019", "dev", lambda r: props(r, "StackKey").pop("EnableKeyRotation"), "StackKey"),
    ("TAP020", "prod", lambda r: props(r, "StackKey")["KeyPolicy"]["Statement"][0].update(Principal={"AWS": "*"}), "StackKey"),
    ("TAP020", "dev", lambda r: policy_statement(r, "AlarmTopicPolicy", "CloudWatchAlarmsOfThisStackPublish").update(Principal="*"), "AlarmTopicPolicy"),
    ("TAP020", "staging", lambda r: props(r, "ImageS3Permission").update(Principal="*"), "ImageS3Permission"),
    # REST API flavour (partner)
    ("TAP021", "partner", lambda r: props(r, "FilesGetMethod").update(AuthorizationType="NONE"), "FilesGetMethod"),
    ("TAP021", "partner", lambda r: props(r, "FileGetMethod").update(AuthorizationType="COGNITO_USER_POOLS"), "FileGetMethod"),
    ("TAP021", "partner", lambda r: props(r, "HealthResource").update(PathPart="everything"), "HealthGetMethod"),
    ("TAP021", "partner", lambda r: props(r, "FilesOptionsMethod")["Integration"].update(Type="AWS_PROXY"), "FilesOptionsMethod"),
    ("TAP022", "partner", lambda r: r.pop("RestApiUsagePlanKey"), "FilesPostMethod"),
    ("TAP022", "partner", lambda r: props(r, "RestApiUsagePlan").update(ApiStages=[]), "FileDownloadGetMethod"),
    ("TAP023", "partner", lambda r: props(r, "RestApiStage").pop("AccessLogSetting"), "RestApiStage"),
    ("TAP023", "partner", lambda r: props(r, "RestApiStage").update(TracingEnabled=False), "RestApiStage"),
    ("TAP023", "partner", lambda r: props(r, REST_DEPLOYMENT).update(StageName="prod"), REST_DEPLOYMENT),
    ("TAP024", "partner", lambda r: r.pop("ApiWebAclAssociation"), "RestApiStage"),
    ("TAP024", "partner", lambda r: props(r, "ApiWebAclAssociation").update(ResourceArn={"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestApi}/stages/other"}), "RestApiStage"),
    ("TAP025", "partner", lambda r: props(r, "FilesGetMethod").update(RequestParameters={}), REST_DEPLOYMENT),
    ("TAP026", "prod", lambda r: r.update(OpenPreflight={"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "OPTIONS", "AuthorizationType": "NONE", "Integration": {"Type": "MOCK", "IntegrationResponses": [{"StatusCode": "204", "ResponseParameters": {"method.response.header.Access-Control-Allow-Origin": "'*'"}}]}}}), "OpenPreflight"),
    ("TAP025", "partner", lambda r: r.update(ExtraResource={"Type": "AWS::ApiGateway::Resource", "Properties": {"RestApiId": {"Ref": "RestApi"}, "ParentId": {"Fn::GetAtt": ["RestApi", "RootResourceId"]}, "PathPart": "extra"}}), REST_DEPLOYMENT),
]  # fmt: skip


# Shapes that are right but that the rules once flagged: (rule, environment, shape, the resource not to name).
NOT_FLAGGED: list[tuple[str, str, Breakage, str]] = [
    ("TAP015", "dev", lambda r: websocket_api(r, "$default", "NONE"), "ChatRoute"),
    ("TAP015", "prod", lambda r: websocket_api(r, "sendmessage", "NONE"), "ChatRoute"),
    (
        "TAP004",
        "dev",
        lambda r: props(r, "ImageRole")["AssumeRolePolicyDocument"]["Statement"][0].update(
            Principal={"Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]}
        ),
        "ImageRole",
    ),
    (
        "TAP002",
        "prod",
        lambda r: statement(r, "ApiRole", "WriteTraces").update(
            Action=["xray:GetTraceSummaries", "kms:ListKeys", "s3:ListAllMyBuckets"]
        ),
        "ApiRole",
    ),
    ("TAP002", "dev", in_a_vpc, "ImageRole"),
    ("TAP018", "prod", lambda r: props(r, "ApiInvokePermission").pop("SourceAccount"), "ApiInvokePermission"),
    (
        "TAP018",
        "dev",
        lambda r: props(r, "ApiInvokePermission").update(
            Principal="alexa-appkit.amazon.com",
            SourceArn=None,
            SourceAccount=None,
            EventSourceToken="amzn1.ask.skill.0a1b2c3d",
        ),
        "ApiInvokePermission",
    ),
    (
        "TAP006",
        "dev",
        lambda r: props(r, "UploadsBucketPolicy")["PolicyDocument"]["Statement"][0].update(Effect="Allow"),
        "UploadsBucket",
    ),
    (
        "TAP006",
        "staging",
        lambda r: policy_statement(r, "DeadLetterQueuePolicy", "DenyInsecureTransport").update(
            Principal={"AWS": {"Ref": "AWS::AccountId"}}
        ),
        "DeadLetterQueue",
    ),
    ("TAP005", "dev", lambda r: props(r, "AccessLogBucket").pop("BucketEncryption"), "AccessLogBucket"),
    (
        "TAP005",
        "prod",
        lambda r: [
            props(r, "UploadsBucket").pop("BucketEncryption"),
            props(r, "UploadsBucket").pop("LoggingConfiguration"),
            r.update(
                Elb={
                    "Type": "AWS::ElasticLoadBalancing::LoadBalancer",
                    "Properties": {"AccessLoggingPolicy": {"Enabled": True, "S3BucketName": {"Ref": "UploadsBucket"}}},
                }
            ),
        ],
        "UploadsBucket",
    ),
]


def broken(env: str, breakage: Breakage) -> Template:
    template = rendered_template(env)
    breakage(template["Resources"])
    return template


def found(template: Template) -> set[tuple[str, str]]:
    return {(f.rule, f.resource) for f in tapgen_findings(template)}


def test_rendered_templates_break_no_rule(template: Template) -> None:
    assert tapgen_findings(template) == []


@pytest.mark.parametrize(
    ("rule_id", "env", "breakage", "resource"),
    CASES,
    ids=[f"{rule_id}-{resource}-{i}" for i, (rule_id, _, _, resource) in enumerate(CASES)],
)
def test_rule_names_the_broken_resource(rule_id: str, env: str, breakage: Breakage, resource: str) -> None:
    assert (rule_id, resource) in found(broken(env, breakage))


def test_every_rule_has_a_breaking_case_id_description_reason_and_fix() -> None:
    assert sorted({case[0] for case in CASES}) == sorted(r.id for r in RULES)
    assert len({r.id for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.description and rule.reason and rule.fix, rule.id


@pytest.mark.parametrize(
    ("breakage", "rule_id"),
    [
        (lambda r: props(r, "HttpApi")["CorsConfiguration"].update(AllowOrigins=["*"]), "TAP016"),
        (lambda r: r["UploadsBucket"].update(DeletionPolicy="Delete"), "TAP017"),
    ],
    ids=["cors-star", "bucket-not-retained"],
)
def test_retention_rules_apply_only_where_data_is_retained(breakage: Breakage, rule_id: str) -> None:
    assert rule_id not in {rule for rule, _ in found(broken("dev", breakage))}


def test_without_tapgens_marker_any_retained_resource_means_data_is_retained() -> None:
    template = broken("prod", lambda r: r["MetadataTable"].update(DeletionPolicy="Delete"))
    template.pop("Metadata")
    assert ("TAP017", "MetadataTable") in found(template)


@pytest.mark.parametrize(
    "template",
    [
        {"Resources": {}},
        {"Resources": {"Odd": "not a mapping", "NoType": {}, "Bare": {"Type": "AWS::S3::Bucket"}}},
        {"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Role": {"Fn::GetAtt": "R.Arn"}}}}},
        {"Resources": {"P": {"Type": "AWS::IAM::Role", "Properties": {"Policies": "nonsense"}}}},
    ],
    ids=["empty", "odd-shapes", "getatt-string", "policies-not-a-list"],
)
def test_rules_survive_hand_edited_templates(template: Template) -> None:
    findings = tapgen_findings(template)
    assert all(f.rule.startswith("TAP") for f in findings)


def test_a_log_group_named_instead_of_referenced_is_still_the_functions_own() -> None:
    template = broken(
        "dev",
        lambda r: props(r, "ImageFunction")["LoggingConfig"].update(LogGroup=props(r, "ImageLogGroup")["LogGroupName"]),
    )
    assert tapgen_findings(template) == []


def test_string_booleans_count_as_booleans() -> None:
    blocks = dict.fromkeys(PUBLIC_ACCESS_BLOCKS, "true")
    template = broken("prod", lambda r: props(r, "UploadsBucket")["PublicAccessBlockConfiguration"].update(blocks))
    assert tapgen_findings(template) == []


ODD_VALUES = (
    None,
    7,
    "text",
    [],
    {"Fn::If": ["Cond", {"Ref": "StackKey"}, {"Ref": "AWS::NoValue"}]},
    datetime.date(2012, 10, 17),
)


def paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from paths(child, (*path, key))


def mutations(rotate: bool) -> Iterator[tuple[Template, str, tuple[Any, ...], Any]]:
    """One resource of each type, each value down to five levels replaced by odd shapes: every odd shape at
    every path, or (rotate) one shape per path in turn, so each path and each shape is still tried."""
    template = rendered_template("prod")
    first_of_type = {body["Type"]: logical_id for logical_id, body in reversed(template["Resources"].items())}
    for logical_id in first_of_type.values():
        original = template["Resources"][logical_id]
        for index, path in enumerate(p for p in paths(original) if 0 < len(p) <= 5):
            for odd in [ODD_VALUES[index % len(ODD_VALUES)]] if rotate else ODD_VALUES:
                resource = json.loads(json.dumps(original))
                parent = resource
                for step in path[:-1]:
                    parent = parent[step]
                parent[path[-1]] = odd
                yield {**template, "Resources": {**template["Resources"], logical_id: resource}}, logical_id, path, odd


def test_rules_survive_a_value_replaced_anywhere() -> None:
    """Findings, never a crash, whatever shape a value has: one odd shape per path (the exhaustive run is below)."""
    for mutated, logical_id, path, odd in mutations(rotate=True):
        assert all(f.rule.startswith("TAP") for f in tapgen_findings(mutated)), (logical_id, path, odd)


@pytest.mark.exhaustive
def test_rules_survive_any_value_replaced_anywhere() -> None:
    """Every odd shape at every path: six times the lint passes of the test above (tox -e slow, no coverage)."""
    for mutated, logical_id, path, odd in mutations(rotate=False):
        assert all(f.rule.startswith("TAP") for f in tapgen_findings(mutated)), (logical_id, path, odd)


def test_waf_is_required_only_where_the_environment_asks_for_it() -> None:
    template = broken("partner", lambda r: r.pop("ApiWebAclAssociation"))
    template["Metadata"]["tapgen"]["api"]["waf"] = False
    assert "TAP024" not in {rule for rule, _ in found(template)}


def test_rest_rules_ignore_http_api_templates() -> None:
    rest_rules = {"TAP021", "TAP022", "TAP023", "TAP024", "TAP025", "TAP026"}
    assert {r.id for r in RULES} >= rest_rules
    assert not {rule for rule, _ in found(rendered_template("prod"))} & rest_rules


def allow_any_origin(resources: dict[str, Any]) -> None:
    (response,) = props(resources, "FilesOptionsMethod")["Integration"]["IntegrationResponses"]
    response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"] = "'*'"


@pytest.mark.parametrize("retained", [True, False])
def test_a_wildcard_rest_preflight_is_refused_only_where_data_is_retained(retained: bool) -> None:
    template = broken("partner", allow_any_origin)
    template["Metadata"]["tapgen"]["retainData"] = retained
    assert (("TAP026", "FilesOptionsMethod") in found(template)) is retained


@pytest.mark.parametrize(
    ("rule_id", "env", "shape", "resource"),
    NOT_FLAGGED,
    ids=[f"{rule_id}-{resource}-{i}" for i, (rule_id, _, _, resource) in enumerate(NOT_FLAGGED)],
)
def test_right_shapes_are_not_flagged(rule_id: str, env: str, shape: Breakage, resource: str) -> None:
    assert (rule_id, resource) not in found(broken(env, shape))


@pytest.mark.parametrize(
    ("env", "breakage", "rule_id", "resource"),
    [
        ("prod", lambda r: props(r, "MetadataTable").pop("SSESpecification"), "TAP005", "MetadataTable"),
        (
            "dev",
            lambda r: props(r, "DeadLetterQueuePolicy")["PolicyDocument"]["Statement"][0].update(Effect="Allow"),
            "TAP006",
            "DeadLetterQueuePolicy",
        ),
        ("prod", lambda r: props(r, "ImageS3Permission").pop("SourceArn"), "TAP018", "ImageS3Permission"),
    ],
    ids=["table-without-sse", "queue-policy-without-deny", "s3-permission-without-source"],
)
def test_one_missing_property_is_one_finding_on_the_resource_lacking_it(
    env: str, breakage: Breakage, rule_id: str, resource: str
) -> None:
    findings = [f for f in tapgen_findings(broken(env, breakage)) if f.rule == rule_id]
    assert [f.resource for f in findings] == [resource]


def test_a_missing_source_account_is_flagged_only_where_the_arn_cannot_name_it() -> None:
    template = broken(
        "dev", lambda r: [props(r, p).pop("SourceAccount") for p in ("ApiInvokePermission", "ImageS3Permission")]
    )
    assert {f.resource for f in tapgen_findings(template) if f.rule == "TAP018"} == {"ImageS3Permission"}


def test_deployment_digest_is_tapgen_s_convention_only() -> None:
    """SAM names its deployments with its own hash of the definition: not a finding outside tapgen's templates."""
    template = broken("partner", lambda r: r.update(Renamed=r.pop(REST_DEPLOYMENT)))
    assert ("TAP025", "Renamed") in found(template)
    del template["Metadata"]["tapgen"]
    assert "TAP025" not in {rule for rule, _ in found(template)}
