"""Fixtures for the Lambda code: fake AWS, moto resources shaped like the template, and event builders.

Nothing here can reach real AWS: credentials are fake, profiles and endpoint overrides are
cleared, and every AWS call happens inside moto's `mock_aws`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote_plus, urlencode

import boto3
import pytest
from moto import mock_aws

from tap_api.owners import iam_owner
from tap_shared import container, contract, items
from tapgen.local import smoke

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "dev.json"

REGION = "us-east-1"
BUCKET = "tap-test-uploads-123456789012-us-east-1"
TABLE = "tap-test-metadata"
ENVIRONMENT = "test"
APP_VERSION = "0123456789ab"
MAX_UPLOAD_BYTES = 1024 * 1024
READ_WINDOW_BYTES = 4096
METRICS_NAMESPACE = "tap-test/processing"
UPLOAD_URL_TTL = 600
DOWNLOAD_URL_TTL = 120
CORS_ORIGIN = "https://app.example.com"  # one of the two origins the functions allow
CORS_ORIGINS = f"{CORS_ORIGIN},http://localhost:3000"
SECRET_STRING = "s3cr3t-signing-key-for-cursors"
REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
    "AWS_EC2_METADATA_DISABLED": "true",
}
CLEARED_AWS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SECURITY_TOKEN")


def load_fixture(name: str) -> dict[str, Any]:
    """A fresh copy of `fixtures/{name}.json` (tests may change it)."""
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return loaded


def table_definition() -> dict[str, Any]:
    """The metadata table's key schema and indexes as the committed template declares them."""
    resources = json.loads(TEMPLATE.read_text())["Resources"]
    (table,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::DynamoDB::Table"]
    return {
        name: table[name] for name in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
    }


@dataclass(frozen=True)
class Caller:
    """An authenticated caller as API Gateway presents it: an IAM principal or a JWT subject."""

    kind: str  # "iam" or "jwt"
    identity: str

    @property
    def owner(self) -> str:
        """The owner id the api function derives from the authorizer context (for a role session, the role)."""
        return f"{self.kind}:{iam_owner(self.identity) if self.kind == 'iam' else self.identity}"


ALICE = Caller("iam", "arn:aws:sts::123456789012:assumed-role/TapUploader/alice")
BOB = Caller("iam", "arn:aws:iam::123456789012:user/bob")
CAROL = Caller("jwt", "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f")
DAVE = Caller("jwt", "5b1c2d3e-4f50-4a6b-9c8d-7e6f5a4b3c2d")


@dataclass(frozen=True)
class Request:
    """One request to the api function; `api_event` and `rest_event` dress it as each API flavour's event."""

    method: str
    path: str
    caller: Caller | None = ALICE
    body: Any = None
    query: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    base64_body: bool = False

    def sent_body(self) -> SentBody | None:
        """The body as API Gateway passes it on: JSON unless text or bytes, base64 for bytes or when asked."""
        if self.body is None:
            return None
        raw = self.body if isinstance(self.body, str | bytes) else json.dumps(self.body)
        data = raw.encode() if isinstance(raw, str) else raw
        encoded = self.base64_body or isinstance(raw, bytes)
        headers = {"content-type": "application/json", "content-length": str(len(data))}
        return SentBody(base64.b64encode(data).decode() if encoded else str(raw), encoded, headers)


class SentBody(NamedTuple):
    text: str
    is_base64: bool
    headers: dict[str, str]  # the content headers that come with it


def api_event(method: str, path: str, **request: Any) -> dict[str, Any]:
    """An HTTP API (payload 2.0) event for `Request(method, path, **request)`, from the IAM or JWT fixture;
    `caller=None` drops the authorizer."""
    sent = Request(method, path, **request)
    caller = sent.caller
    event = load_fixture("apigw_v2_jwt" if caller is not None and caller.kind == "jwt" else "apigw_v2_iam")
    context = event["requestContext"]
    if caller is None:
        del context["authorizer"]
    elif caller.kind == "iam":
        context["authorizer"]["iam"]["userArn"] = caller.identity
    else:
        context["authorizer"]["jwt"]["claims"]["sub"] = caller.identity
    event["rawPath"] = context["http"]["path"] = path
    context["http"]["method"] = method
    event["rawQueryString"] = urlencode(sent.query or {})
    if sent.query:
        event["queryStringParameters"] = dict(sent.query)
    event["headers"].update(sent.headers or {})
    if body := sent.sent_body():
        event["headers"].update(body.headers)
        event["body"], event["isBase64Encoded"] = body.text, body.is_base64
    return event


def _resource_of(path: str) -> tuple[str, dict[str, str] | None]:
    """The REST resource template a path matches, and its path parameters, as API Gateway fills them in."""
    parts = path.strip("/").split("/")
    if len(parts) in (2, 3) and parts[0] == "files" and parts[1]:
        return "/files/{id}" + ("/" + parts[2] if len(parts) == 3 else ""), {"id": parts[1]}
    return path, None


def rest_event(method: str, path: str, **request: Any) -> dict[str, Any]:
    """The same request as `api_event`, as a REST API proxy event (payload 1.0) from the IAM or Cognito fixture."""
    sent = Request(method, path, **request)
    caller, query = sent.caller, sent.query
    event = load_fixture("apigw_v1_cognito" if caller is not None and caller.kind == "jwt" else "apigw_v1_iam")
    context = event["requestContext"]
    context["identity"]["userArn"] = None
    context.pop("authorizer", None)
    if caller is not None and caller.kind == "iam":
        context["identity"]["userArn"] = caller.identity
    elif caller is not None:
        context["authorizer"] = {"claims": {"sub": caller.identity, "token_use": "id"}}
    resource, parameters = _resource_of(path)
    event["resource"] = context["resourcePath"] = resource
    event["path"], context["path"] = path, f"/{context['stage']}{path}"
    event["httpMethod"] = context["httpMethod"] = method
    event["pathParameters"] = parameters
    event["queryStringParameters"] = dict(query) if query else None
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
    event["body"], event["isBase64Encoded"] = None, False
    body = sent.sent_body()
    for name, value in {**(sent.headers or {}), **(body.headers if body else {})}.items():
        event["headers"][name], event["multiValueHeaders"][name] = value, [value]
    if body:
        event["body"], event["isBase64Encoded"] = body.text, body.is_base64
    return event


def s3_event(
    key: str,
    size: int,
    *,
    version_id: str | None = None,
    etag: str | None = "d41d8cd98f00b204e9800998ecf8427e",
    sequencer: str = "0055AED6DCD90281E5",
    bucket: str = BUCKET,
    event_name: str = "ObjectCreated:Put",
) -> dict[str, Any]:
    """An S3 notification from the fixture for one object (the key URL-encoded, as S3 sends it)."""
    event = load_fixture("s3_object_created_put")
    record = event["Records"][0]
    record["eventName"] = event_name
    record["s3"]["bucket"].update(name=bucket, arn=f"arn:aws:s3:::{bucket}")
    obj = record["s3"]["object"]
    obj.update(key=quote_plus(key, safe="/"), size=size, sequencer=sequencer)
    for name, value in (("eTag", etag), ("versionId", version_id)):
        if value is None:
            del obj[name]
        else:
            obj[name] = value
    return event


@dataclass(frozen=True)
class LambdaContext(smoke.LambdaContext):
    """The runtime's context object as tapgen's smoke test stands it in, for the test api function and request."""

    function_name: str = "tap-test-api"
    aws_request_id: str = REQUEST_ID


@pytest.fixture
def context() -> LambdaContext:
    return LambdaContext()


def log_lines(text: str) -> list[dict[str, Any]]:
    """The JSON log records in captured stdout; every line must be one."""
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials, no profile or endpoint override, and no cached settings or clients."""
    for name in (*CLEARED_AWS, *(v for k, v in vars(contract).items() if k.startswith("ENV_"))):
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_AWS.items():
        monkeypatch.setenv(name, value)
    container.reset()
    yield
    container.reset()


FUNCTION_ENVIRONMENT = {
    contract.ENV_ENVIRONMENT: ENVIRONMENT,
    contract.ENV_APP_VERSION: APP_VERSION,
    contract.ENV_TABLE_NAME: TABLE,
    contract.ENV_OWNER_INDEX: contract.OWNER_INDEX_NAME,
    contract.ENV_BUCKET_NAME: BUCKET,
    contract.ENV_MAX_UPLOAD_BYTES: str(MAX_UPLOAD_BYTES),
    contract.ENV_UPLOAD_URL_TTL: str(UPLOAD_URL_TTL),
    contract.ENV_DOWNLOAD_URL_TTL: str(DOWNLOAD_URL_TTL),
    contract.ENV_READ_WINDOW_BYTES: str(READ_WINDOW_BYTES),
    contract.ENV_METRICS_NAMESPACE: METRICS_NAMESPACE,
    contract.ENV_CORS_ORIGINS: CORS_ORIGINS,
}


@pytest.fixture
def tap_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every variable the contract names, as the template sets them (the secret's ARN comes with `aws`)."""
    for name, value in FUNCTION_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    return dict(FUNCTION_ENVIRONMENT)


@dataclass
class Aws:
    """The moto resources the functions use, with shortcuts for the tests."""

    s3: Any
    dynamodb: Any
    secret_arn: str

    def put(self, key: str, body: bytes, content_type: str = "application/octet-stream") -> dict[str, Any]:
        response: dict[str, Any] = self.s3.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType=content_type)
        return response

    def pending(self, file_id: str, key: str, owner: Caller = ALICE, **extra: Any) -> None:
        """A PENDING item as `POST /files` writes it."""
        created = extra.pop("createdAt", items.now())
        item = {
            contract.TABLE_PARTITION_KEY: file_id,
            contract.OWNER_INDEX_PARTITION_KEY: owner.owner,
            contract.OWNER_INDEX_SORT_KEY: f"{created}#{file_id}",
            "objectKey": key,
            "filename": key.rsplit("/", 1)[-1],
            "kind": "image",
            "status": items.PENDING,
            "size": 1,
            "contentType": "application/octet-stream",
            "createdAt": created,
            **extra,
        }
        items.create(TABLE, item)

    def item(self, file_id: str) -> dict[str, Any] | None:
        return items.get(TABLE, file_id)

    def uploaded(
        self, file_id: str, name: str, body: bytes, *, sequencer: str = "0055AED6DCD90281E5"
    ) -> dict[str, Any]:
        """A PENDING item, its object in the bucket, and the notification S3 would send for it."""
        key = f"{contract.UPLOAD_PREFIX}{file_id}/{name}"
        self.pending(file_id, key)
        put = self.put(key, body)
        return s3_event(key, len(body), version_id=put["VersionId"], etag=put["ETag"].strip('"'), sequencer=sequencer)


@pytest.fixture(scope="package")
def moto_resources() -> Iterator[Aws]:
    """One in-process moto for the package (starting it costs more than most tests): the bucket, table and secret."""
    with pytest.MonkeyPatch.context() as patch:
        for name in CLEARED_AWS:
            patch.delenv(name, raising=False)
        for name, value in FAKE_AWS.items():
            patch.setenv(name, value)
        with mock_aws():
            s3 = boto3.client("s3", region_name=REGION)
            s3.create_bucket(Bucket=BUCKET)
            s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
            dynamodb = boto3.client("dynamodb", region_name=REGION)
            dynamodb.create_table(TableName=TABLE, **table_definition())
            secret = boto3.client("secretsmanager", region_name=REGION).create_secret(
                Name="tap-test-app-secret", SecretString=SECRET_STRING
            )
            yield Aws(s3=s3, dynamodb=dynamodb, secret_arn=secret["ARN"])


def _empty(resources: Aws) -> None:
    """Remove every item and object version, so each test starts from an empty table and bucket."""
    key = contract.TABLE_PARTITION_KEY
    for page in resources.dynamodb.get_paginator("scan").paginate(TableName=TABLE, ProjectionExpression=key):
        for item in page["Items"]:
            resources.dynamodb.delete_item(TableName=TABLE, Key={key: item[key]})
    for page in resources.s3.get_paginator("list_object_versions").paginate(Bucket=BUCKET):
        for version in page.get("Versions", []) + page.get("DeleteMarkers", []):
            resources.s3.delete_object(Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"])


@pytest.fixture
def aws(moto_resources: Aws, tap_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    """A versioned uploads bucket, the metadata table with the template's `byOwner` index, and the app secret."""
    monkeypatch.setenv(contract.ENV_SECRET_ARN, moto_resources.secret_arn)
    yield moto_resources
    _empty(moto_resources)
