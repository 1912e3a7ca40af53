"""`tapgen invoke`: run one deployed function with an event (a file, or a sample made from the stack)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tapgen.cloud.clients import aws_errors
from tapgen.commands.cloud import AwsOptions, StackChoice, deployed_stack_options, stack_clients, stack_target
from tapgen.commands.common import config_option, emit, examples, reported_errors, say
from tapgen.errors import EXIT_FINDINGS, fail
from tapgen.settings import Settings, load_settings

if TYPE_CHECKING:
    from tapgen.cloud.clients import Clients
    from tapgen.code.contract import LambdaContract
    from tapgen.local.smoke import InProcessLambda


@click.command(
    epilog=examples(
        "tapgen invoke --env dev api --sample",
        "tapgen invoke --env dev api --sample ListFiles",
        "tapgen invoke --env dev image --event tests/lambdas/fixtures/s3_put.json",
        "tapgen invoke --env dev --local api --sample",
    )
)
@deployed_stack_options("Environment whose stack's function to invoke.")
@click.argument("function")
@click.option("--event", "event_file", type=click.Path(path_type=Path, dir_okay=False), help="The event: a JSON file.")
@click.option(
    "--sample",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[ROUTE]",
    help="A realistic event from the deployed stack: for api a request of its API flavour (route Health unless "
    "named), for a processor an S3 put of its sample file into the uploads bucket.",
)
@config_option
def invoke(
    env: str,
    stack: StackChoice,
    aws: AwsOptions,
    function: str,
    event_file: Path | None,
    sample: str | None,
    config_path: Path,
) -> None:
    """Invoke FUNCTION of the deployed stack; its response on stdout, the tail of its log on stderr.

    With --local the handler runs in this process from its deployment zip against the kept emulator
    (`tapgen deploy --env NAME --local --keep`), and its log lines go to the function's log group there.
    Exit 1 when the function failed.
    """
    from tapgen.cloud.logs import stack_function_names
    from tapgen.cloud.stack import describe_stack
    from tapgen.code.contract import load_contract
    from tapgen.local import invoke as invoking

    with reported_errors(), aws_errors():
        settings = load_settings(env, config_path)
        contract = load_contract(settings.lambdas_dir)
        known = [fn.name for fn in contract.FUNCTIONS]
        if function not in known:
            fail(f"unknown function {function!r}: one of {', '.join(known)}")
        if (event_file is None) == (sample is None):
            fail("give the event: --event FILE or --sample")
        event = invoking.read_event(event_file) if event_file is not None else None
        target = stack_target(settings, stack)
        with stack_clients(settings, config_path, aws) as clients:
            described = describe_stack(clients("cloudformation"), target.name)
            if described is None:
                fail(f"stack {target.name} does not exist: `tapgen deploy --env {env}` first")
            names = stack_function_names(described)
            if function not in names:
                fail(f"stack {target.name} has no output naming the {function} function")
            outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in described.get("Outputs", [])}
            if event is None:
                event = _sample(clients, settings, contract, function, sample or "", outputs)
            if aws.local:
                runner = _runner(clients, settings, contract, outputs)
                result = invoking.invoke_in_process(runner, clients("logs"), function, names[function], event)
            else:
                result = invoking.invoke_remote(clients("lambda"), names[function], event)
        emit(json.dumps(result.response, indent=2, default=str) + "\n")
        say(f"request {result.request_id}: {'FAILED' if result.failed else 'ok'}; log tail:")
        for line in result.log_lines:
            say(f"  {line}")
    if result.failed:
        sys.exit(EXIT_FINDINGS)


def _sample(
    clients: Clients,
    settings: Settings,
    contract: LambdaContract,
    function: str,
    route: str,
    outputs: Mapping[str, str],
) -> dict[str, Any]:
    from tapgen.local import invoke as invoking
    from tapgen.local.smoke import flavour_of

    if function == settings.function_roles.api:
        return invoking.api_sample(contract.ROUTES, flavour_of(settings), route or "Health")
    if route:
        fail(f"--sample {route}: a processor's sample is an S3 put; give --sample alone")
    return invoking.processor_sample(clients("s3"), contract, function, outputs["UploadsBucketName"])


def _runner(
    clients: Clients, settings: Settings, contract: LambdaContract, outputs: Mapping[str, str]
) -> InProcessLambda:
    from tapgen.code.artifacts import build_artifacts
    from tapgen.local import smoke

    functions = smoke.deployed_functions(clients, outputs, build_artifacts(settings.lambdas_dir))
    return smoke.InProcessLambda(functions, {}, settings.function_roles.api, contract.ROUTES)
