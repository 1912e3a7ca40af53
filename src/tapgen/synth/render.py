"""The one render path: settings → template JSON text, used by the CLI, the tests and `templates/`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from tapgen.code.digests import CodeAddress, code_digests
from tapgen.settings import Settings
from tapgen.synth.template import build_template


def render(settings: Settings, artifacts: Mapping[str, CodeAddress] | None = None) -> str:
    """Deterministic JSON: sorted keys, 2-space indent, trailing newline, nothing time-dependent."""
    template = build_template(settings, artifacts).to_dict()
    return json.dumps(template, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_all(environments: Sequence[Settings]) -> list[tuple[Settings, str]]:
    """Each environment with its render; the code does not depend on the environment, so it is digested once."""
    if not environments:
        return []
    artifacts = code_digests(environments[0].lambdas_dir)
    return [(settings, render(settings, artifacts)) for settings in environments]


def template_path(templates_dir: Path, settings: Settings) -> Path:
    return templates_dir / f"{settings.name}.json"


class StaleTemplate(NamedTuple):
    path: Path
    diff: str


def stale_template(path: Path, rendered: str, context_lines: int = 2) -> StaleTemplate | None:
    """None when `path` holds exactly `rendered`; else a short unified diff of what would change."""
    try:
        current = _current_bytes(path, rendered)
    except FileNotFoundError:
        return StaleTemplate(path, f"{path} does not exist\n")
    if current == rendered.encode("utf-8"):
        return None
    import difflib  # only a stale template needs it; keeps plain renders fast

    diff = difflib.unified_diff(
        current.decode("utf-8", errors="replace").splitlines(keepends=True),
        rendered.splitlines(keepends=True),
        fromfile=f"{path} (committed)",
        tofile=f"{path} (rendered)",
        n=context_lines,
    )
    return StaleTemplate(path, "".join(diff))


def write(path: Path, rendered: str) -> bool:
    """Write `rendered` unless the file already holds it; True when it changed."""
    encoded = rendered.encode("utf-8")
    if path.is_file() and _current_bytes(path, rendered) == encoded:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encoded)
    return True


def _current_bytes(path: Path, rendered: str) -> bytes:
    """What `path` holds, read no further than one byte past the render: anything longer differs anyway."""
    with path.open("rb") as stream:
        return stream.read(len(rendered.encode("utf-8")) + 1)
