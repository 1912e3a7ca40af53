"""Edit -> live for a one-handler change: `tapgen deploy` against `tapgen deploy --hotswap`, on a kept emulator.

    python benchmarks/hotswap.py            # 5 rounds of each, alternating, after one full deploy
    python benchmarks/hotswap.py --runs 9

Each round appends a comment to the image processor, re-renders templates/dev.json (a deploy ships only a
current template) and runs the deploy until it returns, by which time the function runs the new zip
(verified by CodeSha256). AWS calls are counted with a botocore event hook (`before-call`) on every client
tapgen creates. The emulator is a moto server in this process (tapgen.local.emulator.running): the figures
say how much work each path does, not what AWS's latencies would add. Reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
BUCKET = "tapgen-bench-artifacts"
SUFFIX = "bench"
PATHS = ("command deploy", "command deploy --hotswap", "watch round", "watch round --hotswap")


@contextmanager
def counted_calls() -> Iterator[Callable[[], int]]:
    """Count every AWS API call of every botocore client created in the block."""
    import botocore.session

    calls = 0
    original = botocore.session.Session.create_client

    def count(**_: Any) -> None:
        nonlocal calls
        calls += 1

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call", count)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    try:
        yield lambda: calls
    finally:
        botocore.session.Session.create_client = original  # type: ignore[method-assign]


def project(destination: Path) -> Path:
    config = destination / "tapgen.toml"
    shutil.copy(ROOT / "tapgen.toml", config)
    shutil.copytree(ROOT / "lambdas", destination / "lambdas", ignore=shutil.ignore_patterns("__pycache__"))
    (destination / "templates").mkdir()
    return config


def rerender(config: Path) -> None:
    from tapgen.settings import load_settings
    from tapgen.synth.render import render, template_path, write

    settings = load_settings("dev", config)
    write(template_path(config.parent / "templates", settings), render(settings))


def deploy(endpoint: str, config: Path, *extra: str) -> str:
    from click.testing import CliRunner

    from tapgen.cli import main

    args = ["deploy", "--env", "dev", "--suffix", SUFFIX, "--endpoint-url", endpoint, "--bucket", BUCKET, "--yes"]
    args += ["--require-approval", "never", "--outputs-file", str(config.parent / "out.json"), "--config", str(config)]
    result = CliRunner().invoke(main, [*args, *extra])
    if result.exit_code != 0:
        raise SystemExit(f"deploy {' '.join(extra)} failed: {result.output}")
    return result.stderr


def one_round(endpoint: str, config: Path, number: int, extra: tuple[str, ...]) -> tuple[float, int, str]:
    """A save, then a fresh `tapgen deploy` command (clients, account check and all), as typed by hand."""
    handler = config.parent / "lambdas" / "tap_processors" / "image.py"
    with counted_calls() as calls:
        started = time.perf_counter()
        handler.write_text(handler.read_text() + f"\n# benchmark edit {number}\n")
        rerender(config)
        said = deploy(endpoint, config, *extra)
        return time.perf_counter() - started, calls(), said


class WatchRounds:
    """A save, then what one `deploy --watch` round does: re-render, plan, deploy or hotswap, with the clients
    (and their account check) made once for the whole watch, as `--watch` makes them."""

    def __init__(self, endpoint: str, config: Path) -> None:
        from tapgen.cloud.clients import AwsTarget, clients_for

        self.config = config
        self.calls = 0
        self._made = clients_for(AwsTarget(REGION, endpoint_url=endpoint))
        self._hooked: set[str] = set()
        self.clients("sts").get_caller_identity()

    def clients(self, service: str) -> Any:
        """The watch's clients, each counting its calls with the same `before-call` hook."""
        client = self._made(service)
        if service not in self._hooked:
            self._hooked.add(service)
            client.meta.events.register("before-call", self._count)
        return client

    def _count(self, **_: Any) -> None:
        self.calls += 1

    def run(self, number: int, hotswap: bool) -> tuple[float, int, str]:
        from tapgen.commands.cloud import reviewed_template
        from tapgen.deploy.flow import Console, DeployPlan
        from tapgen.deploy.flow import deploy as full_deploy
        from tapgen.deploy.hotswap_flow import hotswap as hot_deploy
        from tapgen.settings import load_settings

        lines: list[str] = []
        console = Console(say=lines.append, confirm=lambda _: True, interactive=False)
        handler = self.config.parent / "lambdas" / "tap_processors" / "image.py"
        before = self.calls
        started = time.perf_counter()
        handler.write_text(handler.read_text() + f"\n# benchmark watch edit {number}\n")
        rerender(self.config)
        settings = load_settings("dev", self.config)
        reviewed = reviewed_template(settings, self.config)
        plan = DeployPlan(
            f"tap-{SUFFIX}", SUFFIX, BUCKET, REGION, reviewed.text, reviewed.artifacts, settings.retain_data
        )
        if not hotswap or hot_deploy(plan, self.clients, console, only=True) is None:
            full_deploy(plan, self.clients, console)
        return time.perf_counter() - started, self.calls - before, "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    from tapgen.local import emulator

    with (
        tempfile.TemporaryDirectory() as folder,
        emulator.isolated_environ(REGION),
        emulator.running(REGION) as local,
        emulator.patched_environ(local.environment()),
    ):
        config = project(Path(folder))
        emulator.create_bucket(local, BUCKET)
        emulator.set_api_gateway_logging_role(local)
        rerender(config)
        deploy(local.endpoint_url, config)
        emulator.supply_skipped_resources(local, f"tap-{SUFFIX}")
        figures: dict[str, list[tuple[float, int]]] = {name: [] for name in PATHS}
        watching = WatchRounds(local.endpoint_url, config)
        for number in range(runs):
            for name in PATHS:
                hot = name.endswith("--hotswap")
                if name.startswith("watch"):
                    seconds, calls, said = watching.run(number, hot)
                else:
                    seconds, calls, said = one_round(local.endpoint_url, config, number, ("--hotswap",) if hot else ())
                if hot and "hotswap done" not in said:
                    raise SystemExit(f"the hotswap round did not hotswap: {said}")
                figures[name].append((seconds, calls))
    report = {
        name: {
            "median_seconds": round(statistics.median(s for s, _ in rounds), 3),
            "median_aws_calls": statistics.median(c for _, c in rounds),
            "runs": len(rounds),
        }
        for name, rounds in figures.items()
    }
    ratios = {
        kind: round(report[f"{kind}"]["median_seconds"] / report[f"{kind} --hotswap"]["median_seconds"], 1)
        for kind in ("command deploy", "watch round")
    }
    print(f"{'path':<28} {'edit -> live (median s)':>24} {'AWS calls (median)':>20}")
    for name in PATHS:
        print(f"{name:<28} {report[name]['median_seconds']:>24.3f} {report[name]['median_aws_calls']:>20}")
    for kind, ratio in ratios.items():
        print(f"{kind}: hotswap is {ratio}x faster edit -> live (target >= 5x)")
    report["ratios"] = ratios  # type: ignore[assignment]
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "hotswap.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
