"""cfn-lint, used as a library, with informational rules included; its matches become findings."""

from __future__ import annotations

from tapgen.lint.findings import Finding


def cfn_lint_findings(template_text: str, region: str) -> list[Finding]:
    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    matches = lint(template_text, config=ManualArgs(include_checks=["I"], regions=[region]))
    findings = []
    for match in matches:
        path = list(getattr(match, "path", None) or [])
        resource = str(path[1]) if len(path) > 1 and path[0] == "Resources" else ""
        where = "/".join(map(str, path))
        findings.append(
            Finding(
                match.rule.id,
                resource,
                f"{match.message} (at {where}, line {match.linenumber})" if where else match.message,
                f"See https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md ({match.rule.id})",
            )
        )
    return findings
