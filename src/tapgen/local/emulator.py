"""The embedded AWS: a moto server on 127.0.0.1, and everything moto lacks, supplied in this one module.

Nothing outside this module works around moto 5.2.5's gaps. What it patches or supplies:
- `AWS::KMS::Key` tags reach moto's `create_key` in the wrong shape (KeyError);
- `ExecuteChangeSet` leaves the stack's Outputs (and exports) unset;
- `UpdateTerminationProtection` does not exist;
- describing a deleted stack evaluates its Outputs, which re-creates the deleted resources;
- `AWS::SecretsManager::Secret` is skipped, so the secret and the Lambda variables that refer to it are missing;
- `AWS::ApiGateway::Method` fails on integrations without `IntegrationHttpMethod` and `Uri` (MOCK: CORS preflights);
- `AWS::ApiGateway::Stage`, `UsagePlan`, `ApiKey` and `UsagePlanKey` are skipped: the REST API has no stage, no
  usage plan and no key (supplied after deploy, like the secret; the stack's outputs still lack their ids).
The patches change moto's classes in this process, so they apply to every client of the server, the `aws`
CLI included. moto keeps its state in memory: the emulated account lives exactly as long as this process.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from tapgen.cloud.clients import Clients

ACCOUNT_ID = "123456789012"  # moto's default account
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
SECRET_TYPE = "AWS::SecretsManager::Secret"
FUNCTION_TYPE = "AWS::Lambda::Function"

_patched = False


@dataclass(frozen=True)
class Emulator:
    """A running moto server: where to reach it."""

    endpoint_url: str
    region: str

    def client(self, service: str) -> Any:
        """A boto3 client of the emulator with dummy credentials: never reads ~/.aws."""
        return self._clients(service)

    @cached_property
    def _clients(self) -> Clients:
        from tapgen.cloud.clients import AwsTarget, clients_for

        credentials = {
            "aws_access_key_id": DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            "aws_session_token": DUMMY_CREDENTIALS["AWS_SESSION_TOKEN"],
        }
        return clients_for(AwsTarget(self.region, endpoint_url=self.endpoint_url, credentials=credentials))

    def environment(self) -> dict[str, str]:
        """Process environment under which boto3 (the handlers, the `aws` CLI) talks to the emulator only."""
        return {**region_environment(self.region), "AWS_ENDPOINT_URL": self.endpoint_url}


# No profile, no ~/.aws files, no real credentials: the only AWS settings a local run sees.
ISOLATED_ENVIRONMENT = {
    **DUMMY_CREDENTIALS,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def region_environment(region: str) -> dict[str, str]:
    return {**ISOLATED_ENVIRONMENT, "AWS_DEFAULT_REGION": region, "AWS_REGION": region}


@contextmanager
def isolated_environ(region: str) -> Iterator[None]:
    """Every `AWS_*` variable replaced by the emulator's for the block, restored after it.

    Enter it before anything imports boto3 or moto: both read the profile and `~/.aws/config` on first use
    (moto at import), and a profile such as AWS_PROFILE=work must not reach the emulator.
    """
    saved = {name: value for name, value in os.environ.items() if name.startswith("AWS_")}
    for name in saved:
        del os.environ[name]
    os.environ.update(region_environment(region))
    try:
        yield
    finally:
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            del os.environ[name]
        os.environ.update(saved)


@contextmanager
def running(region: str) -> Iterator[Emulator]:
    """Start a moto server on a free port of 127.0.0.1 for the duration of the block."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        from tapgen.errors import DeployError

        raise DeployError("--local needs the embedded emulator: pip install 'tapgen[local]'", exit_code=2) from None

    patch_moto()
    # The server logs every request and every resource type it skips; the caller reports what matters.
    for name in ("werkzeug", "moto"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Tried to parse .* not supported by moto", category=UserWarning)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield Emulator(f"http://{host}:{port}", region)
    finally:
        server.stop()


API_GATEWAY_LOGS_ROLE = "tapgen-local-apigateway-cloudwatch"


def set_api_gateway_logging_role(emulator: Emulator) -> str:
    """Do once what an account's administrator does once: give API Gateway its CloudWatch role (REST logging)."""
    iam = emulator.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    try:
        arn: str = iam.get_role(RoleName=API_GATEWAY_LOGS_ROLE)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        arn = iam.create_role(RoleName=API_GATEWAY_LOGS_ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    emulator.client("apigateway").update_account(
        patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": arn}]
    )
    return arn


def create_bucket(emulator: Emulator, bucket: str) -> None:
    """Create `bucket` in the emulator's region (us-east-1 takes no location constraint)."""
    where = {"LocationConstraint": emulator.region}
    location = {} if emulator.region == "us-east-1" else {"CreateBucketConfiguration": where}
    emulator.client("s3").create_bucket(Bucket=bucket, **location)


@contextmanager
def patched_environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block and restore the previous values after it."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def patch_moto() -> None:
    """Fill moto 5.2.5's gaps that sit inside the server; idempotent."""
    global _patched  # noqa: PLW0603  (patch once per process)
    if _patched:
        return
    _patched = True
    _patch_kms_key_tags()
    _patch_change_set_outputs()
    _patch_termination_protection()
    _patch_deleted_stack_outputs()
    _patch_rest_api_methods()


def _patch_kms_key_tags() -> None:
    from moto.kms.models import Key

    original = Key.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    # moto passes the template's Key/Value tags to create_key, which expects TagKey/TagValue.
    def create(cls: type[Key], name: str, cloudformation_json: Any, *args: Any, **kwargs: Any) -> Key:
        properties = cloudformation_json.get("Properties", {})
        tags = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in properties.get("Tags", [])]
        converted = {**cloudformation_json, "Properties": {**properties, "Tags": tags}}
        key: Key = original(cls, name, converted, *args, **kwargs)
        return key

    Key.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign, assignment]


def _patch_change_set_outputs() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend.execute_change_set

    # moto's ExecuteChangeSet applies the resources but never evaluates the Outputs (CreateStack does).
    def execute(self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> None:
        original(self, change_set_name, stack_name)
        stack = self.describe_change_set(change_set_name).stack  # type: ignore[union-attr]
        stack._parse_template()
        stack.output_map = stack._create_output_map()
        for export in stack.exports:
            self.exports[export.name] = export

    CloudFormationBackend.execute_change_set = execute  # type: ignore[method-assign]


def _patch_termination_protection() -> None:
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult

    # moto has no UpdateTerminationProtection; record the flag on the stack as AWS would.
    def update_termination_protection(self: CloudFormationResponse) -> ActionResult:
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        stack.enable_termination_protection = self._get_param("EnableTerminationProtection") in (True, "true")
        return ActionResult({"StackId": stack.stack_id})

    CloudFormationResponse.update_termination_protection = update_termination_protection  # type: ignore[attr-defined]


def _patch_deleted_stack_outputs() -> None:
    from moto.cloudformation.models import Stack
    from moto.cloudformation.parsing import OutputMap

    original = Stack.delete

    # moto evaluates a deleted stack's Outputs whenever it is described, and evaluating a Ref re-creates the
    # deleted resource (buckets, tables, functions come back). A deleted stack has no outputs on AWS either.
    def delete(self: Stack) -> None:
        original(self)
        self.output_map = OutputMap(self.resource_map, {}, self.stack_id)

    Stack.delete = delete  # type: ignore[method-assign]


def _patch_rest_api_methods() -> None:
    from moto.apigateway.models import Method, apigateway_backends

    # moto reads Integration.IntegrationHttpMethod and Uri unconditionally; a MOCK integration has neither.
    def create(
        cls: type[Method], name: str, cloudformation_json: Any, account_id: str, region_name: str, /, **kwargs: Any
    ) -> Method:
        properties = cloudformation_json["Properties"]
        backend = apigateway_backends[account_id][region_name]
        where = {
            "function_id": properties["RestApiId"],
            "resource_id": properties["ResourceId"],
            "method_type": properties["HttpMethod"],
        }
        method: Method = backend.put_method(
            **where,
            authorization_type=properties.get("AuthorizationType"),
            api_key_required=properties.get("ApiKeyRequired"),
            request_parameters=properties.get("RequestParameters"),
        )
        integration: dict[str, Any] = properties.get("Integration") or {}
        if integration:
            backend.put_integration(
                **where,
                integration_type=integration["Type"],
                uri=integration.get("Uri", ""),
                integration_method=integration.get("IntegrationHttpMethod", ""),
                request_templates=integration.get("RequestTemplates"),
            )
        return method

    Method.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign, assignment]


def supply_skipped_resources(emulator: Emulator, stack_name: str) -> dict[str, str]:
    """Create the secrets and REST API pieces moto skipped and set the Lambda variables that refer to secrets.

    Returns {logical id: ARN or id} of what was supplied. Idempotent: run it after every deploy.
    """
    cloudformation = emulator.client("cloudformation")
    template = cloudformation.get_template(StackName=stack_name, TemplateStage="Original")["TemplateBody"]
    if isinstance(template, str):
        template = json.loads(template)
    resources: dict[str, Any] = template["Resources"]
    physical = {
        r.get("LogicalResourceId", ""): r.get("PhysicalResourceId", "")
        for r in cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]
    }
    arns = {
        logical_id: _ensure_secret(emulator, f"{stack_name}/{logical_id}")
        for logical_id, resource in resources.items()
        if resource["Type"] == SECRET_TYPE
    }
    for logical_id, resource in resources.items():
        if resource["Type"] == FUNCTION_TYPE and physical.get(logical_id):
            _set_variables(emulator, physical[logical_id], _references(resource, arns))
    return {**arns, **_supply_rest_api(emulator, stack_name, resources, physical)}


def _ref(value: Any, physical: Mapping[str, str]) -> str:
    """The physical id a `{"Ref": ...}` names in the stack ('' where moto left it empty)."""
    return physical.get(value.get("Ref", ""), "") if isinstance(value, dict) else ""


def _properties_by_type(resources: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """The Properties of each resource of `resource_type`, by logical id (diff's `_properties_of` is one value)."""
    return {lid: r.get("Properties", {}) for lid, r in resources.items() if r["Type"] == resource_type}


def _supply_rest_api(
    emulator: Emulator, stack_name: str, resources: Mapping[str, Any], physical: Mapping[str, str]
) -> dict[str, str]:
    """The stage (on the deployment moto made), usage plan, API key and their binding, as the template says."""
    client = emulator.client("apigateway")
    supplied: dict[str, str] = {}
    for logical_id, stage in _properties_by_type(resources, "AWS::ApiGateway::Stage").items():
        api_id, name = _ref(stage.get("RestApiId"), physical), stage.get("StageName", "")
        if api_id and name not in {s["stageName"] for s in client.get_stages(restApiId=api_id)["item"]}:
            deployment = _ref(stage.get("DeploymentId"), physical)
            client.create_stage(restApiId=api_id, stageName=name, deploymentId=deployment, tracingEnabled=True)
        supplied[logical_id] = name
    plans = {plan["name"]: plan["id"] for plan in client.get_usage_plans()["items"]}
    for logical_id, plan in _properties_by_type(resources, "AWS::ApiGateway::UsagePlan").items():
        name = f"{stack_name}-{logical_id}"
        stages = [
            {"apiId": _ref(s.get("ApiId"), physical), "stage": supplied.get(s.get("Stage", {}).get("Ref"), "")}
            for s in plan.get("ApiStages", [])
        ]
        throttle, quota = plan.get("Throttle", {}), plan.get("Quota", {})
        supplied[logical_id] = (
            plans.get(name)
            or client.create_usage_plan(
                name=name,
                apiStages=stages,
                throttle={"rateLimit": throttle.get("RateLimit"), "burstLimit": throttle.get("BurstLimit")},
                quota={"limit": quota.get("Limit"), "period": quota.get("Period")},
            )["id"]
        )
    keys = {key["name"]: key["id"] for key in client.get_api_keys()["items"]}
    for logical_id in _properties_by_type(resources, "AWS::ApiGateway::ApiKey"):
        name = f"{stack_name}-{logical_id}"
        supplied[logical_id] = keys.get(name) or client.create_api_key(name=name, enabled=True)["id"]
    for binding in _properties_by_type(resources, "AWS::ApiGateway::UsagePlanKey").values():
        plan_id, key_id = supplied.get(binding["UsagePlanId"]["Ref"]), supplied.get(binding["KeyId"]["Ref"])
        if (
            plan_id
            and key_id
            and key_id not in {k["id"] for k in client.get_usage_plan_keys(usagePlanId=plan_id)["items"]}
        ):
            client.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id, keyType="API_KEY")
    return supplied


def _ensure_secret(emulator: Emulator, name: str) -> str:
    client = emulator.client("secretsmanager")
    try:
        arn: str = client.describe_secret(SecretId=name)["ARN"]
    except client.exceptions.ResourceNotFoundException:
        arn = client.create_secret(Name=name, SecretString=secrets.token_urlsafe(48))["ARN"]
    return arn


def _references(function: Mapping[str, Any], arns: Mapping[str, str]) -> dict[str, str]:
    """The function's environment variables whose value is a `Ref` to one of the supplied resources."""
    variables = function.get("Properties", {}).get("Environment", {}).get("Variables", {})
    return {
        name: arns[value["Ref"]]
        for name, value in variables.items()
        if isinstance(value, dict) and value.get("Ref") in arns
    }


def _set_variables(emulator: Emulator, function_name: str, values: Mapping[str, str]) -> None:
    if not values:
        return
    client = emulator.client("lambda")
    current = client.get_function_configuration(FunctionName=function_name).get("Environment", {})
    variables = {**current.get("Variables", {}), **values}
    client.update_function_configuration(FunctionName=function_name, Environment={"Variables": variables})


def state_file(config_path: Path, environment: str) -> Path:
    """Where `deploy --local --keep` of `environment` tells later commands which endpoint it serves.

    One record per environment (beside tapgen.toml), so emulators of dev and staging never answer for each other.
    """
    return config_path.parent / ".tapgen" / f"emulator-{environment}.json"


def running_environments(config_path: Path) -> list[str]:
    """The environments whose `--local --keep` emulator has left a record."""
    folder = config_path.parent / ".tapgen"
    return sorted(path.stem.removeprefix("emulator-") for path in folder.glob("emulator-*.json"))


@contextmanager
def announced(path: Path, emulator: Emulator) -> Iterator[None]:
    """Record the running emulator in `path` for the block, so `outputs --local` and `destroy --local` find it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"endpoint_url": emulator.endpoint_url, "region": emulator.region}) + "\n")
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def find_running(path: Path) -> Emulator | None:
    """The emulator a `deploy --local --keep` is serving, if its record exists and it answers."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        emulator = Emulator(str(record["endpoint_url"]), str(record["region"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    address = urlsplit(emulator.endpoint_url)
    try:
        socket.create_connection((address.hostname or "127.0.0.1", address.port or 80), timeout=1).close()
    except OSError:
        return None
    return emulator
