"""The broadening gate: which security changes a deploy may execute without a person's interactive yes.

As CDK's `--require-approval`: `never` gates nothing, `broadening` (the default) holds every broadening, and
`any-change` every security change. A held change set runs only on an interactive yes, or when an approved plan
(`tapgen diff --format json`) lists exactly its security changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class RequireApproval(StrEnum):
    NEVER = "never"
    BROADENING = "broadening"
    ANY_CHANGE = "any-change"


@dataclass(frozen=True)
class SecurityReview:
    """A change set's security changes, as `tapgen diff` words them.

    `lines`: the section to print; `broadenings` and `changes`: one short description each; `plan_differences`:
    None when no plan was given, else how the changes differ from the approved plan (empty: exactly the plan).
    """

    lines: tuple[str, ...]
    broadenings: tuple[str, ...]
    changes: tuple[str, ...]
    plan_differences: tuple[str, ...] | None = None


# The deployed template (empty for a new stack), the proposed one and the region → their review.
Reviewer = Callable[[Mapping[str, Any], Mapping[str, Any], str], SecurityReview]


@dataclass(frozen=True)
class Verdict:
    """`held`: what needs approval before executing (empty: nothing); `approved_by_plan`: the plan covers it."""

    held: tuple[str, ...]
    approved_by_plan: bool

    @property
    def needs_a_person(self) -> bool:
        return bool(self.held) and not self.approved_by_plan


class PlanMismatch(Exception):
    """The security changes are not those of the approved plan."""


def judge(review: SecurityReview, mode: RequireApproval) -> Verdict:
    """What `mode` holds of the review; a plan that differs from the changes is refused outright."""
    if review.plan_differences:
        raise PlanMismatch("the security changes differ from the approved plan: " + "; ".join(review.plan_differences))
    held = {
        RequireApproval.NEVER: (),
        RequireApproval.BROADENING: review.broadenings,
        RequireApproval.ANY_CHANGE: review.changes,
    }[mode]
    return Verdict(held, approved_by_plan=review.plan_differences is not None)


def refusal(verdict: Verdict, mode: RequireApproval) -> str:
    """Why a non-interactive deploy stops, naming each held change and the ways on."""
    what = "broadening(s)" if mode is RequireApproval.BROADENING else "security change(s)"
    return (
        f"refusing to execute: {len(verdict.held)} {what} need approval ({'; '.join(verdict.held)}); "
        "change set deleted, nothing changed. Approve it at a terminal (without --yes), pass "
        "--approve PLAN with the reviewed `tapgen diff --format json`, or --require-approval never"
    )
