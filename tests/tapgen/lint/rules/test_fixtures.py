"""Each rule on its own small templates, as cfn-lint's snapshot tests do: fixtures/TAPnnn/bad.yaml must draw the
rule's finding on the resources it lists (Metadata.Fixture.Finds), fixtures/TAPnnn/good.yaml none of that rule.

Every registered rule has both fixtures, and every fixture folder names a registered rule: a new rule cannot land
without them, nor a retired one keep them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tapgen.lint.engine import parse_template, tapgen_findings
from tapgen.lint.rules import RULES

FIXTURES = Path(__file__).parent / "fixtures"
RULE_IDS = [r.id for r in RULES]


def fixture(rule_id: str, kind: str) -> dict[str, Any]:
    path = FIXTURES / rule_id / f"{kind}.yaml"
    return parse_template(path.read_text(encoding="utf-8"), str(path))


def found_by(rule_id: str, template: dict[str, Any]) -> set[str]:
    return {f.resource for f in tapgen_findings(template) if f.rule == rule_id}


def test_every_rule_has_a_good_and_a_bad_fixture() -> None:
    missing = [
        f"{i}/{kind}.yaml"
        for i in RULE_IDS
        for kind in ("good", "bad")
        if not (FIXTURES / i / f"{kind}.yaml").is_file()
    ]
    assert missing == []


def test_every_fixture_folder_names_a_registered_rule() -> None:
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(RULE_IDS)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_bad_fixture_draws_the_finding_on_the_listed_resources(rule_id: str) -> None:
    template = fixture(rule_id, "bad")
    expected = set(template["Metadata"]["Fixture"]["Finds"])
    assert expected, f"{rule_id}/bad.yaml lists no resource in Metadata.Fixture.Finds"
    assert found_by(rule_id, template) == expected


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_good_fixture_draws_no_finding_of_the_rule(rule_id: str) -> None:
    assert found_by(rule_id, fixture(rule_id, "good")) == set()
