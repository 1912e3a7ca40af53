"""`tapgen lint` against plain cfn-lint on the same rendered templates, and tapgen's overhead.

    python benchmarks/lint.py            # medians of 5 runs after a warm-up; writes benchmarks/results/lint.json
    python benchmarks/lint.py --quick    # one run each: keeps the script working, judges nothing

Both run as fresh processes (what CI and a pre-commit hook pay), with the same rule set (cfn-lint's
informational rules included, as tapgen runs them). Wall time is what a user waits for; CPU time (user +
system, workers included) is the work done, so the overhead of tapgen's own rules, expansions and reports
shows even where running two processes in parallel hides it from the wall clock.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from options import parse_options  # noqa: E402  (the benchmarks path must be set first)
from run import Result, report  # noqa: E402

TEMPLATES = [f"templates/{env}.json" for env in ("dev", "staging", "prod")]
CFN_LINT = [str(Path(sys.executable).parent / "cfn-lint"), "--include-checks", "I", "--", *TEMPLATES]
TAPGEN_FILES = [sys.executable, "-m", "tapgen", "lint", *TEMPLATES]
TAPGEN_ALL = [sys.executable, "-m", "tapgen", "lint", "--all"]
OVERHEAD_LIMIT = 1.20


def wall_and_cpu(args: Sequence[str]) -> tuple[float, float]:
    """Seconds of wall clock and of CPU (this child and every process it waited for) for one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(args: Sequence[str], runs: int, warmup: int) -> tuple[list[float], list[float]]:
    for _ in range(warmup):
        wall_and_cpu(args)
    samples = [wall_and_cpu(args) for _ in range(runs)]
    return [w for w, _ in samples], [c for _, c in samples]


def seconds(metric: str, values: list[float]) -> Result:
    return Result(metric, "s", statistics.median(values), min(values), max(values), "reported", None)


def ratio(metric: str, tapgen: list[float], baseline: list[float]) -> Result:
    value = statistics.median(tapgen) / statistics.median(baseline)
    return Result(metric, "x", value, value, value, f"< {OVERHEAD_LIMIT:g}x", value < OVERHEAD_LIMIT)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv, __doc__, default_runs=5, minimum_runs=3, results_file="lint.json")
    runs, warmup = options.runs, options.warmup
    cfn_wall, cfn_cpu = measure(CFN_LINT, runs, warmup)
    files_wall, files_cpu = measure(TAPGEN_FILES, runs, warmup)
    all_wall, all_cpu = measure(TAPGEN_ALL, runs, warmup)
    results = [
        seconds("plain `cfn-lint` on templates/{dev,staging,prod}.json, wall", cfn_wall),
        seconds("plain `cfn-lint`, CPU", cfn_cpu),
        seconds("`tapgen lint` on the same files (2 workers), wall", files_wall),
        seconds("`tapgen lint` on the same files, CPU", files_cpu),
        seconds("`tapgen lint --all` (render + lint), wall", all_wall),
        seconds("`tapgen lint --all`, CPU", all_cpu),
        ratio("tapgen / cfn-lint, same files, wall", files_wall, cfn_wall),
        ratio("tapgen / cfn-lint, same files, CPU", files_cpu, cfn_cpu),
        ratio("tapgen --all / cfn-lint, wall", all_wall, cfn_wall),
    ]
    report(results, options.json, quick=options.quick, runs=runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
