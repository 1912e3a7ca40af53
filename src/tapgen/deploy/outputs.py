"""Stack outputs as the flat `{"Name": "value"}` JSON that the next pipeline step reads."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_OUTPUTS_FILE = Path("cfn-outputs") / "flat-outputs.json"


def flat_outputs(stack: Mapping[str, Any]) -> dict[str, str]:
    """OutputKey → OutputValue of a DescribeStacks entry, sorted by key."""
    pairs = ((o["OutputKey"], o.get("OutputValue", "")) for o in stack.get("Outputs", []) or [])
    return dict(sorted(pairs))


def outputs_json(outputs: Mapping[str, object]) -> str:
    return json.dumps(dict(outputs), indent=2, sort_keys=True) + "\n"


def write_outputs(path: Path, outputs: Mapping[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(outputs_json(outputs), encoding="utf-8")
