"""The service works once deployed: upload → process → read back through the handlers, run in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3

from tapgen.code.artifacts import build_artifacts
from tapgen.local.emulator import Emulator, patched_environ, supply_skipped_resources
from tapgen.local.smoke import (
    ApiFlavour,
    InProcessLambda,
    SampleFile,
    deployed_functions,
    flavour_of,
    process_one,
    run_smoke,
    samples,
)
from tapgen.settings import load_settings
from tests.conftest import CONTRACT, ROOT
from tests.e2e.conftest import Deployer, deployed

SAMPLES = samples(ROOT / "lambdas")

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]


@pytest.fixture(scope="module", params=["dev", "prod", "partner"])
def service(request: pytest.FixtureRequest, emulator: Emulator, shared_project: Path) -> Iterator[Deployer]:
    env: str = request.param
    with patched_environ(emulator.environment()):
        yield deployed(emulator, shared_project, env, f"e2e-flow-{env}")


@pytest.fixture
def runner(service: Deployer, emulator: Emulator) -> InProcessLambda:
    settings = load_settings(service.env, service.config)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in service.stack()["Outputs"]}
    functions = deployed_functions(emulator.client, outputs, build_artifacts(settings.lambdas_dir))
    return InProcessLambda(functions, emulator.environment(), settings.function_roles.api, CONTRACT.ROUTES)


def auth_of(service: Deployer) -> ApiFlavour:
    """The events to send: HTTP API or REST API shaped, with the environment's kind of caller."""
    return flavour_of(load_settings(service.env, service.config))


def bucket_of(service: Deployer) -> str:
    return next(o["OutputValue"] for o in service.stack()["Outputs"] if o["OutputKey"] == "UploadsBucketName")


def test_every_kind_is_uploaded_processed_and_read_back(
    service: Deployer, runner: InProcessLambda, emulator: Emulator
) -> None:
    results = run_smoke(runner, emulator.client, auth_of(service), bucket_of(service), SAMPLES)
    assert [r.sample.kind for r in results] == [fn.name for fn in CONTRACT.PROCESSORS]
    for result in results:
        assert result.item["status"] == "PROCESSED", result.item
        assert result.item["kind"] == result.sample.kind
        assert result.item["size"] == len(result.sample.body)
        assert result.item["filename"] == result.sample.filename
    image = results[0].item["metadata"]
    assert (image.get("width"), image.get("height")) == (1, 1)


def test_listing_and_download_of_a_processed_file(
    service: Deployer, runner: InProcessLambda, emulator: Emulator
) -> None:
    auth = auth_of(service)
    result = process_one(runner, emulator.client, auth, bucket_of(service), SAMPLES[1])
    listing = runner.api("GET", "/files", auth)
    assert listing.status == 200
    assert result.file_id in [item["fileId"] for item in listing.body["items"]]
    download = runner.api("GET", f"/files/{result.file_id}/download", auth)
    assert download.status == 200, download.body
    fetched = urllib3.request("GET", download.body["url"], timeout=30)
    assert fetched.status == 200 and fetched.data == SAMPLES[1].body


def test_content_that_does_not_match_its_extension_is_rejected(
    service: Deployer, runner: InProcessLambda, emulator: Emulator
) -> None:
    fake = SampleFile("image", "fake.png", "image/png", b"this is not a PNG at all")
    result = process_one(runner, emulator.client, auth_of(service), bucket_of(service), fake)
    assert result.item["status"] == "REJECTED" and result.item["reason"]


def test_unknown_file_is_404(service: Deployer, runner: InProcessLambda) -> None:
    response = runner.api("GET", "/files/" + "0" * 32, auth_of(service))
    assert response.status == 404


def test_the_rest_api_pieces_moto_skips_are_supplied_once(service: Deployer, emulator: Emulator) -> None:
    settings = load_settings(service.env, service.config)
    supplied = supply_skipped_resources(emulator, service.stack_name)
    assert supply_skipped_resources(emulator, service.stack_name) == supplied  # idempotent: nothing twice
    rest_pieces = {"RestApiStage", "RestApiUsagePlan", "RestApiKey"}
    if settings.api.kind == "http":
        assert not rest_pieces & set(supplied)
        return
    physical = {
        r.get("LogicalResourceId", ""): r.get("PhysicalResourceId", "")
        for r in service.client("cloudformation").describe_stack_resources(StackName=service.stack_name)[
            "StackResources"
        ]
    }
    client = service.client("apigateway")
    (stage,) = client.get_stages(restApiId=physical["RestApi"])["item"]
    deployment = next(lid for lid in physical if lid.startswith("RestApiDeployment"))
    assert (stage["stageName"], stage["deploymentId"]) == ("v1", physical[deployment])
    plan = client.get_usage_plan(usagePlanId=supplied["RestApiUsagePlan"])
    assert plan["quota"] == {"limit": settings.api.usage_plan_quota, "period": "DAY"}
    assert plan["apiStages"] == [{"apiId": physical["RestApi"], "stage": "v1"}]
    keys = client.get_usage_plan_keys(usagePlanId=supplied["RestApiUsagePlan"])["items"]
    assert [key["id"] for key in keys] == [supplied["RestApiKey"]]
