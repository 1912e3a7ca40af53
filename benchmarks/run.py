"""tapgen's performance, measured against its targets.

    python benchmarks/run.py            # medians of 7 runs after a warm-up; writes benchmarks/results/latest.json
    python benchmarks/run.py --quick    # one run each: keeps the script working in CI, judges nothing

Timings are medians over repeated runs because these machines are shared and noisy; they are
reported, never asserted in tests. Exit status is 0 unless the script itself breaks.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lambdas"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from options import parse_options  # noqa: E402
from probes import (  # noqa: E402  (the lambdas path must be set first)
    DeployedStack,
    handler_import_seconds,
    package_seconds,
    processor_bytes_read,
)
from tapgen.code.artifacts import build_artifacts  # noqa: E402
from tapgen.code.contract import load_contract  # noqa: E402
from tapgen.settings import load_all, load_settings  # noqa: E402
from tapgen.synth.render import render, render_all  # noqa: E402

CONFIG = ROOT / "tapgen.toml"
TAPGEN = [sys.executable, "-m", "tapgen"]
KIB, MIB = 1024, 1024 * 1024
CFN_BODY_LIMIT = 1_000_000  # bytes, for a template uploaded to S3 (TemplateURL)
CFN_RESOURCE_LIMIT = 500


@dataclass(frozen=True)
class Result:
    metric: str
    unit: str
    median: float
    low: float
    high: float
    target: str
    passed: bool | None  # None: reported only, no target

    def row(self) -> list[str]:
        verdict = {True: "pass", False: "MISS", None: "-"}[self.passed]
        return [self.metric, _fmt(self.median), _fmt(self.low), _fmt(self.high), self.unit, self.target, verdict]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def sample(measure: Callable[[], float], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        measure()
    return [measure() for _ in range(runs)]


def timed(
    metric: str, measure: Callable[[], float], runs: int, warmup: int, limit: float | None, unit: str = "ms"
) -> Result:
    """Median of `runs` samples (seconds from `measure`) against an upper limit in `unit` (None: reported only)."""
    scale = 1000.0 if unit == "ms" else 1.0
    values = [v * scale for v in sample(measure, runs, warmup)]
    median = statistics.median(values)
    if limit is None:
        return Result(metric, unit, median, min(values), max(values), "reported", None)
    return Result(metric, unit, median, min(values), max(values), f"<= {limit:g} {unit}", median <= limit)


def reported(metric: str, unit: str, value: float, target: str = "", passed: bool | None = None) -> Result:
    return Result(metric, unit, value, value, value, target or "reported", passed)


# Processes run as an installed tool does, from bytecode: pip writes it at install and an editable install on the
# first (warm-up) run. Without it (PYTHONDONTWRITEBYTECODE is set on some machines) every module of tapgen is
# compiled from source on every run, which measures the compiler, not tapgen (about 25 ms of a cold render).
TOOL_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def process_seconds(args: Sequence[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, stdout=subprocess.DEVNULL, check=True, env=TOOL_ENV)
    return time.perf_counter() - start


def peak_rss_mib(args: Sequence[str]) -> float:
    """Peak resident memory of one child process, from its own rusage."""
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, env=TOOL_ENV)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise RuntimeError(f"{' '.join(args)} exited with status {status}")
    return usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


# What a cold render cannot avoid: starting Python and importing the libraries the render path needs, as tapgen
# imports them (`import tapgen` first keeps troposphere from loading cfn_flip and PyYAML).
FLOOR = [sys.executable, "-c", "import tapgen, troposphere, awacs.aws, click"]
# Everything a cold render imports, rendering nothing: splits the gap above the floor into imports and work.
RENDER_IMPORTS = [sys.executable, "-c", "import tapgen.cli, tapgen.commands.render, tapgen.synth.render"]


def render_metrics(runs: int, warmup: int) -> list[Result]:
    prod = load_settings("prod", CONFIG)
    rss = [peak_rss_mib([*TAPGEN, "render", "--env", "prod"]) for _ in range(runs)]
    cold = timed(
        "cold `tapgen render --env prod`",
        lambda: process_seconds([*TAPGEN, "render", "--env", "prod"]),
        runs,
        warmup,
        80,
    )
    floor = timed(
        "floor: Python start + tapgen's troposphere, awacs, click", lambda: process_seconds(FLOOR), runs, warmup, 80
    )
    imports = timed(
        "imports of a cold render, nothing rendered", lambda: process_seconds(RENDER_IMPORTS), runs, warmup, None
    )
    return [
        cold,
        floor,
        reported("cold render beyond the floor", "ms", cold.median - floor.median),
        imports,
        timed("in-process build + render (prod)", lambda: _seconds(lambda: render(prod)), runs, warmup, 50),
        Result(
            "peak RSS `tapgen render --env prod`",
            "MiB",
            statistics.median(rss),
            min(rss),
            max(rss),
            "<= 80 MiB",
            statistics.median(rss) <= 80,
        ),
        timed(
            "`tapgen render --all --check`",
            lambda: process_seconds([*TAPGEN, "render", "--all", "--check"]),
            runs,
            warmup,
            500,
        ),
    ]


def _seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def size_metrics() -> list[Result]:
    results = [
        reported(f"zip size: {name}", "KiB", len(a.zip_bytes) / KIB, "<= 32 KiB", len(a.zip_bytes) <= 32 * KIB)
        for name, a in build_artifacts(ROOT / "lambdas").items()
    ]
    for settings, text in render_all(load_all(CONFIG)):
        resources = len(json.loads(text)["Resources"])
        results.append(
            reported(
                f"template size: {settings.name}",
                "KB",
                len(text.encode()) / 1000,
                f"limit {CFN_BODY_LIMIT // 1000:,} KB",
                len(text.encode()) <= CFN_BODY_LIMIT,
            )
        )
        results.append(
            reported(
                f"resources: {settings.name}",
                "count",
                resources,
                f"limit {CFN_RESOURCE_LIMIT}",
                resources <= CFN_RESOURCE_LIMIT,
            )
        )
    return results


def package_metrics(runs: int, warmup: int) -> list[Result]:
    cold = timed("`tapgen package` all functions, cold", lambda: package_seconds(fresh=True), runs, warmup, 200)
    noop = timed(
        "`tapgen package` all functions, nothing changed", lambda: package_seconds(fresh=False), runs, warmup, 50
    )
    return [cold, noop]


def lambda_metrics(runs: int, warmup: int) -> list[Result]:
    results = [
        timed(f"import {name} handler beyond boto3", lambda n=name: handler_import_seconds(n), runs, warmup, 20)
        for name in (fn.name for fn in load_contract(ROOT / "lambdas").FUNCTIONS)
    ]
    reads = {size: processor_bytes_read(size) for size in (KIB, MIB, 100 * MIB)}
    bounded = reads[MIB] == reads[100 * MIB]
    for size, read in reads.items():
        label = f"{size // MIB} MiB" if size >= MIB else f"{size // KIB} KiB"
        results.append(
            reported(
                f"bytes a processor reads of a {label} object",
                "bytes",
                read,
                "window + 4 KiB tail, same for 1 MiB and 100 MiB",
                bounded,
            )
        )
    return results


def diff_metrics(runs: int, warmup: int) -> list[Result]:
    """`tapgen diff` with nothing to show, against a moto server: the whole process, and beyond its AWS calls."""
    stack = DeployedStack()
    try:
        samples = sample(stack.diff_seconds, runs, warmup)
    finally:
        stack.close()
    beyond = [(total - in_aws) * 1000 for total, in_aws in samples]
    whole = [total * 1000 for total, _ in samples]
    median = statistics.median(beyond)
    return [
        Result(
            "`tapgen diff --env dev`, no differences",
            "ms",
            statistics.median(whole),
            min(whole),
            max(whole),
            "reported",
            None,
        ),
        Result(
            "`tapgen diff`, no differences, beyond AWS calls",
            "ms",
            median,
            min(beyond),
            max(beyond),
            "<= 2000 ms",
            median <= 2000,
        ),
    ]


def report(results: Sequence[Result], path: Path, *, quick: bool, runs: int) -> None:
    """The table on stdout and the same results as JSON at `path` (with how they were taken)."""
    print_table(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"quick": quick, "runs": runs, "python": sys.version.split()[0], "results": [asdict(r) for r in results]}
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", file=sys.stderr)


def print_table(results: Sequence[Result]) -> None:
    header = ["metric", "median", "min", "max", "unit", "target", "result"]
    rows = [header, *(r.row() for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv, __doc__, default_runs=7, minimum_runs=5, results_file="latest.json")
    runs, warmup = options.runs, options.warmup
    results = [
        *render_metrics(runs, warmup),
        *package_metrics(runs, warmup),
        *lambda_metrics(runs, warmup),
        *diff_metrics(runs, warmup),
        *size_metrics(),
    ]
    report(results, options.json, quick=options.quick, runs=runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
