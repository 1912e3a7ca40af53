"""Security changes of ordinary template pairs, one class of change per case: each found and classified right,
and no equivalent rewrite listed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tapgen.diff import diff_templates

Resources = dict[str, Any]
DOC = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
}
WIDE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]}
PUBLIC = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "logs:PutLogEvents", "Resource": "*"}],
}
ROLE_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def res(kind: str, **properties: Any) -> dict[str, Any]:
    return {"Type": kind, "Properties": properties}


def role(**properties: Any) -> dict[str, Any]:
    return res("AWS::IAM::Role", AssumeRolePolicyDocument=ROLE_TRUST, **properties)


def group(*ingress: dict[str, Any]) -> dict[str, Any]:
    return res("AWS::EC2::SecurityGroup", GroupDescription="g", SecurityGroupIngress=list(ingress))


def ingress(cidr: str = "10.0.0.0/8", port: int = 443, protocol: Any = "tcp", **more: Any) -> dict[str, Any]:
    return {"IpProtocol": protocol, "FromPort": port, "ToPort": port, "CidrIp": cidr, **more}


def bucket(**blocks: bool) -> dict[str, Any]:
    flags = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    return res("AWS::S3::Bucket", PublicAccessBlockConfiguration={f: blocks.get(f, True) for f in flags})


def url(auth: str, *origins: str) -> dict[str, Any]:
    cors = {"Cors": {"AllowOrigins": list(origins)}} if origins else {}
    return res("AWS::Lambda::Url", AuthType=auth, TargetFunctionArn={"Fn::GetAtt": ["F", "Arn"]}, **cors)


B, N, U = "broadening", "narrowing", "neutral"
# (name, old resources, new resources, expected [(resource, policy, action, classification)])
PAIRS: list[tuple[str, Resources, Resources, list[tuple[str, str, str, str]]]] = [
    (
        "role policy added",
        {"R": role()},
        {"R": role(), "P": res("AWS::IAM::RolePolicy", RoleName={"Ref": "R"}, PolicyName="p", PolicyDocument=DOC)},
        [("P", "PolicyDocument", "added", B)],
    ),
    (
        "role policy widened",
        {"P": res("AWS::IAM::RolePolicy", RoleName="r", PolicyName="p", PolicyDocument=DOC)},
        {"P": res("AWS::IAM::RolePolicy", RoleName="r", PolicyName="p", PolicyDocument=WIDE)},
        [("P", "PolicyDocument", "removed", N), ("P", "PolicyDocument", "added", B)],
    ),
    (
        "user policy added",
        {},
        {"P": res("AWS::IAM::UserPolicy", UserName="u", PolicyName="p", PolicyDocument=DOC)},
        [("P", "PolicyDocument", "added", B)],
    ),
    (
        "group policy added",
        {},
        {"P": res("AWS::IAM::GroupPolicy", GroupName="g", PolicyName="p", PolicyDocument=DOC)},
        [("P", "PolicyDocument", "added", B)],
    ),
    (
        "inline policy widened",
        {"R": role(Policies=[{"PolicyName": "p", "PolicyDocument": DOC}])},
        {"R": role(Policies=[{"PolicyName": "p", "PolicyDocument": WIDE}])},
        [("R", "Policies/p", "removed", N), ("R", "Policies/p", "added", B)],
    ),
    (
        "inline policy removed",
        {"R": role(Policies=[{"PolicyName": "p", "PolicyDocument": DOC}])},
        {"R": role()},
        [("R", "Policies/p", "removed", N)],
    ),
    (
        "logs resource policy as JSON text",
        {},
        {"L": res("AWS::Logs::ResourcePolicy", PolicyName="l", PolicyDocument=json.dumps(PUBLIC))},
        [("L", "PolicyDocument", "added", B)],
    ),
    (
        "ECR repository policy",
        {"E": res("AWS::ECR::Repository")},
        {"E": res("AWS::ECR::Repository", RepositoryPolicyText=PUBLIC)},
        [("E", "RepositoryPolicyText", "added", B)],
    ),
    (
        "event bus policy",
        {},
        {"E": res("AWS::Events::EventBusPolicy", StatementId="s", EventBusName="b", Statement=PUBLIC["Statement"][0])},
        [("E", "Statement", "added", B)],
    ),
    (
        "REST API policy",
        {"A": res("AWS::ApiGateway::RestApi", Name="a")},
        {"A": res("AWS::ApiGateway::RestApi", Name="a", Policy=PUBLIC)},
        [("A", "Policy", "added", B)],
    ),
    (
        "access point policy",
        {"A": res("AWS::S3::AccessPoint", Bucket="b")},
        {"A": res("AWS::S3::AccessPoint", Bucket="b", Policy=PUBLIC)},
        [("A", "Policy", "added", B)],
    ),
    ("function URL without auth", {}, {"U": url("NONE")}, [("U", "AuthType", "added", B)]),
    ("function URL switched to NONE", {"U": url("AWS_IAM")}, {"U": url("NONE")}, [("U", "AuthType", "modified", B)]),
    ("function URL switched to IAM", {"U": url("NONE")}, {"U": url("AWS_IAM")}, [("U", "AuthType", "modified", N)]),
    ("function URL with IAM", {}, {"U": url("AWS_IAM")}, [("U", "AuthType", "added", U)]),
    (
        "function URL CORS widened",
        {"U": url("AWS_IAM", "https://a.example")},
        {"U": url("AWS_IAM", "*")},
        [("U", "AuthType", "modified", B)],
    ),
    ("public function URL removed", {"U": url("NONE")}, {}, [("U", "AuthType", "removed", N)]),
    (
        "permission for a public URL",
        {},
        {
            "P": res(
                "AWS::Lambda::Permission",
                FunctionName="f",
                Action="lambda:InvokeFunctionUrl",
                Principal="*",
                FunctionUrlAuthType="NONE",
            )
        },
        [("P", "Permission", "added", B)],
    ),
    (
        "ingress opened to the world",
        {"G": group(ingress())},
        {"G": group(ingress(), ingress("0.0.0.0/0", 22))},
        [("G", "SecurityGroupIngress", "added", B)],
    ),
    (
        "ingress opened to the world over IPv6",
        {"G": group()},
        {"G": group({"IpProtocol": "-1", "CidrIpv6": "::/0"})},
        [("G", "SecurityGroupIngress", "added", B)],
    ),
    (
        "ingress port range widened",
        {"G": group(ingress())},
        {"G": group({**ingress(), "FromPort": 0, "ToPort": 1024})},
        [("G", "SecurityGroupIngress", "added", B)],
    ),
    (
        "ingress closed",
        {"G": group(ingress("0.0.0.0/0"))},
        {"G": group()},
        [("G", "SecurityGroupIngress", "removed", N)],
    ),
    (
        "ingress narrowed to a subnet",
        {"G": group(ingress("10.0.0.0/8"))},
        {"G": group(ingress("10.1.0.0/16"))},
        [("G", "SecurityGroupIngress", "removed", N), ("G", "SecurityGroupIngress", "added", U)],
    ),
    (
        "standalone ingress from a prefix list",
        {"G": group()},
        {
            "G": group(),
            "I": res(
                "AWS::EC2::SecurityGroupIngress",
                GroupId={"Ref": "G"},
                IpProtocol="tcp",
                FromPort=5432,
                ToPort=5432,
                SourcePrefixListId="pl-1",
            ),
        },
        [("I", "SecurityGroupIngress", "added", B)],
    ),
    (
        "standalone egress to the world",
        {"G": group()},
        {
            "G": group(),
            "E": res(
                "AWS::EC2::SecurityGroupEgress",
                GroupId={"Fn::GetAtt": ["G", "GroupId"]},
                IpProtocol="-1",
                CidrIp="0.0.0.0/0",
            ),
        },
        [("E", "SecurityGroupEgress", "added", B)],
    ),
    (
        "ingress from another group",
        {"G": group(), "H": group()},
        {
            "G": group({"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "SourceSecurityGroupId": {"Ref": "H"}}),
            "H": group(),
        },
        [("G", "SecurityGroupIngress", "added", B)],
    ),
    (
        "block public policy off",
        {"S": bucket()},
        {"S": bucket(BlockPublicPolicy=False)},
        [("S", "PublicAccessBlockConfiguration", "modified", B)],
    ),
    (
        "public access block removed",
        {"S": bucket()},
        {"S": res("AWS::S3::Bucket")},
        [("S", "PublicAccessBlockConfiguration", "modified", B)] * 4,
    ),
    (
        "public access block on",
        {"S": bucket(RestrictPublicBuckets=False)},
        {"S": bucket()},
        [("S", "PublicAccessBlockConfiguration", "modified", N)],
    ),
    (
        "new bucket with a block off",
        {},
        {"S": bucket(IgnorePublicAcls=False)},
        [("S", "PublicAccessBlockConfiguration", "modified", B)],
    ),
    (
        "public canned ACL",
        {"S": res("AWS::S3::Bucket")},
        {"S": res("AWS::S3::Bucket", AccessControl="PublicRead")},
        [("S", "AccessControl", "modified", B)],
    ),
    (
        "authorizer dropped from a route",
        {"R": res("AWS::ApiGatewayV2::Route", ApiId="a", RouteKey="GET /x", AuthorizationType="JWT", AuthorizerId="z")},
        {"R": res("AWS::ApiGatewayV2::Route", ApiId="a", RouteKey="GET /x")},
        [("R", "Authorization", "modified", B)],
    ),
    (
        "REST method opened",
        {
            "M": res(
                "AWS::ApiGateway::Method", HttpMethod="GET", ResourceId="r", RestApiId="a", AuthorizationType="AWS_IAM"
            )
        },
        {
            "M": res(
                "AWS::ApiGateway::Method", HttpMethod="GET", ResourceId="r", RestApiId="a", AuthorizationType="NONE"
            )
        },
        [("M", "Authorization", "modified", B)],
    ),
]
SHOUTED = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["S3:GETOBJECT"], "Resource": ["arn:aws:s3:::b/*"]}],
}
SPLIT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Two", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"},
        {"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
    ],
}
MERGED = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}],
}
# (name, old resources, new resources): rewrites that grant and open exactly what they did.
EQUIVALENT: list[tuple[str, Resources, Resources]] = [
    (
        "action case and a one-element list",
        {"R": role(Policies=[{"PolicyName": "p", "PolicyDocument": DOC}])},
        {"R": role(Policies=[{"PolicyName": "p", "PolicyDocument": SHOUTED}])},
    ),
    (
        "statements reordered",
        {"P": res("AWS::IAM::Policy", Roles=["r"], PolicyName="p", PolicyDocument=SPLIT)},
        {
            "P": res(
                "AWS::IAM::Policy",
                Roles=["r"],
                PolicyName="p",
                PolicyDocument={**SPLIT, "Statement": SPLIT["Statement"][::-1]},
            )
        },
    ),
    (
        "statements merged",
        {"P": res("AWS::IAM::Policy", Roles=["r"], PolicyName="p", PolicyDocument=SPLIT)},
        {"P": res("AWS::IAM::Policy", Roles=["r"], PolicyName="p", PolicyDocument=MERGED)},
    ),
    (
        "document as JSON text instead of an object",
        {"L": res("AWS::Logs::ResourcePolicy", PolicyName="l", PolicyDocument=PUBLIC)},
        {"L": res("AWS::Logs::ResourcePolicy", PolicyName="l", PolicyDocument=json.dumps(PUBLIC, indent=2))},
    ),
    (
        "principal * and AWS *",
        {"A": res("AWS::ApiGateway::RestApi", Policy=PUBLIC)},
        {
            "A": res(
                "AWS::ApiGateway::RestApi",
                Policy={**PUBLIC, "Statement": [{**PUBLIC["Statement"][0], "Principal": {"AWS": "*"}}]},
            )
        },
    ),
    ("protocol number for name", {"G": group(ingress())}, {"G": group(ingress(protocol="6"))}),
    ("rule description", {"G": group(ingress())}, {"G": group(ingress(Description="https"))}),
    (
        "inline rule moved to a standalone resource",
        {"G": group(ingress())},
        {"G": group(), "I": res("AWS::EC2::SecurityGroupIngress", GroupId={"Ref": "G"}, **ingress())},
    ),
    (
        "public access block spelled as strings",
        {"S": bucket()},
        {
            "S": res(
                "AWS::S3::Bucket",
                PublicAccessBlockConfiguration=dict.fromkeys(
                    ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), "true"
                ),
            )
        },
    ),
]


def changes(old: Resources, new: Resources) -> list[tuple[str, str, str, str]]:
    security = diff_templates({"Resources": old}, {"Resources": new}).security
    return [(c.resource, c.policy, c.action, c.classification) for c in security]


@pytest.mark.parametrize(("old", "new", "expected"), [p[1:] for p in PAIRS], ids=[p[0] for p in PAIRS])
def test_each_security_change_is_found_and_classified(old: Resources, new: Resources, expected: list[Any]) -> None:
    assert changes(old, new) == expected


@pytest.mark.parametrize(("old", "new"), [e[1:] for e in EQUIVALENT], ids=[e[0] for e in EQUIVALENT])
def test_an_equivalent_rewrite_is_no_security_change(old: Resources, new: Resources) -> None:
    assert changes(old, new) == []


def test_every_change_says_why() -> None:
    for _, old, new, _ in PAIRS:
        security = diff_templates({"Resources": old}, {"Resources": new}).security
        assert security and all(change.reasons for change in security)


@pytest.mark.parametrize(
    "odd", [["s3:GetObject", 5], ["s3:GetObject", None], ["s3:GetObject", ["x"]], [{"Ref": "A"}, "s3:*"]]
)
def test_actions_of_any_shape_are_compared_without_failing(odd: list[Any]) -> None:
    weird = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": odd, "Resource": "*"}]}
    old = {"R": role(Policies=[{"PolicyName": "p", "PolicyDocument": DOC}])}
    new = {"R": role(Policies=[{"PolicyName": "p", "PolicyDocument": weird}])}
    assert ("R", "Policies/p", "added", B) in changes(old, new)
    assert ("R", "Policies/p", "removed", N) in changes(new, old)
