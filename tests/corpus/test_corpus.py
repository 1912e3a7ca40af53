"""Public templates (tests/corpus/README.md names each one's source and licence): tapgen lint never crashes on
them, and its own findings are exactly the reviewed ones pinned in findings.json, so a new false alarm (or a
finding that disappears) is a diff in review.

    TAPGEN_UPDATE_CORPUS=1 pytest tests/corpus    # rewrite findings.json after reviewing the change
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

from tapgen.lint.cfn import CRASHED
from tapgen.lint.engine import LintReport, lint_text

CORPUS = Path(__file__).parent
TEMPLATES = sorted((CORPUS / "templates").iterdir())
SNAPSHOT = CORPUS / "findings.json"


@cache
def report(name: str) -> LintReport:
    return lint_text((CORPUS / "templates" / name).read_text(encoding="utf-8"), name)


def tapgen_lines(name: str) -> list[str]:
    """tapgen's findings (cfn-lint's are cfn-lint's to judge) as `RULE resource line: message`."""
    findings = [f for f in report(name).findings if f.rule.startswith("TAP")]
    return sorted(f"{f.rule} {f.resource or '(template)'} {f.line}: {f.message}" for f in findings)


def test_the_corpus_has_25_public_templates_json_and_yaml_sam_and_foreach() -> None:
    texts = {path.name: path.read_text(encoding="utf-8") for path in TEMPLATES}
    assert len(texts) >= 25
    assert {Path(name).suffix for name in texts} == {".json", ".yaml"}
    assert any("AWS::Serverless-2016-10-31" in text for text in texts.values())
    assert any("Fn::ForEach" in text for text in texts.values())
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in texts), "each template's source and licence is in README.md"


@pytest.mark.parametrize("name", [path.name for path in TEMPLATES])
def test_no_crash_and_sam_and_foreach_are_expanded(name: str) -> None:
    rules = {f.rule for f in report(name).findings}
    assert CRASHED not in rules
    assert "TAP900" not in rules, "every transform in the corpus is expanded and checked"


def test_tapgen_findings_are_the_reviewed_ones() -> None:
    found = {path.name: tapgen_lines(path.name) for path in TEMPLATES}
    if os.environ.get("TAPGEN_UPDATE_CORPUS"):
        SNAPSHOT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert found == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
