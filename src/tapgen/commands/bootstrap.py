"""`tapgen bootstrap`: the artifact bucket of each of an environment's regions, created where missing."""

from __future__ import annotations

from pathlib import Path

import click

from tapgen.cloud.clients import aws_errors
from tapgen.commands.cloud import (
    AwsOptions,
    aws_options,
    bucket_in,
    checked_bucket_pattern,
    chosen_regions,
    stack_clients,
)
from tapgen.commands.common import config_option, emit, env_option, examples, reported_errors, say
from tapgen.errors import EXIT_FINDINGS, fail
from tapgen.settings import load_settings


@click.command(
    epilog=examples(
        "tapgen bootstrap --env prod --bucket my-artifacts-{region}",
        "tapgen bootstrap --env dev --bucket my-dev-artifacts",
    )
)
@env_option("Environment whose regions to bootstrap.", required=True)
@click.option(
    "--bucket",
    required=True,
    metavar="PATTERN",
    help="The artifact bucket of each region; {region} stands for the region (needed for several regions).",
)
@aws_options
@config_option
def bootstrap(env: str, bucket: str, aws: AwsOptions, config_path: Path) -> None:
    """Create each region's missing artifact bucket, as CDK's bootstrap does: versioned, encrypted, TLS-only,
    public access blocked, old artifact versions expired. An existing bucket is checked and left as it is:
    what it lacks is listed (exit 1). Prints `created BUCKET` or `exists BUCKET` per region on stdout.
    """
    from tapgen.deploy.bootstrap import ensure_artifact_bucket

    with reported_errors(), aws_errors():
        settings = load_settings(env, config_path)
        regions = chosen_regions(settings, aws)
        checked_bucket_pattern(bucket, regions)
        short = 0
        for region in regions:
            name = bucket_in(bucket, region)
            with stack_clients(settings, config_path, aws.in_region(region)) as clients:
                created, lacking = ensure_artifact_bucket(clients("s3"), name, region)
            emit(f"{'created' if created else 'exists'} {name}\n")
            say(f"[{region}] s3://{name}: " + ("created" if created else "already there, left as it is"))
            for what in lacking:
                say(f"[{region}] s3://{name} lacks {what}")
            short += bool(lacking)
        if short:
            fail(f"{short} bucket(s) lack what a bootstrap bucket has (listed above); tapgen changed none of them",
                 EXIT_FINDINGS)  # fmt: skip
