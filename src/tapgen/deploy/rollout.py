"""Several regions, one at a time or a few at once: the waves of a rollout, each region's own console (its lines
prefixed with the region), and the summary of what happened where.

A rollout runs a region's whole single-region path (`run_one`) per region: first the canary alone, then the rest,
at most `parallel` at a time. A failure lets the other regions of its wave finish and starts no further wave.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from tapgen.cloud.clients import aws_errors
from tapgen.deploy.flow import Console

DEPLOYED, UNCHANGED, CHANGE_SET, DONE, FAILED, NOT_STARTED = (
    "deployed",
    "unchanged",
    "change set left for review",
    "done",
    "failed",
    "not started",
)

T = TypeVar("T")


def waves(regions: Sequence[str], parallel: int) -> list[tuple[str, ...]]:
    """The canary (the first region) alone, then the rest in order, `parallel` at a time."""
    if parallel < 1:
        raise ValueError(f"parallel must be at least 1, not {parallel}")
    if not regions:
        return []
    rest = list(regions[1:])
    return [(regions[0],), *(tuple(rest[i : i + parallel]) for i in range(0, len(rest), parallel))]


@dataclass(frozen=True)
class RegionOutcome(Generic[T]):
    """What happened in one region: its status, why it failed, how long it took, and what it returned."""

    region: str
    status: str
    seconds: float = 0.0
    reason: str = ""
    result: T | None = None

    def line(self, width: int) -> str:
        took = f" in {self.seconds:.1f} s" if self.status != NOT_STARTED else ""
        why = f": {self.reason}" if self.reason else ""
        return f"  {self.region:<{width}}  {self.status}{took}{why}"


@dataclass(frozen=True)
class Rollout(Generic[T]):
    outcomes: tuple[RegionOutcome[T], ...]

    @property
    def failed(self) -> bool:
        return any(outcome.status == FAILED for outcome in self.outcomes)

    def summary(self, what: str) -> list[str]:
        width = max((len(outcome.region) for outcome in self.outcomes), default=0)
        return [f"{what}, region by region:", *(outcome.line(width) for outcome in self.outcomes)]


def region_console(console: Console, region: str, lock: threading.Lock) -> Console:
    """The console of one region: every line prefixed with it, and one question at a time."""

    def say(message: str) -> None:
        with lock:
            for line in message.splitlines() or [""]:
                console.say(f"[{region}] {line}")

    def confirm(question: str) -> bool:
        with lock:
            return console.confirm(f"[{region}] {question}")

    return Console(say=say, confirm=confirm, interactive=console.interactive)


def roll_out(
    regions: Sequence[str],
    parallel: int,
    run_one: Callable[[str, Console], tuple[str, T]],
    console: Console,
    clock: Callable[[], float] = time.monotonic,
) -> Rollout[T]:
    """Run `run_one(region, its console)` -> (status, result) wave by wave; an exception is that region's
    failure (its message the reason) and the last wave started. Ctrl-C is not caught."""
    lock = threading.Lock()
    outcomes: dict[str, RegionOutcome[T]] = {}

    def attempt(region: str) -> RegionOutcome[T]:
        own = region_console(console, region, lock)
        started = clock()
        own.say("started")
        try:
            with aws_errors():
                status, result = run_one(region, own)
        except Exception as error:  # any failure of the region stops the rollout; it is reported, not raised
            took = clock() - started
            reason = str(error) or type(error).__name__
            own.say(f"failed after {took:.1f} s: {reason}")
            return RegionOutcome(region, FAILED, took, reason.splitlines()[0])
        took = clock() - started
        own.say(f"{status} in {took:.1f} s")
        return RegionOutcome(region, status, took, result=result)

    planned = waves(regions, parallel)
    for number, wave in enumerate(planned, start=1):
        if len(planned) > 1:
            with lock:
                console.say(f"wave {number} of {len(planned)}: {', '.join(wave)}")
        if len(wave) == 1:
            done = [attempt(wave[0])]
        else:
            with ThreadPoolExecutor(max_workers=len(wave), thread_name_prefix="region") as pool:
                done = list(pool.map(attempt, wave))
        outcomes.update((outcome.region, outcome) for outcome in done)
        if any(outcome.status == FAILED for outcome in done):
            break
    return Rollout(tuple(outcomes.get(region, RegionOutcome(region, NOT_STARTED)) for region in regions))
