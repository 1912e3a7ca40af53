"""Where a path of a decoded template is: cfn-lint's decoder marks every key with its line and column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Step = str | int


def _mark(node: Any) -> tuple[int, int] | None:
    mark = getattr(node, "start_mark", None)
    return (mark.line + 1, mark.column + 1) if mark is not None else None


def _key(mapping: dict[Any, Any], step: Step) -> Any:
    return next((key for key in mapping if key == step), None)


def locate(template: Any, path: Sequence[Step], min_depth: int = 0) -> tuple[int, int] | None:
    """(line, column), 1-based, of the deepest step of `path` that exists and is marked, if at least `min_depth`
    steps deep; None for a template without marks (a plain dict, or resources a transform generated)."""
    node, found = template, _mark(template) if min_depth == 0 else None
    for depth, step in enumerate(path, start=1):
        if isinstance(node, dict) and step in node:
            found = (_mark(_key(node, step)) or _mark(node[step]) if depth >= min_depth else None) or found
            node = node[step]
        elif isinstance(node, list) and str(step).isdigit() and int(step) < len(node):
            found = (_mark(node[int(step)]) if depth >= min_depth else None) or found
            node = node[int(step)]
        else:
            break
    return found
