"""How long `tapgen deploy` takes for three regions on the emulator (moto, one server for every region).

    python benchmarks/regions.py            # medians of 3 runs of each; prints JSON
    python benchmarks/regions.py --runs 1

Compared: max_parallel_regions = 1 (three waves: the canary, then one region at a time) and = 2 (two waves: the
canary, then the other two at once, in threads). Each run deploys a fresh stack (its own suffix) into the same
server. Reported, never asserted: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from tapgen.cli import main
from tapgen.local.emulator import Emulator, create_bucket, isolated_environ, patched_environ, running
from tapgen.settings import load_all
from tapgen.synth.render import render, template_path, write

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")


def project(directory: Path, parallel: int) -> Path:
    config = directory / "tapgen.toml"
    shutil.copytree(ROOT / "lambdas", directory / "lambdas", ignore=shutil.ignore_patterns("__pycache__"))
    regions = ", ".join(f'"{region}"' for region in REGIONS)
    text = (ROOT / "tapgen.toml").read_text(encoding="utf-8")
    config.write_text(
        text.replace("[env.dev]\n", f"[env.dev]\nregions = [{regions}]\nmax_parallel_regions = {parallel}\n", 1),
        encoding="utf-8",
    )
    for settings in load_all(config):
        write(template_path(directory / "templates", settings), render(settings))
    return config


def deploy_seconds(server: Emulator, config: Path, suffix: str) -> float:
    args = ["deploy", "--env", "dev", "--suffix", suffix, "--endpoint-url", server.endpoint_url, "--config",
            str(config), "--bucket", "bench-{region}", "--yes", "--require-approval", "never",
            "--outputs-file", str(config.parent / f"{suffix}.json")]  # fmt: skip
    started = time.perf_counter()
    result = CliRunner().invoke(main, args)
    took = time.perf_counter() - started
    if result.exit_code != 0:
        sys.exit(f"deploy failed: {result.output}")
    return took


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    results: dict[str, object] = {"regions": list(REGIONS), "runs": runs}
    with (
        tempfile.TemporaryDirectory() as scratch,
        isolated_environ(REGIONS[0]),
        running(REGIONS[0]) as server,
        patched_environ(server.environment()),
    ):
        for region in REGIONS:
            create_bucket(Emulator(server.endpoint_url, region), f"bench-{region}")
        for parallel, label in ((1, "three_waves_one_at_a_time"), (2, "two_waves_canary_then_two")):
            directory = Path(scratch) / label
            directory.mkdir()
            config = project(directory, parallel)
            deploy_seconds(server, config, f"warm{parallel}")  # warm-up: imports, zips
            times = [deploy_seconds(server, config, f"b{parallel}r{run}") for run in range(runs)]
            median = round(statistics.median(times), 2)
            results[label] = {"median_seconds": median, "runs": [round(t, 2) for t in times]}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main_()
