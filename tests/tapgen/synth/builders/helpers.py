"""Assertions over rendered templates, and renders of changed settings, shared by the builder tests."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from tapgen.settings import Settings
from tapgen.synth.render import render
from tests.conftest import Template

STACK_KEY_ARN = {"Fn::GetAtt": ["StackKey", "Arn"]}


def statements(policy_document: dict[str, Any]) -> list[dict[str, Any]]:
    return list(policy_document["Statement"])


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def is_tls_deny(statement: dict[str, Any]) -> bool:
    return (
        statement["Effect"] == "Deny"
        and statement.get("Principal") == "*"
        and statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    )


def tls_deny_resources(policy_document: dict[str, Any]) -> list[Any]:
    """Resources covered by the document's deny-insecure-transport statements."""
    found = [r for s in statements(policy_document) if is_tls_deny(s) for r in as_list(s["Resource"])]
    assert found, "no statement denies requests without TLS"
    return found


def render_variant(settings: Settings, **api_changes: Any) -> Template:
    """The template of `settings` with some API settings changed (not committed anywhere)."""
    template: Template = json.loads(render(replace(settings, api=replace(settings.api, **api_changes))))
    return template
