"""cfn-lint, used as a library, with informational rules included; its matches become findings."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from tapgen.lint.findings import Finding

RULES_INDEX = "https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md"
CRASHED = "E0000"
CRASH_FIX = "Give each top-level section (Metadata, Parameters, Conditions, Resources, Outputs) a mapping."


@cache
def _rules() -> Any:
    """cfn-lint's rule set, loaded once per process (about 0.5 s) and shared by every template."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    return Runner(ConfigMixIn(include_checks=["I"])).rules


def preload_rules() -> None:
    """Load cfn-lint's rules now (e.g. before forking workers, which then share them)."""
    _rules()


def _finding(match: Any) -> Finding:
    path = list(getattr(match, "path", None) or [])
    resource = str(path[1]) if len(path) > 1 and path[0] == "Resources" else ""
    where = "/".join(map(str, path))
    fix = f"cfn-lint {match.rule.id} ({match.rule.shortdesc}) explains it: {match.rule.source_url or RULES_INDEX}"
    line, column = int(match.linenumber or 0), int(match.columnnumber or 0)
    return Finding(match.rule.id, resource, str(match.message), fix, line, column, where)


@lru_cache(maxsize=8)
def cfn_lint_findings(template_text: str, region: str) -> tuple[Finding, ...]:
    """cfn-lint's findings; the same text is linted once per process (about 2.5 s a template)."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.decode.decode import decode_str
    from cfnlint.runner import run_template_by_data

    try:
        template, matches = decode_str(template_text)
        if template is not None and not matches:
            config = ConfigMixIn(include_checks=["I"], regions=[region])
            matches = list(run_template_by_data(template, config, _rules()))
    except Exception as error:  # cfn-lint tripping over a hand-edited shape is a finding, not a traceback
        return (Finding(CRASHED, "", f"cfn-lint could not check this template: {error!r}", CRASH_FIX),)
    return tuple(_finding(match) for match in matches)


def cfn_lint_rule(rule_id: str) -> Any | None:
    """cfn-lint's rule object (shortdesc, description, source_url) for an id it reported, if it has one."""
    return _rules().get(rule_id)
