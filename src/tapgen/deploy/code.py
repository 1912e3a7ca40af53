"""What the stack's functions actually run, compared with the zips tapgen built (Lambda's CodeSha256)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tapgen.cloud.clients import Clients
from tapgen.cloud.stack import stack_resources
from tapgen.code.artifacts import FunctionArtifact
from tapgen.code.package import sha256_checksum

FUNCTION_TYPE = "AWS::Lambda::Function"


def code_mismatches(
    clients: Clients, stack: str, template: Mapping[str, Any], artifacts: Mapping[str, FunctionArtifact]
) -> list[str]:
    """One line per function of the stack whose code is not the zip its template names; empty when all match."""
    by_key = {artifact.s3_key: artifact for artifact in artifacts.values()}
    resources = template.get("Resources", {})
    lambda_client = clients("lambda")
    problems: list[str] = []
    for summary in stack_resources(clients("cloudformation"), stack):
        logical_id = summary.get("LogicalResourceId", "")
        if summary.get("ResourceType") != FUNCTION_TYPE or not summary.get("PhysicalResourceId"):
            continue
        key = resources.get(logical_id, {}).get("Properties", {}).get("Code", {}).get("S3Key")
        artifact = by_key.get(key) if isinstance(key, str) else None
        if artifact is None:
            problems.append(f"{logical_id} is not a function tapgen built code for")
            continue
        deployed = lambda_client.get_function_configuration(FunctionName=summary["PhysicalResourceId"])
        if deployed.get("CodeSha256") != sha256_checksum(artifact.zip_bytes):
            problems.append(
                f"{logical_id} runs code with SHA-256 {deployed.get('CodeSha256')}, "
                f"not {artifact.s3_key} ({sha256_checksum(artifact.zip_bytes)})"
            )
    return problems
