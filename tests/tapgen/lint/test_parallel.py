"""Linting several templates at once: two workers, reports in the order asked, the same as one at a time."""

from __future__ import annotations

import json

import pytest

from tapgen.lint.engine import lint_text
from tapgen.lint.parallel import MAX_WORKERS, LintJob, lint_all, worker_count
from tests.conftest import rendered_template


@pytest.mark.parametrize(("jobs", "cores", "workers"), [(1, 8, 1), (3, 8, MAX_WORKERS), (3, 1, 1), (0, 2, 1)])
def test_worker_count_is_bounded_by_jobs_cores_and_the_two_core_budget(jobs: int, cores: int, workers: int) -> None:
    assert worker_count(jobs, cores) == workers


def test_parallel_reports_match_serial_ones_in_order() -> None:
    texts = []
    for env, logical_id in (("dev", "ImageFunction"), ("prod", "DataFunction"), ("staging", "ApiFunction")):
        template = rendered_template(env)
        template["Resources"][logical_id]["Properties"]["TracingConfig"]["Mode"] = "PassThrough"
        texts.append((json.dumps(template, indent=1), f"{env}.json"))
    jobs = [LintJob(text, name) for text, name in texts]
    reports = lint_all(jobs)
    assert [r.name for r in reports] == ["dev.json", "prod.json", "staging.json"]
    assert reports == [lint_text(text, name) for text, name in texts]
    assert [[f.resource for f in r.findings if f.rule == "TAP009"] for r in reports] == [
        ["ImageFunction"],
        ["DataFunction"],
        ["ApiFunction"],
    ]
