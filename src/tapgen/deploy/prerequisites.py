"""What a template needs of the account that the stack cannot own, checked before anything is uploaded.

Execution logging of a REST API needs the account's API Gateway CloudWatch role (`AWS::ApiGateway::Account`,
one per account and region). tapgen stacks require it rather than own it (README: REST flavour); without
it CloudFormation would fail halfway through the stage with a message that names neither cause nor remedy.
"""

from __future__ import annotations

import json
from typing import Any

from tapgen.cloud.clients import Clients
from tapgen.errors import DeployError


def api_settings(template: str) -> dict[str, Any]:
    """The REST API facts tapgen records in the template's Metadata; empty for HTTP API templates."""
    try:
        node: Any = json.loads(template)
    except ValueError:
        return {}
    for key in ("Metadata", "tapgen", "api"):
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def require_account_prerequisites(template: str, clients: Clients, region: str) -> None:
    """Refuse, with the remedy, to deploy a template whose execution logging the account cannot deliver."""
    api = api_settings(template)
    if api.get("accountCloudWatchRole") != "required":
        return
    if clients("apigateway").get_account().get("cloudwatchRoleArn"):
        return
    level = api.get("executionLogging")
    raise DeployError(
        f"the REST API logs executions (api.execution_logging = {json.dumps(level)}), which needs the account's "
        f"API Gateway CloudWatch role, and none is set in {region}: set it once per account and region "
        "(aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=ROLE_ARN; "
        'README: REST flavour) or set api.execution_logging = "OFF"'
    )
