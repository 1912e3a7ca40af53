"""One moto server for the whole session; each test deploys its own stack (its own suffix) into it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner, Result

from tapgen.cli import main
from tapgen.local.emulator import (
    Emulator,
    create_bucket,
    running,
    set_api_gateway_logging_role,
    supply_skipped_resources,
)
from tapgen.settings import load_all
from tapgen.synth.render import render, template_path, write
from tests.conftest import CONFIG, ROOT

REGION = "us-east-1"
BUCKET = "tapgen-e2e-artifacts"


def prepare_account(server: Emulator) -> None:
    """The artifact bucket and API Gateway's logging role, made when the account lacks them."""
    try:
        server.client("s3").head_bucket(Bucket=BUCKET)
    except ClientError:
        create_bucket(server, BUCKET)
        set_api_gateway_logging_role(server)  # as an account administrator would, once (REST execution logging)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with running(REGION) as server:
        yield server


@pytest.fixture(scope="module", autouse=True)
def prepared_account(emulator: Emulator) -> None:
    """The account as each module's stacks expect it, before any of them is deployed.

    The server shares moto's in-process state with `mock_aws`, which empties it when a test elsewhere ends:
    in random order such a module may run between two of these, so the account is prepared again when wiped.
    """
    prepare_account(emulator)


@pytest.fixture(autouse=True)
def emulated_account(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every boto3 client in the test (tapgen's, the handlers', the `aws` CLI's) talks to the emulator."""
    for name, value in emulator.environment().items():
        monkeypatch.setenv(name, value)


def copy_project(destination: Path) -> Path:
    """A copy of the settings and lambdas, with templates rendered from them, that a test may change.

    Rendered afresh so these tests judge deploying; `tapgen render --all --check` judges the committed templates.
    """
    config = destination / "tapgen.toml"
    shutil.copy(CONFIG, config)
    shutil.copytree(ROOT / "lambdas", destination / "lambdas", ignore=shutil.ignore_patterns("__pycache__"))
    for settings in load_all(config):
        write(template_path(destination / "templates", settings), render(settings))
    return config


@dataclass(frozen=True)
class Deployer:
    """Runs `tapgen deploy` (and friends) against the emulator for one stack."""

    emulator: Emulator
    config: Path
    env: str
    suffix: str

    @property
    def stack_name(self) -> str:
        return f"tap-{self.suffix}"

    @property
    def outputs_file(self) -> Path:
        return self.config.parent / "cfn-outputs" / f"{self.suffix}.json"

    def tapgen(self, command: str, *extra: str) -> Result:
        args = [command, "--env", self.env, "--suffix", self.suffix, "--endpoint-url", self.emulator.endpoint_url]
        return CliRunner().invoke(main, [*args, "--config", str(self.config), *extra])

    def deploy(self, *extra: str) -> Result:
        """Deploy with --yes; the broadening gate is off unless `extra` sets it (its own tests do)."""
        gate = () if {"--require-approval", "--approve"} & set(extra) else ("--require-approval", "never")
        args = ("--bucket", BUCKET, "--yes", "--outputs-file", str(self.outputs_file), *gate, *extra)
        result = self.tapgen("deploy", *args)
        if result.exit_code == 0 and "no changes" not in result.stderr:
            supply_skipped_resources(self.emulator, self.stack_name)
        return result

    def client(self, service: str) -> Any:
        return self.emulator.client(service)

    def stack(self) -> dict[str, Any]:
        stack: dict[str, Any] = self.client("cloudformation").describe_stacks(StackName=self.stack_name)["Stacks"][0]
        return stack


def deployed(emulator: Emulator, config: Path, env: str, suffix: str) -> Deployer:
    """A stack deployed from scratch; fails the test with tapgen's own words when the deploy fails."""
    deployer = Deployer(emulator, config, env, suffix)
    result = deployer.deploy()
    assert result.exit_code == 0, result.output
    return deployer


@pytest.fixture(scope="session")
def shared_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project copy that no test changes: stacks deployed from it share it."""
    return copy_project(tmp_path_factory.mktemp("project"))


@contextmanager
def kept_stack(emulator: Emulator, folder: Path, suffix: str) -> Iterator[Deployer]:
    """dev deployed from a project copy in `folder`, recorded as `deploy --local --keep` records its emulator,
    so that commands given --local reach it. For module-scoped fixtures: the autouse account fixture is per
    test and has not run yet, so the emulator's environment is set here for the deploy."""
    from tapgen.local.emulator import announced, state_file

    config = copy_project(folder)
    with pytest.MonkeyPatch.context() as patch:
        for variable, value in emulator.environment().items():
            patch.setenv(variable, value)
        deployer = deployed(emulator, config, "dev", suffix)
    with announced(state_file(config, "dev"), emulator):
        yield deployer
