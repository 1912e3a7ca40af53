"""Both sides of every Fn::If: rules run on the template with each side chosen, so a property that is right on
one branch only is still found. All-true then all-false covers every branch of every Fn::If at least once."""

from __future__ import annotations

from typing import Any

NO_VALUE = {"Ref": "AWS::NoValue"}
_DROPPED = object()


def _choose(node: Any, side: int) -> Any:
    """A copy of `node` with each Fn::If replaced by its branch `side` (1 true, 2 false); AWS::NoValue dropped."""
    if isinstance(node, dict):
        condition = node.get("Fn::If") if len(node) == 1 else None
        if isinstance(condition, list) and len(condition) == 3:
            return _choose(condition[side], side)
        if node == NO_VALUE:
            return _DROPPED
        chosen = {key: _choose(value, side) for key, value in node.items()}
        return {key: value for key, value in chosen.items() if value is not _DROPPED}
    if isinstance(node, list):
        return [item for item in (_choose(v, side) for v in node) if item is not _DROPPED]
    return node


def _has_conditions(node: Any) -> bool:
    if isinstance(node, dict):
        return "Fn::If" in node or any(_has_conditions(v) for v in node.values())
    return isinstance(node, list) and any(_has_conditions(v) for v in node)


def branch_variants(template: dict[str, Any]) -> list[dict[str, Any]]:
    """The template itself when it has no Fn::If; else its all-true and all-false readings."""
    if not _has_conditions(template):
        return [template]
    return [_choose(template, 1), _choose(template, 2)]
