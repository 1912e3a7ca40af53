"""`tapgen package`: upload the environment's Lambda zips under the keys its template names."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click

from tapgen.cloud.clients import aws_errors
from tapgen.code.artifacts import FunctionArtifact
from tapgen.commands.cloud import (
    AwsOptions,
    aws_options,
    checked_bucket,
    stack_clients,
)
from tapgen.commands.common import config_option, emit, env_option, examples, reported_errors, say, templates_dir
from tapgen.files import TEMPLATE_BYTES_LIMIT, read_bounded
from tapgen.settings import load_settings


@click.command(
    epilog=examples(
        "tapgen package --env prod --bucket my-artifacts",
    )
)
@env_option("Environment whose functions to package.", required=True)
@click.option("--bucket", required=True, metavar="BUCKET", help="Artifact bucket (the ArtifactBucket parameter).")
@aws_options
@config_option
def package(
    env: str,
    bucket: str,
    aws: AwsOptions,
    config_path: Path,
) -> None:
    """Build each function's deterministic zip and upload the ones the bucket lacks.

    Keys are `tapgen/<function>/<sha256>.zip`, the same keys `tapgen render` writes into the template,
    so a pipeline can follow with `aws cloudformation deploy --template-file templates/<env>.json`.
    An object already at a key is verified (SHA-256) before it is skipped; different content is an error.
    Prints one line per artifact on stdout: `uploaded KEY` or `skipped KEY` (already in the bucket).
    """
    from tapgen.code.artifacts import build_artifacts
    from tapgen.code.package import upload_artifacts

    with reported_errors(), aws_errors():
        settings = load_settings(env, config_path)
        checked_bucket(bucket)
        artifacts = build_artifacts(settings.lambdas_dir)
        _warn_if_template_differs(templates_dir(config_path) / f"{settings.name}.json", artifacts)
        with stack_clients(settings, config_path, aws) as clients:
            report = upload_artifacts(clients("s3"), bucket, artifacts)
        for key in report.uploaded:
            emit(f"uploaded {key}\n")
        for key in report.skipped:
            emit(f"skipped {key}\n")
        say(f"s3://{bucket}: {len(report.uploaded)} uploaded, {len(report.skipped)} already present")


def _warn_if_template_differs(template: Path, artifacts: Mapping[str, FunctionArtifact]) -> None:
    """The committed template must name these keys, or deploying it would run other code."""
    try:
        text = read_bounded(template, TEMPLATE_BYTES_LIMIT)
    except FileNotFoundError:
        return
    missing = [a.s3_key for a in artifacts.values() if a.s3_key.encode() not in text]
    if missing:
        say(f"warning: {template} does not reference {', '.join(missing)}: run `tapgen render --all` and commit")
