"""A diff as a pull-request comment: security changes first (broadenings marked), then stateful resources that
would be replaced, then everything else folded away. Deterministic, so a bot can update its comment in place."""

from __future__ import annotations

import json

from tapgen.diff.model import SecurityChange, TemplateDiff
from tapgen.diff.report import NO_DIFFERENCES, as_text, heading

MARKS = {"broadening": "⚠️ **broadening**", "narrowing": "narrowing", "neutral": "neutral"}


def as_markdown(diff: TemplateDiff, stack: str, stack_exists: bool, offline: bool = False) -> str:
    title = f"### tapgen diff: {_code(heading(stack, stack_exists, offline))}"
    if diff.empty:
        return f"{title}\n\n{NO_DIFFERENCES}\n"
    broadening = sum(change.broadening for change in diff.security)
    counts = f"{len(diff.security)} security change(s), {broadening} broadening(s)"
    summary = f"**{counts}; {len(diff.resources)} resource(s) changed**"
    parts = [
        title,
        summary,
        *_security(diff.security),
        *_replacements(diff),
        _everything(diff, stack, stack_exists, offline),
    ]
    return "\n\n".join(parts) + "\n"


def _security(changes: tuple[SecurityChange, ...]) -> list[str]:
    if not changes:
        return ["#### Security changes\n\nnone"]
    rows = ["| | resource | type | policy | change | why |", "|---|---|---|---|---|---|"]
    rows += [
        f"| {MARKS[c.classification]} | {_code(c.resource)} | {_code(c.resource_type)} | {_code(c.policy)} "
        f"| {c.action} | {_cell(', '.join(c.reasons))} |"
        for c in changes
    ]
    statements = [f"{_code(c.resource)} {_code(c.policy)} ({c.action}):\n\n{_json_block(c.statement)}" for c in changes]
    details = "<details><summary>Statements and settings</summary>\n\n" + "\n\n".join(statements) + "\n\n</details>"
    return ["#### Security changes", "\n".join(rows), details]


def _replacements(diff: TemplateDiff) -> list[str]:
    replaced = [r for r in diff.resources if r.stateful and (r.replacement or r.action == "remove")]
    if not replaced:
        return []
    lines = [
        f"- {_code(r.logical_id)} ({_code(r.resource_type)}): "
        + (f"replaced ({', '.join(r.replacement)})" if r.replacement else "removed")
        + (", **data at risk**" if r.destroys_data else "")
        for r in replaced
    ]
    return ["#### Stateful resources replaced or removed", "\n".join(lines)]


def _everything(diff: TemplateDiff, stack: str, stack_exists: bool, offline: bool) -> str:
    text = as_text(diff, stack, stack_exists, offline).replace("```", "'''")
    return f"<details><summary>All changes</summary>\n\n```text\n{text}```\n\n</details>"


def _json_block(value: object) -> str:
    return "```json\n" + json.dumps(value, indent=2, sort_keys=True, default=str) + "\n```"


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
