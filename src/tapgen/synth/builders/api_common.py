"""What both API flavours (HTTP API and REST API) share: access log group, invoke permission, authorization, CORS."""

from __future__ import annotations

import json
from collections.abc import Mapping

from troposphere import AWSHelperFn, AWSObject, GetAtt, Ref, Sub, awslambda, logs

from tapgen.settings import Settings
from tapgen.synth.builders.log_groups import encrypted_log_group
from tapgen.synth.naming import api_access_log_group_name_sub

API_ACCESS_LOG_GROUP = "ApiAccessLogGroup"
API_INVOKE_PERMISSION = "ApiInvokePermission"
CORS_HEADERS = ("authorization", "content-type", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token")
CORS_MAX_AGE_SECONDS = 3600
# api.auth → the AuthorizationType of the routes (HTTP API) or methods (REST API) behind its token authorizer.
TOKEN_AUTHORIZATION_TYPES = {"jwt": "JWT", "cognito": "COGNITO_USER_POOLS"}


def cors_origins(settings: Settings) -> list[str]:
    """The origins browsers may call the API from; nothing else is ever allowed."""
    return list(settings.api.cors_origins)


def authorization(settings: Settings, authorizer: AWSObject | None, protected: bool) -> dict[str, object]:
    """NONE for an open route; the environment's token authorizer where it has one; else IAM (SigV4)."""
    if not protected:
        return {"AuthorizationType": "NONE"}
    token_type = TOKEN_AUTHORIZATION_TYPES.get(settings.api.auth)
    if token_type is not None and authorizer is not None:
        return {"AuthorizationType": token_type, "AuthorizerId": Ref(authorizer)}
    return {"AuthorizationType": "AWS_IAM"}


def json_log_format(fields: Mapping[str, str]) -> str:
    """An access-log format that writes one compact JSON object per request."""
    return json.dumps(dict(fields), sort_keys=True, separators=(",", ":"))


def access_log_group(settings: Settings, key_arn: AWSHelperFn) -> logs.LogGroup:
    return encrypted_log_group(settings, API_ACCESS_LOG_GROUP, api_access_log_group_name_sub(settings), key_arn)


def invoke_permission(api: AWSObject, function: awslambda.Function, scope: str = "*") -> awslambda.Permission:
    """Only this API (under `scope`: stage/method/path), in this account, may invoke the api function."""
    source = f"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api.title}}}/{scope}"
    return awslambda.Permission(
        API_INVOKE_PERMISSION,
        Action="lambda:InvokeFunction",
        FunctionName=GetAtt(function, "Arn"),
        Principal="apigateway.amazonaws.com",
        SourceArn=Sub(source),
        SourceAccount=Ref("AWS::AccountId"),
    )
