"""The broadening gate's decisions, mode by mode, and its refusal text."""

from __future__ import annotations

import pytest

from tapgen.deploy.gate import PlanMismatch, RequireApproval, SecurityReview, judge, refusal

BROADENING = "ApiRole Policies/api added (broadening)"
NARROWING = "ApiRole Policies/api removed (narrowing)"
REVIEW = SecurityReview(lines=("Security changes",), broadenings=(BROADENING,), changes=(BROADENING, NARROWING))
QUIET = SecurityReview(lines=("Security changes",), broadenings=(), changes=(NARROWING,))


@pytest.mark.parametrize(
    ("review", "mode", "held"),
    [
        (REVIEW, RequireApproval.NEVER, ()),
        (REVIEW, RequireApproval.BROADENING, (BROADENING,)),
        (REVIEW, RequireApproval.ANY_CHANGE, (BROADENING, NARROWING)),
        (QUIET, RequireApproval.BROADENING, ()),
        (QUIET, RequireApproval.ANY_CHANGE, (NARROWING,)),
    ],
)
def test_each_mode_holds_what_it_names(review: SecurityReview, mode: RequireApproval, held: tuple[str, ...]) -> None:
    verdict = judge(review, mode)
    assert verdict.held == held
    assert verdict.needs_a_person == bool(held)


def test_a_matching_plan_approves_what_is_held() -> None:
    verdict = judge(SecurityReview(REVIEW.lines, REVIEW.broadenings, REVIEW.changes, ()), RequireApproval.BROADENING)
    assert verdict.held == (BROADENING,)
    assert verdict.approved_by_plan
    assert not verdict.needs_a_person


def test_a_plan_that_differs_is_refused_whatever_the_mode() -> None:
    review = SecurityReview(REVIEW.lines, REVIEW.broadenings, REVIEW.changes, ("not in the plan: X",))
    for mode in RequireApproval:
        with pytest.raises(PlanMismatch, match="not in the plan: X"):
            judge(review, mode)


def test_the_refusal_names_each_held_change_and_the_ways_on() -> None:
    text = refusal(judge(REVIEW, RequireApproval.BROADENING), RequireApproval.BROADENING)
    assert BROADENING in text
    assert "1 broadening(s)" in text
    assert all(way in text for way in ("terminal", "--approve", "--require-approval never"))
