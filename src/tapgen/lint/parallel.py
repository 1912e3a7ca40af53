"""Several templates linted at once, one process per core: cfn-lint is pure Python and CPU-bound, so threads
would not help. The first template is linted here, which loads cfn-lint's rules and the resource schemas it
reads lazily; the workers are forked after that and share them, rather than each loading them again."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from tapgen.lint.engine import DEFAULT_REGION, LintReport, lint_text

MAX_WORKERS = 2  # the machines tapgen runs on (CI, laptops) give it about two cores


@dataclass(frozen=True)
class LintJob:
    text: str
    name: str
    region: str = DEFAULT_REGION
    uri: str = ""


def _run(job: LintJob) -> LintReport:
    return lint_text(job.text, job.name, job.region, job.uri)


def worker_count(jobs: int, cores: int | None = None) -> int:
    return max(1, min(jobs, MAX_WORKERS, cores or os.cpu_count() or 1))


def lint_all(jobs: Sequence[LintJob]) -> list[LintReport]:
    """Reports in the order of `jobs`; in this process when one worker would do."""
    if not jobs:
        return []
    first = _run(jobs[0])
    rest = jobs[1:]
    workers = worker_count(len(rest))
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [first, *map(_run, rest)]
    gc.freeze()  # the workers' garbage collector then leaves the shared pages alone (no copy-on-write)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return [first, *pool.map(_run, rest)]
