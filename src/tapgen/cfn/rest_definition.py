"""What a REST API deployment snapshots, and its digest: shared by the builder (which names the deployment
after it) and by lint (which checks that the name still matches the definition)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

# Resource types whose changes take effect only through a new AWS::ApiGateway::Deployment.
DEFINITION_TYPES = frozenset(
    {
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Model",
        "AWS::ApiGateway::RequestValidator",
        "AWS::ApiGateway::Authorizer",
        "AWS::ApiGateway::GatewayResponse",
    }
)
DIGEST_LENGTH = 12


def definition_digest(definition: Mapping[str, Mapping[str, Any]]) -> str:
    """A short hash of the definition resources (logical id → template body), independent of their order."""
    text = json.dumps(dict(sorted(definition.items())), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]
