"""`tapgen deploy`: package, preview the change set, guard the data, execute with progress, write outputs."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tapgen.cfn.shapes import as_dict
from tapgen.cloud.clients import aws_errors
from tapgen.commands.cloud import (
    REGION_PLACEHOLDER,
    AwsOptions,
    StackChoice,
    StackTarget,
    aws_options,
    bucket_in,
    checked_bucket,
    checked_bucket_pattern,
    chosen_regions,
    console,
    outputs_file_option,
    remote_clients,
    require_confirmation_source,
    reviewed_template,
    show_outputs,
    stack_options,
    stack_target,
    wait_timeout_option,
)
from tapgen.commands.common import config_option, emit, env_option, examples, reported_errors, say, templates_dir
from tapgen.commands.regions import deploy_regions, is_multi_region, region_clients_factory
from tapgen.errors import EXIT_FINDINGS, fail
from tapgen.files import unwritable_reason
from tapgen.settings import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from tapgen.cloud.clients import Clients
    from tapgen.deploy.flow import Console, DeployPlan, DeployResult
    from tapgen.local.emulator import Emulator

LOCAL_BUCKET = "tapgen-local-artifacts"


@click.command(
    epilog=examples(
        "tapgen deploy --env dev --local --yes", "tapgen deploy --env prod --bucket my-artifacts --no-execute"
    )
)
@env_option("Environment to deploy (templates/NAME.json).", required=True)
@stack_options
@click.option("--bucket", metavar="BUCKET", help="Artifact bucket for zips and large templates (not with --local).")
@aws_options
@click.option("--yes", is_flag=True, help="Execute without asking (required when not on a terminal).")
@click.option("--no-execute", is_flag=True, help="Create the change set, print its name, and leave it for review.")
@click.option("--allow-replacement", is_flag=True, help="Allow replacing or removing buckets, tables, keys, ...")
@click.option(
    "--require-approval",
    type=click.Choice(["never", "broadening", "any-change"]),
    default="broadening",
    show_default=True,
    help="Security changes that need an interactive yes or an approved plan; --yes alone does not execute them.",
)
@click.option(
    "--approve",
    "approved_plan",
    metavar="PLAN",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A reviewed `tapgen diff --env NAME --format json`: execute only if the security changes are exactly its.",
)
@click.option("--keep", is_flag=True, help="With --local: keep the emulator serving until Ctrl-C.")
@click.option(
    "--hotswap",
    is_flag=True,
    help="When only function code differs: update the functions' code directly (no change set). Not for "
    "environments that retain data.",
)
@click.option("--hotswap-only", is_flag=True, help="As --hotswap, but refuse rather than run a full deploy.")
@click.option(
    "--watch",
    is_flag=True,
    help="Re-render and redeploy on each save under lambdas/ and of tapgen.toml (Ctrl-C stops).",
)
@wait_timeout_option
@outputs_file_option
@config_option
def deploy(
    env: str,
    stack: StackChoice,
    bucket: str | None,
    aws: AwsOptions,
    yes: bool,
    no_execute: bool,
    allow_replacement: bool,
    require_approval: str,
    approved_plan: Path | None,
    keep: bool,
    hotswap: bool,
    hotswap_only: bool,
    watch: bool,
    wait_timeout: float,
    outputs_file: Path,
    config_path: Path,
) -> None:
    """Deploy the committed template of an environment as a CloudFormation stack.

    Refuses when templates/NAME.json is stale (deploy what was reviewed). Uploads the Lambda zips, creates
    a change set, prints it and its security changes, and refuses to replace or remove stateful resources
    unless --allow-replacement. Asks before executing; a change set that broadens access (by default) runs
    only on an interactive yes, with --require-approval never, or with --approve and a plan that lists
    exactly its security changes. On success prints the outputs as JSON on stdout and
    writes them to --outputs-file; environments that retain data get termination protection and a
    stack policy. With --local everything runs against an embedded moto server, followed by a smoke
    test of the deployed service.

    --hotswap (environments with retain_data = false only): when the stack's template and the fresh render
    differ only in function code, upload the changed zips and update the functions directly, verified by
    CodeSha256 and marked (tag tapgen:hotswapped); anything else is a full deploy, or a refusal with
    --hotswap-only. The next full deploy puts every marked function back on its template's code.
    """
    with reported_errors(), aws_errors():
        settings = load_settings(env, config_path)
        regions = chosen_regions(settings, aws)
        swap = _swap_mode(hotswap, hotswap_only, watch, settings.retain_data, no_execute, aws.local, yes)
        if (swap or watch) and len(regions) > 1:
            fail(
                f"--hotswap and --watch act on one region; environment {settings.name} has {len(regions)}: "
                "pick one with --region"
            )
        if keep and not aws.local:
            fail("--keep applies to --local only")
        if not (bucket or aws.local):
            fail("--bucket is required (the artifact bucket), unless --local")
        if bucket and is_multi_region(settings):
            checked_bucket_pattern(bucket, regions)
        elif bucket:
            bucket = checked_bucket(bucket_in(bucket, regions[0]))
        if not (yes or no_execute):
            require_confirmation_source(yes)
        if not no_execute and (reason := unwritable_reason(outputs_file)):
            fail(f"--outputs-file {reason} (checked before deploying)")
        target = stack_target(settings, stack)
        gate = _security_gate(target.name, require_approval, approved_plan, aws.local)

        def make_plan(current: Settings) -> DeployPlan:
            where = bucket or LOCAL_BUCKET
            made = _plan(current, config_path, target, where, aws.region, no_execute, allow_replacement)
            return replace(made, wait_timeout=wait_timeout, **gate)

        if is_multi_region(settings) and len(regions) == 1:
            aws = aws.in_region(regions[0])  # one region of several: everything below acts in it alone
        if watch:
            _watch(env, config_path, make_plan, remote_clients(settings, aws), console(yes), swap)
            return
        if is_multi_region(settings) and len(regions) > 1 and not aws.local:
            clients_in = region_clients_factory(settings, aws, config_path)
            deploy_regions(
                make_plan(settings), settings, regions, bucket or LOCAL_BUCKET, clients_in, yes, outputs_file
            )
        elif aws.local:
            result = _deploy_local(make_plan(settings), settings, config_path, yes, keep, outputs_file, swap, regions)
        else:
            clients = remote_clients(settings, aws)
            plan = make_plan(settings)
            result, _ = _run(plan, clients, console(yes), swap)
            _finish(plan, result, outputs_file, settings.name)


def _swap_mode(
    hotswap: bool, only: bool, watch: bool, retain_data: bool, no_execute: bool, local: bool, yes: bool
) -> str | None:
    """None (a full deploy), "hotswap" or "only"; refusals before anything is built or uploaded."""
    mode = "only" if only else "hotswap" if hotswap else None
    if mode:
        from tapgen.deploy.hotswap_flow import refuse_if_retained

        refuse_if_retained(retain_data)
    if (mode or watch) and no_execute:
        fail("--no-execute leaves a change set for review: it takes neither --hotswap nor --watch")
    if watch and local:
        fail(
            "--watch needs a stack that outlives one run: start `tapgen deploy --local --keep` and watch it with "
            "--endpoint-url (its address)"
        )
    if watch and not yes:
        fail("--watch redeploys on every save without asking: pass --yes")
    return mode


def _run(plan: DeployPlan, clients: Clients, talk: Console, swap: str | None) -> tuple[DeployResult, str]:
    """A hotswap when asked and possible, else a full deploy; the result and which of the two ran."""
    from tapgen.deploy.flow import deploy as run_deploy

    if swap:
        from tapgen.deploy.hotswap_flow import hotswap

        swapped = hotswap(plan, clients, talk, only=swap == "only")
        if swapped is not None:
            return swapped, "hotswapped"
    return run_deploy(plan, clients, talk), "deployed"


def _watch(
    env: str,
    config_path: Path,
    make_plan: Callable[[Settings], DeployPlan],
    clients: Clients,
    talk: Console,
    swap: str | None,
) -> None:
    """Re-render this environment's template and redeploy on each save, one line per round, until Ctrl-C."""
    from tapgen.deploy.watch import watch
    from tapgen.synth import render as rendering

    settings = load_settings(env, config_path)

    def one_round() -> str:
        try:
            current = load_settings(env, config_path)
        except ConfigError as error:  # a half-edited tapgen.toml fails this round, not the watch
            fail(f"{error.source}: {error.problems[0] if error.problems else 'invalid'}")
        path = rendering.template_path(templates_dir(config_path), current)
        rendered = rendering.write(path, rendering.render(current))
        _, how = _run(make_plan(current), clients, talk, swap)
        return how + (f", after re-rendering {path}" if rendered else "")

    say(
        f"watch: each round re-renders templates/{env}.json first (deploy ships only a current template); "
        "review and commit it with the code"
    )
    watch([settings.lambdas_dir, config_path], one_round, say)


def _plan(
    settings: Settings,
    config_path: Path,
    target: StackTarget,
    bucket: str,
    region: str | None,
    no_execute: bool,
    allow_replacement: bool,
) -> DeployPlan:
    """The plan, from the committed template, once it is known to equal a fresh render."""
    from tapgen.deploy.flow import DeployPlan

    reviewed = reviewed_template(settings, config_path)
    return DeployPlan(
        stack_name=target.name,
        suffix=target.suffix,
        bucket=bucket,
        region=region or settings.region,
        template=reviewed.text,
        artifacts=reviewed.artifacts,
        retain_data=settings.retain_data,
        execute=not no_execute,
        allow_replacement=allow_replacement,
    )


def _security_gate(stack_name: str, mode: str, plan_path: Path | None, local: bool) -> dict[str, Any]:
    """The deploy's security review (as `tapgen diff` words it) and its gate; `--local` shows it, gates nothing."""
    from tapgen.deploy.gate import RequireApproval, SecurityReview
    from tapgen.diff.approval import PlanError, describe, plan_differences, read_plan
    from tapgen.diff.report import security_section
    from tapgen.diff.security import security_changes

    if local and plan_path:
        fail("--approve gates real deploys; --local executes without one")
    try:
        approved = read_plan(plan_path) if plan_path else None
    except PlanError as error:
        fail(f"--approve: {error}")

    def review(deployed: Mapping[str, Any], proposed: Mapping[str, Any], region: str) -> SecurityReview:
        changes = security_changes(as_dict(deployed.get("Resources")), as_dict(proposed.get("Resources")))
        differences = None if approved is None else plan_differences(approved, stack_name, changes, region)
        return SecurityReview(
            lines=tuple(security_section(changes)),
            broadenings=tuple(describe(change) for change in changes if change.broadening),
            changes=tuple(describe(change) for change in changes),
            plan_differences=differences,
        )

    return {"reviewer": review, "require_approval": RequireApproval.NEVER if local else RequireApproval(mode)}


def _finish(plan: DeployPlan, result: DeployResult, outputs_file: Path, env: str) -> None:
    if result.change_set is not None and not result.executed:
        emit(result.change_set.name + "\n")
        return
    show_outputs(result.outputs, outputs_file, deployed_env=env)


def _deploy_local(
    plan: DeployPlan,
    settings: Settings,
    config_path: Path,
    yes: bool,
    keep: bool,
    outputs_file: Path,
    swap: str | None = None,
    regions: tuple[str, ...] = (),
) -> DeployResult | None:
    """Deploy into a fresh embedded moto server (every region of `regions` in it), fill what moto skips,
    smoke-test, and maybe keep serving."""
    from tapgen.local import emulator

    # Isolated before moto is imported: neither it nor boto3 may read a profile or ~/.aws.
    with (
        emulator.isolated_environ(plan.region),
        emulator.running(plan.region) as local,
        emulator.patched_environ(local.environment()),
    ):
        say(f"embedded AWS (moto) at {local.endpoint_url}, account {emulator.ACCOUNT_ID}")
        result: DeployResult | None = None
        if len(regions) > 1:
            _deploy_local_regions(local, plan, settings, regions, yes, outputs_file)
        else:
            emulator.create_bucket(local, plan.bucket)
            emulator.set_api_gateway_logging_role(local)
            result, _ = _run(plan, local.client, console(yes), swap)
            if result.executed:
                emulator.supply_skipped_resources(local, plan.stack_name)
                _smoke(local, settings, plan, result)
            _finish(plan, result, outputs_file, settings.name)
        if keep:
            with emulator.announced(emulator.state_file(config_path, settings.name), local):
                say(
                    f"serving {local.endpoint_url} until Ctrl-C: try `tapgen outputs --env {settings.name} --local`, "
                    f"`tapgen destroy --env {settings.name} --local`, or `aws --endpoint-url {local.endpoint_url} ...`"
                )
                _wait_for_interrupt()
        else:
            say("the embedded emulator stops now, and its state with it (use --keep to keep it serving)")
    return result


def _deploy_local_regions(
    local: Emulator, plan: DeployPlan, settings: Settings, regions: tuple[str, ...], yes: bool, outputs_file: Path
) -> None:
    """Several regions in the one emulator, in waves as on AWS, each with its own bucket and smoke test."""
    from tapgen.local import emulator

    pattern = f"{LOCAL_BUCKET}-{REGION_PLACEHOLDER}"
    for region in regions:
        emulator.create_bucket(emulator.Emulator(local.endpoint_url, region), bucket_in(pattern, region))
        emulator.set_api_gateway_logging_role(emulator.Emulator(local.endpoint_url, region))

    one_at_a_time = threading.Lock()  # the handlers run in this process, importing from their zips

    def smoke_in(region: str, result: DeployResult) -> None:
        regional = emulator.Emulator(local.endpoint_url, region)
        emulator.supply_skipped_resources(regional, plan.stack_name)
        with one_at_a_time:
            _smoke(regional, settings, plan, result)

    clients_in = lambda region: emulator.Emulator(local.endpoint_url, region).client  # noqa: E731
    deploy_regions(plan, settings, regions, pattern, clients_in, yes, outputs_file, after=smoke_in)


def _smoke(local: Emulator, settings: Settings, plan: DeployPlan, result: DeployResult) -> None:
    from tapgen.code.contract import load_contract
    from tapgen.local import smoke

    functions = smoke.deployed_functions(local.client, result.outputs, plan.artifacts)
    routes = load_contract(settings.lambdas_dir).ROUTES
    runner = smoke.InProcessLambda(functions, local.environment(), settings.function_roles.api, routes)
    flavour = smoke.flavour_of(settings)
    say(
        "smoke test: upload -> process -> read back, one file of each kind, handlers run in-process "
        f"({flavour.kind.upper()} API events)"
    )
    files = smoke.samples(settings.lambdas_dir)
    results = smoke.run_smoke(runner, local.client, flavour, result.outputs["UploadsBucketName"], files)
    for outcome in results:
        say(f"  {outcome.line()}")
    if not all(outcome.passed for outcome in results):
        fail("smoke test failed: not every file was PROCESSED", EXIT_FINDINGS)
    say("smoke test passed")


def _wait_for_interrupt() -> None:
    """Block until Ctrl-C or SIGTERM; either way the emulator's record is removed on the way out."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):  # a short timeout keeps Ctrl-C responsive
            pass
    except KeyboardInterrupt:
        pass
    say("stopping the emulator")
