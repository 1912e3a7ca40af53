"""CI runs exactly what the README tells a new reader to run: `.ci/run` is the Quick start's test command."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What .ci/run may hold besides the README's command: strict mode, and moving to the repository root.
CI_PREAMBLE = ["set -euo pipefail", 'cd "$(dirname "$0")/.."']


def fenced_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", markdown, flags=re.DOTALL | re.MULTILINE)


def readme_test_command(readme: str) -> str:
    """The command under the Quick start's comment that says it runs the whole suite."""
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    for block in fenced_blocks(quick_start):
        lines = block.splitlines()
        for comment, command in itertools.pairwise(lines):
            if comment.startswith("#") and "run the whole suite" in comment:
                return command.strip()
    raise AssertionError("README's Quick start has no fenced command under a '# ... run the whole suite' comment")


def script_commands(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def differences(readme: str, script: str) -> list[str]:
    """How the script strays from the README's test command (empty when it is that command alone)."""
    expected = [*CI_PREAMBLE, readme_test_command(readme)]
    found = script_commands(script)
    missing = [f"- {line}" for line in expected if line not in found]
    extra = [f"+ {line}" for line in found if line not in expected]
    return missing + extra


def test_ci_runs_the_readme_test_command_and_nothing_else() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert differences(readme, (ROOT / ".ci" / "run").read_text(encoding="utf-8")) == []


SAMPLE_README = "## Quick start\n```sh\n# 2. run the whole suite\npython3.11 -m venv .venv && tox\n```\n## Next\n"


def test_a_script_with_a_workaround_or_another_command_differs() -> None:
    same = '#!/usr/bin/env bash\n# CI\nset -euo pipefail\ncd "$(dirname "$0")/.."\npython3.11 -m venv .venv && tox\n'
    assert differences(SAMPLE_README, same) == []
    workaround = same.replace("python3.11", "export PATH=/opt/py313/bin:$PATH\npython3.11")
    assert differences(SAMPLE_README, workaround) == ["+ export PATH=/opt/py313/bin:$PATH"]
    other = same.replace("&& tox", "&& tox -e tests")
    assert differences(SAMPLE_README, other) == [
        "- python3.11 -m venv .venv && tox",
        "+ python3.11 -m venv .venv && tox -e tests",
    ]
