"""What `deploy`, `outputs` and `destroy` share: where the stack is, which account, and how AWS errors read."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tapgen.commands.common import EXIT_FINDINGS, EXIT_USAGE, F, TapgenError, emit, fail, say
from tapgen.config import ENV_NAME_PATTERN, REGION_PATTERN, Settings
from tapgen.files import os_error_line

if TYPE_CHECKING:
    from tapgen.deploy.aws import Clients
    from tapgen.deploy.flow import Console

LOCAL_HELP = (
    "Use an embedded moto server instead of AWS (no account needed). moto keeps its state only in the "
    "process that runs it: `deploy --local --keep` keeps serving, and `outputs --local` / `destroy --local` "
    "act on that running emulator."
)


@dataclass(frozen=True)
class StackTarget:
    """The stack a command acts on."""

    name: str
    suffix: str


def aws_options(command: F) -> F:
    """--region, --profile, --endpoint-url and --local."""
    for decorator in reversed(
        [
            click.option("--region", metavar="REGION", help="AWS region [default: the environment's region]."),
            click.option("--profile", metavar="NAME", help="Named AWS profile for credentials."),
            click.option("--endpoint-url", metavar="URL", help="Talk to this endpoint (an emulator) instead of AWS."),
            click.option("--local", is_flag=True, help=LOCAL_HELP),
        ]
    ):
        command = decorator(command)
    return command


def stack_options(command: F) -> F:
    """--stack-name and --suffix."""
    command = click.option(
        "--suffix",
        metavar="SUFFIX",
        help="EnvironmentSuffix parameter, for a copy such as pr544 [default: the environment's name].",
    )(command)
    return click.option("--stack-name", metavar="NAME", help="[default: <project>-<suffix>]")(command)


# CloudFormation's own rule for stack names.
STACK_NAME_PATTERN = r"[A-Za-z][A-Za-z0-9-]{0,127}"


def stack_target(settings: Settings, stack_name: str | None, suffix: str | None) -> StackTarget:
    chosen = suffix or settings.name
    name = stack_name or f"{settings.project}-{chosen}"
    if suffix is not None and not re.fullmatch(ENV_NAME_PATTERN, suffix):
        fail(f"--suffix {suffix!r}: must match {ENV_NAME_PATTERN} (the template's EnvironmentSuffix pattern)")
    if not re.fullmatch(STACK_NAME_PATTERN, name):
        fail(f"--stack-name {name!r}: must be a letter, then up to 127 letters, digits or '-' (CloudFormation's rule)")
    return StackTarget(name, chosen)


def remote_clients(settings: Settings, region: str | None, profile: str | None, endpoint_url: str | None) -> Clients:
    """Clients for the target; a malformed --region or --endpoint-url is a usage error before any request."""
    from tapgen.deploy.aws import AwsTarget, clients_for

    if region is not None and not re.fullmatch(REGION_PATTERN, region):
        fail(f"--region {region!r}: must be an AWS region such as eu-west-1")
    if endpoint_url is not None and not _is_http_url(endpoint_url):
        fail(f"--endpoint-url {endpoint_url!r}: must be an http:// or https:// URL such as http://localhost:4566")
    return clients_for(AwsTarget(region or settings.region, profile, endpoint_url))


def _is_http_url(text: str) -> bool:
    from urllib.parse import urlsplit

    try:
        address = urlsplit(text)
        port_ok = address.port is None or address.port > 0  # reading .port validates it
    except ValueError:
        return False
    return address.scheme in ("http", "https") and bool(address.hostname) and port_ok and text.isprintable()


def refuse_local_with(local: bool, profile: str | None, endpoint_url: str | None) -> None:
    if local and (profile or endpoint_url):
        fail("--local runs its own emulator: it takes neither --profile nor --endpoint-url")


@contextmanager
def deploy_errors() -> Iterator[None]:
    """AWS and deploy failures as one line with their exit code (inside `reported_errors`)."""
    from tapgen.deploy.aws import DeployError, aws_errors

    try:
        with aws_errors():
            yield
    except DeployError as error:
        raise TapgenError(str(error), error.exit_code) from None


def console(yes: bool) -> Console:
    """Messages on stderr; confirmation from the terminal unless --yes answered it already."""
    from tapgen.deploy.flow import Console

    return Console(say=say, confirm=lambda question: yes or click.confirm(question, err=True))


def require_confirmation_source(yes: bool) -> None:
    """Without a terminal nobody can answer the question: such runs must say --yes up front."""
    if not yes and not sys.stdin.isatty():
        fail("not a terminal, so nobody can confirm: pass --yes to proceed without asking")


def show_outputs(outputs: dict[str, str], path: Path, deployed_env: str | None = None) -> None:
    """Outputs as flat JSON on stdout and in `path`; `deployed_env` names the environment just deployed.

    When the file cannot be written the outputs still reach stdout, and after a deploy the error says that
    the deploy itself succeeded (exit 1: the run did not do all it was asked).
    """
    from tapgen.deploy.outputs import outputs_json, write_outputs

    try:
        write_outputs(path, outputs)
    except OSError as error:
        emit(outputs_json(outputs))
        if deployed_env is None:
            fail(f"cannot write the outputs: {os_error_line(error)}", EXIT_USAGE)
        fail(
            f"the deploy succeeded, but writing its outputs failed: {os_error_line(error)} "
            f"(the outputs are on stdout; `tapgen outputs --env {deployed_env} --outputs-file PATH` writes them)",
            EXIT_FINDINGS,
        )
    emit(outputs_json(outputs))
    say(f"wrote {path}")


def outputs_file_option(command: F) -> F:
    from tapgen.deploy.outputs import DEFAULT_OUTPUTS_FILE

    return click.option(
        "--outputs-file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=DEFAULT_OUTPUTS_FILE,
        show_default=True,
        help="Where to write the stack outputs as flat JSON.",
    )(command)


@contextmanager
def running_emulator(config_path: Path) -> Iterator[Clients]:
    """Clients of the emulator a `deploy --local --keep` serves; a usage error when none is running."""
    from tapgen.emulator import find_running, patched_environ, state_file

    emulator = find_running(state_file(config_path))
    if emulator is None:
        fail(
            "no local emulator is running: `tapgen deploy --env NAME --local --keep` starts one and keeps it "
            "serving (moto holds its state only in that process)"
        )
    with patched_environ(emulator.environment()):
        yield emulator.client
