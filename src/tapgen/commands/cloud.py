"""What `deploy`, `outputs` and `destroy` share: where the stack is, which account, and how AWS errors read."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tapgen.commands.common import EXIT_FINDINGS, F, TapgenError, fail, say, templates_dir
from tapgen.config import Settings

if TYPE_CHECKING:
    from tapgen.artifacts import FunctionArtifact
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


def format_option(command: F) -> F:
    """--format text|json: a report for people, or the same content for machines."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="text for people, json (stable keys, see README) for machines.",
    )(command)


def stack_options(command: F) -> F:
    """--stack-name and --suffix."""
    command = click.option(
        "--suffix",
        metavar="SUFFIX",
        help="EnvironmentSuffix parameter, for a copy such as pr544 [default: the environment's name].",
    )(command)
    return click.option("--stack-name", metavar="NAME", help="[default: <project>-<suffix>]")(command)


def stack_target(settings: Settings, stack_name: str | None, suffix: str | None) -> StackTarget:
    chosen = suffix or settings.name
    return StackTarget(stack_name or f"{settings.project}-{chosen}", chosen)


@dataclass(frozen=True)
class ReviewedTemplate:
    """The committed template of an environment, known to equal a fresh render, and the zips it names."""

    text: str
    artifacts: dict[str, FunctionArtifact]


def reviewed_template(settings: Settings, config_path: Path) -> ReviewedTemplate:
    """templates/NAME.json once it equals a fresh render (what was reviewed is what ships); exit 1 when stale."""
    from tapgen import render as rendering
    from tapgen.artifacts import build_artifacts

    artifacts = build_artifacts(settings.lambdas_dir)
    path = rendering.template_path(templates_dir(config_path), settings)
    if rendering.check(path, rendering.render(settings, artifacts)):
        fail(f"{path} is stale against a fresh render: run `tapgen render --all`, review, commit", EXIT_FINDINGS)
    return ReviewedTemplate(path.read_text(encoding="utf-8"), artifacts)


def remote_clients(settings: Settings, region: str | None, profile: str | None, endpoint_url: str | None) -> Clients:
    from tapgen.deploy.aws import AwsTarget, clients_for

    return clients_for(AwsTarget(region or settings.region, profile, endpoint_url))


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


def show_outputs(outputs: dict[str, str], path: Path) -> None:
    """Outputs as flat JSON on stdout and in `path`."""
    from tapgen.deploy.outputs import outputs_json, write_outputs

    write_outputs(path, outputs)
    click.echo(outputs_json(outputs), nl=False)
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
