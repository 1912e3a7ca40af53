"""The registry: every family registered in id order, and an id that means one rule forever."""

from __future__ import annotations

import pytest

from tapgen.cfn.view import TemplateView
from tapgen.lint.rules import FAMILIES, RETIRED_RULES, RULES, RuleFindings, RuleIdError, rule
from tapgen.lint.rules.registry import registered


def nothing(view: TemplateView) -> RuleFindings:
    yield from ()


def test_rules_are_every_registered_rule_in_id_order() -> None:
    ids = [r.id for r in RULES]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert registered() == RULES


def test_each_rule_lives_in_a_family_module() -> None:
    modules = {family.__name__ for family in FAMILIES}
    assert {r.check.__module__ for r in RULES} == modules


def test_tap011_is_retired_with_a_reason() -> None:
    assert RETIRED_RULES["TAP011"]
    assert not {r.id for r in RULES} & set(RETIRED_RULES)


@pytest.mark.parametrize("rule_id", sorted(RETIRED_RULES))
def test_a_retired_id_cannot_be_registered(rule_id: str) -> None:
    with pytest.raises(RuleIdError, match="retired"):
        rule(rule_id, "a new meaning", "why", "fix")(nothing)
    assert registered() == RULES


def test_a_taken_id_cannot_be_registered_again() -> None:
    with pytest.raises(RuleIdError, match="already"):
        rule(RULES[0].id, "a second meaning", "why", "fix")(nothing)
    assert registered() == RULES


@pytest.mark.parametrize("rule_id", ["TAP1", "E9001", "tap027", "TAP0270"])
def test_an_id_not_spelled_tap_and_three_digits_is_refused(rule_id: str) -> None:
    with pytest.raises(RuleIdError, match="not a rule id"):
        rule(rule_id, "odd", "why", "fix")(nothing)
    assert registered() == RULES
