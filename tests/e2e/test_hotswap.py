"""`deploy --hotswap` on a moto server: code only goes in directly, anything else is a full deploy or a refusal,
retained environments are refused before anything is uploaded, and a full deploy undoes every hotswap."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from tapgen.cloud.hotswap_marks import MARK_TAG
from tapgen.code.artifacts import build_artifacts
from tapgen.local.emulator import Emulator
from tapgen.settings import load_settings
from tapgen.synth.render import render, template_path, write
from tests.e2e.conftest import BUCKET, Deployer, copy_project, deployed

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]


def rerender(config: Path, env: str = "dev") -> None:
    settings = load_settings(env, config)
    write(template_path(config.parent / "templates", settings), render(settings))


def edit(config: Path, relative: str, text: str) -> str:
    """Append `text` to a handler file; the file's previous content."""
    path = config.parent / "lambdas" / relative
    before = path.read_text()
    path.write_text(before + text)
    rerender(config)
    return before


def code_sha(stack: Deployer, function: str) -> str:
    name = f"{stack.stack_name}-{function}"
    return str(stack.client("lambda").get_function_configuration(FunctionName=name)["CodeSha256"])


def built_sha(config: Path, function: str) -> str:
    zip_bytes = build_artifacts(config.parent / "lambdas")[function].zip_bytes
    return base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()


def tags(stack: Deployer, function: str) -> dict[str, str]:
    found: dict[str, str] = (
        stack.client("lambda").get_function(FunctionName=f"{stack.stack_name}-{function}").get("Tags") or {}
    )
    return found


def change_sets(stack: Deployer) -> list[str]:
    summaries = stack.client("cloudformation").list_change_sets(StackName=stack.stack_name)["Summaries"]
    return [s["ChangeSetName"] for s in summaries]


def deployed_template(stack: Deployer) -> object:
    cfn = stack.client("cloudformation")
    return cfn.get_template(StackName=stack.stack_name, TemplateStage="Original")["TemplateBody"]


def test_a_handler_edit_is_hotswapped_then_undone_by_a_full_deploy(emulator: Emulator, tmp_path: Path) -> None:
    config = copy_project(tmp_path)
    stack = deployed(emulator, config, "dev", "e2e-hot")
    template_before, sets_before = deployed_template(stack), change_sets(stack)
    original = edit(config, "tap_processors/image.py", "\n# hotswapped edit\n")

    result = stack.deploy("--hotswap")

    assert result.exit_code == 0, result.output
    assert "hotswapped Image" in result.stderr and "Traceback" not in result.output
    assert code_sha(stack, "image") == built_sha(config, "image")
    assert deployed_template(stack) == template_before and change_sets(stack) == sets_before
    assert MARK_TAG in tags(stack, "image") and MARK_TAG not in tags(stack, "api")

    # diff reports the hidden state
    diff = stack.tapgen("diff")
    assert "code hotswapped at" in diff.stderr and "template names" in diff.stderr

    # revert the edit: the template equals the deployed one, the change set is empty, yet the code goes back
    (config.parent / "lambdas" / "tap_processors" / "image.py").write_text(original)
    rerender(config)
    full = stack.deploy()
    assert full.exit_code == 0, full.output
    assert "no changes" in full.stderr and "runs its template's code" in full.stderr
    assert code_sha(stack, "image") == built_sha(config, "image")
    assert MARK_TAG not in tags(stack, "image")


def test_an_api_edit_hotswaps_the_version_variable_too(emulator: Emulator, tmp_path: Path) -> None:
    config = copy_project(tmp_path)
    stack = deployed(emulator, config, "dev", "e2e-hotapi")
    edit(config, "tap_api/handler.py", "\n# api edit\n")

    result = stack.deploy("--hotswap-only")

    assert result.exit_code == 0, result.output
    version = build_artifacts(config.parent / "lambdas")["api"].sha256[:12]
    for function in ("api", "image"):
        variables = stack.client("lambda").get_function_configuration(FunctionName=f"tap-e2e-hotapi-{function}")
        assert variables["Environment"]["Variables"]["TAP_APP_VERSION"] == version
    assert code_sha(stack, "api") == built_sha(config, "api")


def test_a_memory_change_is_a_full_deploy_or_a_refusal(emulator: Emulator, tmp_path: Path) -> None:
    config = copy_project(tmp_path)
    stack = deployed(emulator, config, "dev", "e2e-hotmem")
    text = config.read_text().replace("[env.dev]\n", "[env.dev]\n[env.dev.functions.api]\nmemory_mb = 384\n", 1)
    config.write_text(text)
    rerender(config)

    refused = stack.deploy("--hotswap-only")
    assert refused.exit_code == 1, refused.output
    assert "--hotswap-only: cannot hotswap" in refused.stderr and "MemorySize" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1

    full = stack.deploy("--hotswap")
    assert full.exit_code == 0, full.output
    assert "full deploy: a hotswap cannot do this change" in full.stderr and "MemorySize" in full.stderr
    memory = stack.client("lambda").get_function_configuration(FunctionName="tap-e2e-hotmem-api")["MemorySize"]
    assert memory == 384


def test_a_retained_environment_is_refused_before_any_upload(emulator: Emulator, tmp_path: Path) -> None:
    config = copy_project(tmp_path)
    stack = Deployer(emulator, config, "prod", "e2e-hotprod")
    before = emulator.client("s3").list_objects_v2(Bucket=BUCKET).get("KeyCount", 0)
    edit(config, "tap_processors/image.py", "\n# never shipped\n")
    rerender(config, "prod")

    result = stack.deploy("--hotswap")

    assert result.exit_code == 2, result.output
    assert "refused for environments that retain data" in result.stderr
    assert "uploaded" not in result.stderr and "Traceback" not in result.output
    assert emulator.client("s3").list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == before
