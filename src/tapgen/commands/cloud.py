"""What `deploy`, `outputs` and `destroy` share: where the stack is, which account, and how AWS errors read."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from tapgen.commands.common import F, emit, env_option, file_option, format_option, say, shortened, templates_dir
from tapgen.errors import EXIT_FINDINGS, EXIT_USAGE, fail
from tapgen.files import os_error_line
from tapgen.settings import BUCKET_NAME_PATTERN, ENV_NAME_PATTERN, REGION_PATTERN, Settings

if TYPE_CHECKING:
    from tapgen.cloud.clients import Clients
    from tapgen.code.artifacts import FunctionArtifact
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


@dataclass(frozen=True)
class AwsOptions:
    """Where a command's AWS is: --region, --profile, --endpoint-url, or --local (the embedded emulator)."""

    regions: tuple[str, ...] = ()  # --region, repeatable: empty means the environment's regions
    profile: str | None = None
    endpoint_url: str | None = None
    local: bool = False

    @property
    def region(self) -> str | None:
        """The one --region of a command that acts on one region (the first, should several be given)."""
        return self.regions[0] if self.regions else None

    def in_region(self, region: str) -> AwsOptions:
        """The same options, for one region of the environment."""
        return replace(self, regions=(region,))


def aws_options(command: F) -> F:
    """--region, --profile, --endpoint-url and --local, handed to the command as one `aws: AwsOptions`."""

    @functools.wraps(command)
    def bundled(
        *args: Any,
        region: tuple[str, ...],
        profile: str | None,
        endpoint_url: str | None,
        local: bool,
        **kwargs: Any,
    ) -> Any:
        if local and (profile or endpoint_url):
            raise click.UsageError("--local runs its own emulator: it takes neither --profile nor --endpoint-url")
        return command(*args, aws=AwsOptions(tuple(dict.fromkeys(region)), profile, endpoint_url, local), **kwargs)

    options = [
        click.option(
            "--region",
            metavar="REGION",
            multiple=True,
            help="AWS region [default: the environment's regions]; repeat it to act on some of an environment's "
            "regions. For an environment of one region, another region to act in.",
        ),
        click.option("--profile", metavar="NAME", help="Named AWS profile for credentials."),
        click.option("--endpoint-url", metavar="URL", help="Talk to this endpoint (an emulator) instead of AWS."),
        click.option("--local", is_flag=True, help=LOCAL_HELP),
    ]
    decorated: Any = bundled
    for option in reversed(options):
        decorated = option(decorated)
    return cast(F, decorated)


# --format of the stack reports (diff, drift): for people, or the same content for machines.
report_format_option = format_option({"text": "for people", "json": "(stable keys, see README) for machines"})


def stack_options(command: F) -> F:
    """--stack-name and --suffix, handed to the command as one `stack: StackChoice`."""

    @functools.wraps(command)
    def bundled(*args: Any, stack_name: str | None, suffix: str | None, **kwargs: Any) -> Any:
        return command(*args, stack=StackChoice(stack_name, suffix), **kwargs)

    decorated: Any = click.option(
        "--suffix",
        metavar="SUFFIX",
        help="EnvironmentSuffix parameter, for a copy such as pr544 [default: the environment's name].",
    )(bundled)
    return cast(F, click.option("--stack-name", metavar="NAME", help="[default: <project>-<suffix>]")(decorated))


def deployed_stack_options(env_help: str, *, required: bool = True) -> Callable[[F], F]:
    """--env, --stack-name and --suffix, and the AWS options: which deployed stack a command acts on, and where."""

    def decorate(command: F) -> F:
        return env_option(env_help, required=required)(stack_options(aws_options(command)))

    return decorate


@dataclass(frozen=True)
class StackChoice:
    """What the person chose with --stack-name and --suffix; `stack_target` completes it from the settings."""

    name: str | None = None
    suffix: str | None = None


# CloudFormation's rule for stack names; the name also becomes part of S3 keys, so nothing else may pass.
STACK_NAME_PATTERN = r"[A-Za-z][-A-Za-z0-9]{0,127}"
SHOWN_OPTION_CHARACTERS = 60


def stack_target(settings: Settings, choice: StackChoice) -> StackTarget:
    """The stack to act on; the suffix must fit the EnvironmentSuffix parameter, the name CloudFormation's rule."""
    stack_name, suffix = choice.name, choice.suffix
    chosen = suffix if suffix is not None else settings.name
    if not re.fullmatch(ENV_NAME_PATTERN, chosen):
        fail(f"--suffix {_quoted(chosen)}: must match {ENV_NAME_PATTERN} (the template's EnvironmentSuffix pattern)")
    name = stack_name if stack_name is not None else f"{settings.project}-{chosen}"
    if not re.fullmatch(STACK_NAME_PATTERN, name):
        fail(f"--stack-name {_quoted(name)}: must be a letter, then up to 127 letters, digits or '-' (CloudFormation)")
    return StackTarget(name, chosen)


def checked_bucket(bucket: str) -> str:
    """--bucket as the ArtifactBucket parameter accepts it (S3's bucket-name rule), or a usage error."""
    if not re.fullmatch(BUCKET_NAME_PATTERN, bucket):
        fail(f"--bucket {_quoted(bucket)}: must be an S3 bucket name (pattern {BUCKET_NAME_PATTERN})")
    return bucket


def _quoted(value: str) -> str:
    return repr(shortened(value, SHOWN_OPTION_CHARACTERS))


@dataclass(frozen=True)
class ReviewedTemplate:
    """The committed template of an environment, known to equal a fresh render, and the zips it names."""

    text: str
    artifacts: dict[str, FunctionArtifact]


def reviewed_template(settings: Settings, config_path: Path) -> ReviewedTemplate:
    """templates/NAME.json once it equals a fresh render (what was reviewed is what ships); exit 1 when stale."""
    from tapgen.code.artifacts import build_artifacts
    from tapgen.synth import render as rendering

    artifacts = build_artifacts(settings.lambdas_dir)
    path = rendering.template_path(templates_dir(config_path), settings)
    if rendering.stale_template(path, rendering.render(settings, artifacts)):
        fail(f"{path} is stale against a fresh render: run `tapgen render --all`, review, commit", EXIT_FINDINGS)
    return ReviewedTemplate(path.read_text(encoding="utf-8"), artifacts)


def remote_clients(settings: Settings, aws: AwsOptions) -> Clients:
    """Clients for the environment's account: a malformed --region or --endpoint-url is a usage error before any
    request, and credentials of another account than the pinned one are refused (exit 2) before any other call."""
    from tapgen.cloud.account import require_account
    from tapgen.cloud.clients import AwsTarget, clients_for

    region, profile, endpoint_url = aws.region, aws.profile, aws.endpoint_url
    if region is not None and not re.fullmatch(REGION_PATTERN, region):
        fail(f"--region {_quoted(region)}: must be an AWS region such as eu-west-1")
    if endpoint_url is not None and not _is_http_url(endpoint_url):
        fail(
            f"--endpoint-url {_quoted(endpoint_url)}: must be an http:// or https:// URL such as http://localhost:4566"
        )
    clients = clients_for(AwsTarget(region or settings.region, profile, endpoint_url))
    if settings.account is not None:  # an STS client costs a service model's loading: only when there is a pin
        require_account(clients("sts"), settings.account, f"[env.{settings.name}] account")
    return clients


def chosen_regions(settings: Settings, aws: AwsOptions) -> tuple[str, ...]:
    """The regions a command acts on: the environment's, or those --region picks from them (exit 2 for one that
    is not among them). An environment of one region takes any one --region instead, as it always has."""
    for region in aws.regions:
        if not re.fullmatch(REGION_PATTERN, region):
            fail(f"--region {_quoted(region)}: must be an AWS region such as eu-west-1")
    if not aws.regions:
        return settings.regions
    if len(settings.regions) == 1 and len(aws.regions) == 1:
        return aws.regions
    outside = [region for region in aws.regions if region not in settings.regions]
    if outside:
        fail(f"--region {outside[0]}: not one of environment {settings.name}'s regions ({', '.join(settings.regions)})")
    return tuple(region for region in settings.regions if region in aws.regions)  # in the environment's order


REGION_PLACEHOLDER = "{region}"


def bucket_in(pattern: str, region: str) -> str:
    """--bucket for one region: `{region}` replaced by it."""
    return pattern.replace(REGION_PLACEHOLDER, region)


def checked_bucket_pattern(pattern: str, regions: tuple[str, ...]) -> str:
    """--bucket for these regions: several need the {region} placeholder (a bucket lives in one region), and
    each region's name must be an S3 bucket name; exit 2 before anything happens otherwise."""
    if len(regions) > 1 and REGION_PLACEHOLDER not in pattern:
        fail(
            f"--bucket {_quoted(pattern)}: deploying to {len(regions)} regions needs a bucket per region; "
            "put {region} in the name, e.g. --bucket my-artifacts-{region}"
        )
    for region in regions:
        bucket = bucket_in(pattern, region)
        if not re.fullmatch(BUCKET_NAME_PATTERN, bucket):
            fail(
                f"--bucket {_quoted(pattern)}: {_quoted(bucket)} in {region} must be an S3 bucket name "
                f"(pattern {BUCKET_NAME_PATTERN})"
            )
    return pattern


def _is_http_url(text: str) -> bool:
    from urllib.parse import urlsplit

    try:
        address = urlsplit(text)
        port_ok = address.port is None or address.port > 0  # reading .port validates it
    except ValueError:
        return False
    return address.scheme in ("http", "https") and bool(address.hostname) and port_ok and text.isprintable()


@contextmanager
def stack_clients(settings: Settings, config_path: Path, aws: AwsOptions) -> Iterator[Clients]:
    """The clients a command acts with: the running emulator's with --local, else AWS's (account checked)."""
    if aws.local:
        with running_emulator(config_path, settings.name) as clients:
            yield clients
    else:
        yield remote_clients(settings, aws)


def console(yes: bool) -> Console:
    """Messages on stderr; confirmation from the terminal unless --yes answered it already."""
    from tapgen.deploy.flow import Console

    return Console(say=say, confirm=lambda question: yes or ask(question), interactive=not yes)


def ask(question: str) -> bool:
    """A yes/no question on the terminal; Ctrl-C or end of input (Ctrl-D) is a no."""
    try:
        return click.confirm(question, err=True)
    except click.Abort:
        say("")
        return False


def require_confirmation_source(yes: bool) -> None:
    """Without a terminal nobody can answer the question: such runs must say --yes up front."""
    if not yes and not sys.stdin.isatty():
        fail("not a terminal, so nobody can confirm: pass --yes to proceed without asking")


def show_outputs(outputs: Mapping[str, object], path: Path, deployed_env: str | None = None) -> None:
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

    return file_option(
        "--outputs-file", default=DEFAULT_OUTPUTS_FILE, help_text="Where to write the stack outputs as flat JSON."
    )(command)


@contextmanager
def running_emulator(config_path: Path, environment: str) -> Iterator[Clients]:
    """Clients of the emulator a `deploy --env ENV --local --keep` serves; a usage error when none is running."""
    from tapgen.local.emulator import find_running, isolated_environ, patched_environ, running_environments, state_file

    emulator = find_running(state_file(config_path, environment))
    if emulator is None:
        others = running_environments(config_path)
        elsewhere = f" (records exist for: {', '.join(others)})" if others else ""
        fail(
            f"no local emulator is running for environment {environment}{elsewhere}: "
            f"`tapgen deploy --env {environment} --local --keep` starts one and keeps it serving "
            "(moto holds its state only in that process)"
        )
    with isolated_environ(emulator.region), patched_environ(emulator.environment()):
        yield emulator.client


def wait_timeout_option(command: F) -> F:
    from tapgen.deploy.progress import DEFAULT_WAIT_TIMEOUT

    return click.option(
        "--wait-timeout",
        type=click.FloatRange(min=1),
        default=DEFAULT_WAIT_TIMEOUT,
        show_default=True,
        metavar="SECONDS",
        help="Stop following a stack that has not settled after this long (CloudFormation carries on).",
    )(command)
