"""The command line every benchmark script takes: --quick, --runs and --json, and the runs they mean."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class BenchmarkOptions:
    quick: bool
    runs: int  # samples per timing
    warmup: int  # unmeasured runs before them
    json: Path  # where the results are written


def parse_options(
    argv: Sequence[str] | None, description: str | None, *, default_runs: int, minimum_runs: int, results_file: str
) -> BenchmarkOptions:
    """`--quick` is one run and no warm-up (keeps a script working, judges nothing); otherwise at least
    `minimum_runs` samples after one warm-up run."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one run of each, no warm-up; verdicts not meaningful")
    parser.add_argument("--runs", type=int, default=default_runs, help=f"samples per timing (default {default_runs})")
    parser.add_argument("--json", type=Path, default=RESULTS / results_file)
    args = parser.parse_args(argv)
    runs, warmup = (1, 0) if args.quick else (max(args.runs, minimum_runs), 1)
    return BenchmarkOptions(args.quick, runs, warmup, args.json)
