"""A smoke test of a deployed stack, with the handlers run in-process (moto cannot run Lambda without Docker).

Each function runs from its own deployment zip, with the environment its deployed configuration carries:
for one file of each kind, the api creates an upload, the file goes to the presigned URL over HTTP, the
matching processor handles the S3 event, and the api reads the processed item back.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib
import io
import json
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from tapgen.cloud.clients import Clients
from tapgen.code.artifacts import FunctionArtifact
from tapgen.code.contract import Route, load_contract
from tapgen.errors import DeployError
from tapgen.local.emulator import patched_environ
from tapgen.settings import Settings

CALLER = "tapgen-smoke"


@dataclass(frozen=True)
class SampleFile:
    kind: str
    filename: str
    content_type: str
    body: bytes


def samples(lambdas_dir: Path) -> tuple[SampleFile, ...]:
    """One file per processor, in the contract's order, declared with the first content type of its suffix."""
    contract = load_contract(lambdas_dir)
    return tuple(
        SampleFile(kind, filename, contract.CONTENT_TYPES[contract.extension_of(filename)][0], body)
        for kind, (filename, body) in contract.SMOKE_SAMPLES.items()
    )


@dataclass(frozen=True)
class ApiFlavour:
    """Which API calls the function and how callers authenticate: the shape of the events to send."""

    kind: str  # "http" (payload 2.0) or "rest" (payload 1.0)
    auth: str  # "iam", "jwt" or "cognito"


def flavour_of(settings: Settings) -> ApiFlavour:
    return ApiFlavour(settings.api.kind, settings.api.auth)


@dataclass(frozen=True)
class Response:
    status: int
    body: Any


@dataclass(frozen=True)
class LambdaContext:
    """What the Lambda runtime passes as `context`, as far as handlers use it."""

    function_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = "smoke"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@dataclass(frozen=True)
class DeployedFunction:
    """A function as deployed: its name, handler, environment, and the zip it runs."""

    name: str
    handler: str
    environment: Mapping[str, str]
    artifact: FunctionArtifact


class InProcessLambda:
    """Runs deployed functions in this process, each as a fresh container from its own zip."""

    def __init__(
        self,
        functions: Mapping[str, DeployedFunction],
        base_environment: Mapping[str, str],
        api_function: str,
        routes: Sequence[Route],
    ) -> None:
        self.functions = functions
        self.api_function = api_function  # the one behind the API, as the contract names it
        self.routes = {route.name: route for route in routes}  # the API's routes, as the contract gives them
        self.base_environment = dict(base_environment)
        self.logs = io.StringIO()

    def invoke(self, function: str, event: Mapping[str, Any], request_id: str | None = None) -> Any:
        deployed = self.functions[function]
        context = LambdaContext(function_name=function)
        if request_id:
            context = replace(context, aws_request_id=request_id)
        module_name, _, attribute = deployed.handler.rpartition(".")
        environment = {**self.base_environment, **deployed.environment}
        with (
            _unpacked(deployed.artifact) as root,
            _fresh_modules(root),
            patched_environ(environment),
            contextlib.redirect_stdout(self.logs),
        ):
            handler = getattr(importlib.import_module(module_name), attribute)
            return handler(dict(event), context)

    def checked(self, function: str, event: Mapping[str, Any]) -> Any:
        """`invoke`, with whatever the handler lets escape reported as a failed smoke test."""
        try:
            return self.invoke(function, event)
        except Exception as error:  # a handler must never raise; say which one did, and how
            raise DeployError(f"smoke test: the {function} handler raised {type(error).__name__}: {error}") from None

    def api(self, method: str, path: str, flavour: ApiFlavour, body: Mapping[str, Any] | None = None) -> Response:
        rest = flavour.kind == "rest"
        make_event = rest_event if rest else api_event
        event = make_event(self.routes.values(), method, path, flavour.auth, body)
        raw = self.checked(self.api_function, event)
        try:
            if rest and raw["isBase64Encoded"] is not False:  # payload 1.0 responses say how the body is encoded
                raise ValueError("isBase64Encoded")
            return Response(int(raw["statusCode"]), json.loads(raw.get("body") or "null"))
        except (TypeError, KeyError, ValueError, AttributeError):
            kind = "REST API" if rest else "HTTP API"
            raise DeployError(f"smoke test: {method} {path} returned no {kind} response: {raw!r:.200}") from None


@contextlib.contextmanager
def _unpacked(artifact: FunctionArtifact) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"tapgen-{artifact.name}-") as root:
        zipfile.ZipFile(io.BytesIO(artifact.zip_bytes)).extractall(root)
        yield Path(root)


@contextlib.contextmanager
def _fresh_modules(root: Path) -> Iterator[None]:
    """Import the zip's packages afresh from `root`, then put back whatever was imported before."""
    tops = {p.name.removesuffix(".py") for p in root.iterdir()}
    mine = [name for name in sys.modules if name.split(".", 1)[0] in tops]
    saved = {name: sys.modules.pop(name) for name in mine}
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".", 1)[0] in tops]:
            del sys.modules[name]
        sys.modules.update(saved)


def api_event(
    routes: Iterable[Route], method: str, path: str, auth: str, body: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event for one of `routes`, authorised as the smoke-test caller."""
    route, parameters = _route(routes, method, path)
    identity = (
        {"jwt": {"claims": {"sub": CALLER}, "scopes": None}}
        if auth == "jwt"
        else {"iam": {"userArn": f"arn:aws:iam::123456789012:user/{CALLER}", "userId": CALLER}}
    )
    return {
        "version": "2.0",
        "routeKey": route,
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "user-agent": CALLER},
        "pathParameters": parameters,
        "requestContext": {
            "apiId": "local",
            "authorizer": identity,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
            "requestId": str(uuid.uuid4()),
            "routeKey": route,
            "stage": "$default",
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def rest_event(
    routes: Iterable[Route], method: str, path: str, auth: str, body: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A REST API proxy event (payload 1.0) for one of `routes`, authorised as the smoke caller (IAM or Cognito)."""
    route, parameters = _route(routes, method, path)
    resource = route.split(" ", 1)[1]
    user_arn = None if auth == "cognito" else f"arn:aws:iam::123456789012:user/{CALLER}"
    headers = {"Content-Type": "application/json", "User-Agent": CALLER}
    context: dict[str, Any] = {
        "apiId": "local",
        "httpMethod": method,
        "identity": {"sourceIp": "127.0.0.1", "userArn": user_arn, "caller": None if auth == "cognito" else CALLER},
        "path": f"/v1{path}",
        "requestId": str(uuid.uuid4()),
        "resourcePath": resource,
        "stage": "v1",
    }
    if auth == "cognito":
        context["authorizer"] = {"claims": {"sub": CALLER, "token_use": "id"}}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": parameters,
        "stageVariables": None,
        "requestContext": context,
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def _route(routes: Iterable[Route], method: str, path: str) -> tuple[str, dict[str, str] | None]:
    """The route key (`GET /files/{id}`) and path parameters (None when it has none) of the route `path` takes."""
    for route in routes:
        parameters = route.match(path) if route.method == method else None
        if parameters is not None:
            return route.key, parameters or None
    return f"{method} {path}", None


def s3_event(bucket: str, key: str, head: Mapping[str, Any]) -> dict[str, Any]:
    """The ObjectCreated notification S3 sends for an object just posted."""
    obj = {
        "key": quote_plus(key),
        "size": head["ContentLength"],
        "eTag": str(head.get("ETag", "")).strip('"'),
        "sequencer": f"{uuid.uuid4().int:020X}"[:18],
    }
    if head.get("VersionId"):
        obj["versionId"] = head["VersionId"]
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Post",
                "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket}, "object": obj},
            }
        ]
    }


def post_upload(upload: Mapping[str, Any], sample: SampleFile) -> int:
    """POST the file to the presigned URL as a browser form does; the HTTP status."""
    import urllib3

    fields: dict[str, Any] = dict(upload["fields"])
    fields["file"] = (sample.filename, sample.body, sample.content_type)
    return int(urllib3.request("POST", upload["url"], fields=fields, timeout=30).status)


def deployed_functions(
    clients: Clients, outputs: Mapping[str, str], artifacts: Mapping[str, FunctionArtifact]
) -> dict[str, DeployedFunction]:
    """Each function's deployed configuration, checked to run exactly the zip built here."""
    lambda_client = clients("lambda")
    found: dict[str, DeployedFunction] = {}
    for name, artifact in artifacts.items():
        config = lambda_client.get_function_configuration(FunctionName=outputs[f"{name.capitalize()}FunctionName"])
        expected = base64.b64encode(hashlib.sha256(artifact.zip_bytes).digest()).decode()
        if config.get("CodeSha256") not in (expected, None):
            raise DeployError(f"function {name} does not run the code built from lambdas/ ({config['CodeSha256']})")
        variables = config.get("Environment", {}).get("Variables", {})
        found[name] = DeployedFunction(name, config["Handler"], variables, artifact)
    return found


@dataclass(frozen=True)
class SmokeResult:
    sample: SampleFile
    file_id: str
    item: Mapping[str, Any]

    @property
    def passed(self) -> bool:
        return self.item.get("status") == "PROCESSED"

    def line(self) -> str:
        reason = f" ({self.item.get('reason')})" if self.item.get("reason") else ""
        return f"{self.sample.kind:<8} {self.sample.filename:<10} {self.item.get('status')}{reason}"


def run_smoke(
    runner: InProcessLambda, clients: Clients, flavour: ApiFlavour, bucket: str, files: Sequence[SampleFile]
) -> list[SmokeResult]:
    """Create, upload, process and read back each file (one of each kind) through the uploads `bucket`."""
    route = runner.routes["Health"]
    health = runner.api(route.method, route.path, flavour)
    if health.status != 200:
        raise DeployError(f"smoke test: {route.key} answered {health.status}: {health.body}")
    return [process_one(runner, clients, flavour, bucket, sample) for sample in files]


def process_one(
    runner: InProcessLambda, clients: Clients, flavour: ApiFlavour, bucket: str, sample: SampleFile
) -> SmokeResult:
    request = {"filename": sample.filename, "contentType": sample.content_type, "size": len(sample.body)}
    create, read = runner.routes["CreateFile"], runner.routes["GetFile"]
    created = runner.api(create.method, create.path, flavour, request)
    if created.status != 201:
        raise DeployError(f"smoke test: {create.key} for {sample.filename} answered {created.status}: {created.body}")
    status = post_upload(created.body["upload"], sample)
    if status >= 300:
        raise DeployError(f"smoke test: upload of {sample.filename} to the presigned URL answered HTTP {status}")
    key = created.body["objectKey"]
    head = clients("s3").head_object(Bucket=bucket, Key=key)
    runner.checked(sample.kind, s3_event(bucket, key, head))
    path = read.path_for(id=created.body["fileId"])
    item = runner.api(read.method, path, flavour)
    if item.status != 200:
        raise DeployError(f"smoke test: {read.method} {path} answered {item.status}: {item.body}")
    return SmokeResult(sample, created.body["fileId"], item.body)
