"""Commands over the regions of an environment: the single-region path of each command, once per region, with
the region's own clients (and artifact bucket), its lines prefixed with the region, and a summary at the end.

An environment of one region never comes here: its commands behave as they always have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tapgen.commands.cloud import AwsOptions, bucket_in, console, remote_clients, show_outputs
from tapgen.commands.common import emit, say
from tapgen.errors import EXIT_FINDINGS, fail
from tapgen.settings import Settings

if TYPE_CHECKING:
    from tapgen.cloud.clients import Clients
    from tapgen.deploy.flow import Console, DeployPlan, DeployResult
    from tapgen.deploy.rollout import Rollout

T = TypeVar("T")


def is_multi_region(settings: Settings) -> bool:
    return len(settings.regions) > 1


def region_clients_factory(settings: Settings, aws: AwsOptions, config_path: Path) -> Callable[[str], Clients]:
    """Each region's clients: AWS's (the account checked in each region), or the running emulator's (one moto
    server serves every region)."""
    if not aws.local:
        return lambda region: remote_clients(settings, aws.in_region(region))
    from tapgen.local.emulator import Emulator, find_running, state_file

    emulator = find_running(state_file(config_path, settings.name))
    if emulator is None:
        fail(
            f"no local emulator is running for environment {settings.name}: "
            f"`tapgen deploy --env {settings.name} --local --keep` starts one and keeps it serving"
        )
    return lambda region: Emulator(emulator.endpoint_url, region).client


def in_each_region(
    regions: tuple[str, ...], parallel: int, run_one: Callable[[str, Console], tuple[str, T]], yes: bool, what: str
) -> Rollout[T]:
    """Run `run_one` region by region (the first alone, then `parallel` at a time) and print the summary;
    exit 1 when a region failed, after the summary."""
    from tapgen.deploy.rollout import roll_out

    say(f"{what}: {len(regions)} region(s), {', '.join(regions)}; the first alone, then {parallel} at a time")
    rollout = roll_out(regions, parallel, run_one, console(yes))
    for line in rollout.summary(what):
        say(line)
    return rollout


def deploy_regions(
    plan: DeployPlan,
    settings: Settings,
    regions: tuple[str, ...],
    bucket_pattern: str,
    clients_in: Callable[[str], Clients],
    yes: bool,
    outputs_file: Path,
    after: Callable[[str, DeployResult], None] | None = None,
) -> None:
    """`tapgen deploy` of several regions: each region's whole deploy, its bucket `bucket_pattern` in it; outputs
    keyed by region (flat for one region picked with --region); one change set per region with --no-execute.
    `after` runs on each region's executed deploy, as part of it (--local's smoke test)."""
    from tapgen.deploy.flow import deploy as run_deploy
    from tapgen.deploy.rollout import CHANGE_SET, DEPLOYED, UNCHANGED

    def run_one(region: str, own: Console) -> tuple[str, Any]:
        regional = replace(plan, region=region, bucket=bucket_in(bucket_pattern, region))
        result = run_deploy(regional, clients_in(region), own)
        if result.executed:
            if after is not None:
                after(region, result)
            return DEPLOYED, result
        if result.change_set is not None:
            return CHANGE_SET, result
        return UNCHANGED, result

    rollout = in_each_region(regions, settings.parallel_regions, run_one, yes, f"deploy of {plan.stack_name}")
    finished = {o.region: o.result for o in rollout.outcomes if o.result is not None}
    if not plan.execute:
        for region, result in finished.items():
            if result.change_set is not None:
                emit(f"{region} {result.change_set.name}\n")
    elif finished:
        show_outputs(_keyed(regions, {r: result.outputs for r, result in finished.items()}), outputs_file)
    if rollout.failed:
        fail(f"the rollout of {plan.stack_name} stopped: a region failed (summary above)", EXIT_FINDINGS)


def _keyed(regions: tuple[str, ...], by_region: Mapping[str, dict[str, str]]) -> Mapping[str, object]:
    """Outputs keyed by region; one region alone (picked with --region) gives the flat file."""
    if len(regions) == 1:
        return by_region.get(regions[0], {})
    return dict(by_region)


def outputs_regions(settings: Settings, stack_name: str, regions: tuple[str, ...], clients_in: Any, path: Path) -> None:
    """`tapgen outputs` of several regions: keyed by region, or flat for one region picked with --region."""
    from tapgen.deploy.flow import read_outputs

    by_region = {region: read_outputs(clients_in(region)("cloudformation"), stack_name) for region in regions}
    show_outputs(_keyed(regions, by_region), path)


def destroy_regions(stack_name: str, regions: tuple[str, ...], clients_in: Any, yes: bool, wait_timeout: float) -> None:
    """`tapgen destroy` of several regions, one at a time, the first region (the canary) last; each region with
    destroy's own refusals. A region whose stack is already gone counts as done; a failure stops the rest."""
    from tapgen.deploy.flow import destroy as run_destroy
    from tapgen.deploy.rollout import DONE
    from tapgen.errors import DeployError

    def run_one(region: str, own: Console) -> tuple[str, None]:
        try:
            run_destroy(stack_name, clients_in(region), own, wait_timeout=wait_timeout)
        except DeployError as error:
            if str(error) != f"stack {stack_name} does not exist":
                raise
            own.say(f"stack {stack_name} does not exist here: nothing to delete")
        return DONE, None

    order = tuple(reversed(regions))
    rollout = in_each_region(order, 1, run_one, yes, f"destroy of {stack_name}")
    if rollout.failed:
        fail(f"destroy of {stack_name} stopped: a region failed (summary above)", EXIT_FINDINGS)


def in_sections(regions: tuple[str, ...], output_format: str, section: Callable[[str], str]) -> str:
    """One section per region: a `[region]` heading before each (text, markdown), or one JSON object keyed by
    region (json)."""
    import json

    texts = {region: section(region) for region in regions}
    if output_format == "json":
        return json.dumps({r: json.loads(text) for r, text in texts.items()}, indent=2, sort_keys=True) + "\n"
    heading = "## {}" if output_format == "markdown" else "[{}]"
    return "\n".join(f"{heading.format(region)}\n{text}" for region, text in texts.items())
