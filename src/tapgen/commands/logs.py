"""`tapgen logs`: the functions' log lines, merged in time order; --follow keeps reading."""

from __future__ import annotations

import time
from pathlib import Path

import click

from tapgen.cloud.clients import aws_errors
from tapgen.commands.cloud import AwsOptions, StackChoice, deployed_stack_options, stack_clients, stack_target
from tapgen.commands.common import config_option, emit, examples, format_option, reported_errors, say
from tapgen.errors import fail
from tapgen.settings import load_settings

POLL_SECONDS = 2.0


@click.command(
    epilog=examples(
        "tapgen logs --env dev --since 1h",
        "tapgen logs --env dev api --follow --filter ERROR",
        "tapgen logs --env dev --request-id 8f0c... --format json",
    )
)
@deployed_stack_options("Environment whose functions' logs to read.")
@click.argument("functions", nargs=-1)
@click.option("--since", default="10m", show_default=True, metavar="AGE|TIME", help="10m, 2h, 1d, or an ISO time.")
@click.option("--follow", is_flag=True, help="Keep reading new lines until Ctrl-C.")
@click.option("--filter", "pattern", metavar="PATTERN", help="A CloudWatch Logs filter pattern.")
@click.option("--request-id", metavar="ID", help="Only the lines of this request.")
@format_option({"text": "for people", "json": "one JSON object per line, for tools"})
@config_option
def logs(
    env: str,
    stack: StackChoice,
    aws: AwsOptions,
    functions: tuple[str, ...],
    since: str,
    follow: bool,
    pattern: str | None,
    request_id: str | None,
    output_format: str,
    config_path: Path,
) -> None:
    """Print the log lines of the stack's functions (all, unless FUNCTION... names some), oldest first.

    tapgen's structured JSON lines print as time, function, level, message, request id and error type;
    other lines pass through. With --local it reads the kept emulator's logs (`deploy --local --keep`).
    """
    from tapgen.cloud import logs as reading
    from tapgen.cloud.stack import describe_stack
    from tapgen.code.contract import load_contract

    with reported_errors(), aws_errors():
        settings = load_settings(env, config_path)
        known = [fn.name for fn in load_contract(settings.lambdas_dir).FUNCTIONS]
        unknown = [name for name in functions if name not in known]
        if unknown:
            fail(f"unknown function {unknown[0]!r}: one of {', '.join(known)}")
        try:
            start = reading.parse_since(since, int(time.time() * 1000))
        except ValueError:
            fail(f"--since {since!r}: give an age such as 10m, 2h, 1d, or an ISO 8601 time")
        target = stack_target(settings, stack)
        with stack_clients(settings, config_path, aws) as clients:
            described = describe_stack(clients("cloudformation"), target.name)
            if described is None:
                fail(f"stack {target.name} does not exist: `tapgen deploy --env {env}` first")
            names = reading.stack_function_names(described)
            chosen = functions or tuple(name for name in known if name in names)
            groups = {name: reading.log_group_of(names[name]) for name in chosen if name in names}
            reader = reading.LogReader(clients("logs"), groups, start, pattern, request_id)
            show = reading.as_json if output_format == "json" else reading.pretty
            try:
                while True:
                    for line in reader.poll():
                        emit(show(line) + "\n")
                    if not follow:
                        break
                    time.sleep(POLL_SECONDS)
            except KeyboardInterrupt:
                say("stopped following")
