"""`tapgen deploy` against a moto server: from scratch, unchanged, one handler changed, the pipeline path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tapgen.code.artifacts import build_artifacts
from tapgen.local.emulator import Emulator, patched_environ, supply_skipped_resources
from tapgen.settings import load_settings
from tapgen.synth.render import render, template_path, write
from tests.conftest import CONTRACT
from tests.e2e.conftest import BUCKET, Deployer, copy_project, deployed

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]

STATEFUL = ("UploadsBucket", "AccessLogBucket", "MetadataTable", "StackKey", "DeadLetterQueue", "AlarmTopic")


@pytest.fixture(scope="module", params=["dev", "prod"])
def fresh_stack(request: pytest.FixtureRequest, emulator: Emulator, shared_project: Path) -> Iterator[Deployer]:
    env: str = request.param
    with patched_environ(emulator.environment()):
        yield deployed(emulator, shared_project, env, f"e2e-{env}")


def test_stack_is_created_with_every_supported_resource(fresh_stack: Deployer) -> None:
    assert fresh_stack.stack()["StackStatus"] == "CREATE_COMPLETE"
    resources = fresh_stack.client("cloudformation").describe_stack_resources(StackName=fresh_stack.stack_name)
    physical = {r.get("LogicalResourceId"): r.get("PhysicalResourceId") for r in resources["StackResources"]}
    functions = [f"{fn.name.capitalize()}Function" for fn in CONTRACT.FUNCTIONS]
    roles = [f"{fn.name.capitalize()}Role" for fn in CONTRACT.FUNCTIONS]
    for logical_id in [*STATEFUL, *functions, *roles]:
        assert physical.get(logical_id), f"{logical_id} was not created"
    assert physical["UploadsBucket"] == f"tap-{fresh_stack.suffix}-uploads-123456789012-us-east-1"


def test_functions_run_the_packaged_code_with_the_contract_environment(fresh_stack: Deployer) -> None:
    settings = load_settings(fresh_stack.env, fresh_stack.config)
    artifacts = build_artifacts(settings.lambdas_dir)
    outputs = json.loads(fresh_stack.outputs_file.read_text())
    lambda_client = fresh_stack.client("lambda")
    for fn in CONTRACT.FUNCTIONS:
        function = lambda_client.get_function(FunctionName=f"tap-{fresh_stack.suffix}-{fn.name}")
        config = function["Configuration"]
        assert config["Handler"] == fn.handler
        assert config["Runtime"] == settings.runtime
        assert function["Code"]["Location"].endswith(artifacts[fn.name].s3_key)
        variables = config["Environment"]["Variables"]
        assert set(variables) == set(fn.environment)
        assert variables[CONTRACT.ENV_ENVIRONMENT] == fresh_stack.env
        assert variables[CONTRACT.ENV_TABLE_NAME] == outputs["MetadataTableName"]
        assert variables[CONTRACT.ENV_BUCKET_NAME] == outputs["UploadsBucketName"]
        assert variables[CONTRACT.ENV_MAX_UPLOAD_BYTES] == str(settings.max_upload_bytes)


def test_outputs_file_holds_the_stack_outputs(fresh_stack: Deployer) -> None:
    outputs = {o["OutputKey"]: o["OutputValue"] for o in fresh_stack.stack()["Outputs"]}
    assert json.loads(fresh_stack.outputs_file.read_text()) == outputs
    assert outputs["ApiFunctionName"] == f"tap-{fresh_stack.suffix}-api"


def test_only_data_retaining_environments_are_protected(fresh_stack: Deployer) -> None:
    retain = load_settings(fresh_stack.env, fresh_stack.config).retain_data
    assert bool(fresh_stack.stack().get("EnableTerminationProtection")) is retain
    policy = fresh_stack.client("cloudformation").get_stack_policy(StackName=fresh_stack.stack_name)
    assert ("StackPolicyBody" in policy and "Update:Replace" in policy["StackPolicyBody"]) is retain


def test_unchanged_redeploy_uploads_nothing_and_executes_nothing(fresh_stack: Deployer) -> None:
    cfn = fresh_stack.client("cloudformation")
    events_before = cfn.describe_stack_events(StackName=fresh_stack.stack_name)["StackEvents"]
    change_sets_before = cfn.list_change_sets(StackName=fresh_stack.stack_name)["Summaries"]
    result = fresh_stack.deploy()
    assert result.exit_code == 0, result.output
    assert "uploaded" not in result.stderr
    assert "no changes" in result.stderr
    assert cfn.describe_stack_events(StackName=fresh_stack.stack_name)["StackEvents"] == events_before
    # The empty change set was deleted, and nothing was executed.
    assert cfn.list_change_sets(StackName=fresh_stack.stack_name)["Summaries"] == change_sets_before


def test_changed_handler_updates_only_that_function(emulator: Emulator, tmp_path: Path) -> None:
    config = copy_project(tmp_path)
    stack = deployed(emulator, config, "dev", "e2e-change")
    lambda_client = stack.client("lambda")

    def code_keys() -> dict[str, str]:
        return {
            fn.name: lambda_client.get_function(FunctionName=f"tap-e2e-change-{fn.name}")["Code"]["Location"]
            for fn in CONTRACT.FUNCTIONS
        }

    before = code_keys()
    image = tmp_path / "lambdas" / "tap_processors" / "image.py"
    image.write_text(image.read_text() + "\n# a change to the image processor only\n")
    settings = load_settings("dev", config)
    write(template_path(tmp_path / "templates", settings), render(settings))
    result = stack.deploy()
    assert result.exit_code == 0, result.output
    assert result.stderr.count("uploaded s3://") == 1 and "/image/" in result.stderr
    after = code_keys()
    assert {name for name in after if after[name] != before[name]} == {"image"}
    assert after["image"].endswith(build_artifacts(tmp_path / "lambdas")["image"].s3_key)
    assert stack.stack()["StackStatus"] == "UPDATE_COMPLETE"


def test_stale_template_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    config = copy_project(tmp_path)
    (tmp_path / "lambdas" / "tap_api" / "handler.py").write_text(
        (tmp_path / "lambdas" / "tap_api" / "handler.py").read_text() + "\n# changed, not rendered\n"
    )
    result = Deployer(emulator, config, "dev", "e2e-stale").deploy()
    assert result.exit_code == 1
    assert "is stale" in result.stderr and "Traceback" not in result.output


def test_pipeline_path_package_then_aws_cloudformation_deploy(emulator: Emulator, shared_project: Path) -> None:
    stack = Deployer(emulator, shared_project, "dev", "e2e-pipeline")
    packaged = _package(stack)
    assert packaged.returncode == 0, packaged.stderr
    aws = Path(sys.executable).with_name("aws")
    # moto reads a path-style TemplateURL (what `aws cloudformation deploy --s3-bucket` sends) only from localhost.
    endpoint = emulator.endpoint_url.replace("127.0.0.1", "localhost")
    command = [
        str(aws), "cloudformation", "deploy",
        "--template-file", str(shared_project.parent / "templates" / "dev.json"),
        "--stack-name", stack.stack_name,
        "--s3-bucket", BUCKET,
        "--parameter-overrides", f"ArtifactBucket={BUCKET}", f"EnvironmentSuffix={stack.suffix}",
        "--capabilities", "CAPABILITY_NAMED_IAM",
        "--endpoint-url", endpoint,
    ]  # fmt: skip
    deployed_by_cli = subprocess.run(
        command, capture_output=True, text=True, check=False, env={**os.environ, "AWS_ENDPOINT_URL": endpoint}
    )
    assert deployed_by_cli.returncode == 0, deployed_by_cli.stdout + deployed_by_cli.stderr
    assert stack.stack()["StackStatus"] == "CREATE_COMPLETE"
    artifacts = build_artifacts(shared_project.parent / "lambdas")
    for fn in CONTRACT.FUNCTIONS:
        code = stack.client("lambda").get_function(FunctionName=f"tap-e2e-pipeline-{fn.name}")["Code"]
        assert code["Location"].endswith(artifacts[fn.name].s3_key)
    supply_skipped_resources(emulator, stack.stack_name)


def _package(stack: Deployer) -> subprocess.CompletedProcess[str]:
    """`tapgen package` as a pipeline runs it: its own process."""
    command = [sys.executable, "-m", "tapgen", "package", "--env", "dev", "--bucket", BUCKET]
    command += ["--config", str(stack.config), "--endpoint-url", stack.emulator.endpoint_url]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_key_schema_change_is_refused_though_moto_reports_no_replacement(emulator: Emulator, tmp_path: Path) -> None:
    config = copy_project(tmp_path)
    stack = deployed(emulator, config, "dev", "e2e-keyschema")
    contract = tmp_path / "lambdas" / "tap_shared" / "contract.py"
    contract.write_text(contract.read_text().replace('TABLE_PARTITION_KEY = "fileId"', 'TABLE_PARTITION_KEY = "id"'))
    settings = load_settings("dev", config)
    write(template_path(tmp_path / "templates", settings), render(settings))
    cfn = stack.client("cloudformation")
    events_before = cfn.describe_stack_events(StackName=stack.stack_name)["StackEvents"]
    change_sets_before = cfn.list_change_sets(StackName=stack.stack_name)["Summaries"]
    result = stack.deploy()
    assert result.exit_code == 1, result.output
    assert "refusing to replace or remove stateful resources: MetadataTable" in result.stderr
    assert "schema predicts replacement: KeySchema" in result.stderr
    assert "Traceback" not in result.output
    # Nothing executed, and the refused change set is gone.
    assert cfn.describe_stack_events(StackName=stack.stack_name)["StackEvents"] == events_before
    assert cfn.list_change_sets(StackName=stack.stack_name)["Summaries"] == change_sets_before
