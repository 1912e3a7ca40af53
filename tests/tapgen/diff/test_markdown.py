"""The pull-request review: security first, then stateful replacements, the rest folded; deterministic."""

from __future__ import annotations

from tapgen.diff import diff_templates
from tapgen.diff.markdown import as_markdown
from tests.conftest import rendered_template


def broadened_and_replaced() -> str:
    old = rendered_template("dev")
    new = rendered_template("dev")
    statements = new["Resources"]["ApiRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    statements.append({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    new["Resources"]["MetadataTable"]["Properties"]["KeySchema"][0]["AttributeName"] = "other"
    return as_markdown(diff_templates(old, new), "templates/old.json → templates/new.json", True, offline=True)


def test_security_changes_come_first_with_broadenings_marked() -> None:
    text = broadened_and_replaced()
    security, replaced, rest = (text.index(h) for h in ("#### Security changes", "#### Stateful", "All changes"))
    assert security < replaced < rest
    assert "⚠️ **broadening**" in text.split("#### Stateful")[0]


def test_the_offline_heading_names_what_is_compared() -> None:
    text = broadened_and_replaced()
    assert text.splitlines()[0] == "### tapgen diff: `templates/old.json → templates/new.json: changes`"
    assert "deployed stack" not in text


def test_the_rest_is_folded_and_the_output_is_stable() -> None:
    text = broadened_and_replaced()
    assert "<details><summary>All changes</summary>" in text
    assert text == broadened_and_replaced()


def test_no_differences() -> None:
    template = rendered_template("dev")
    assert as_markdown(diff_templates(template, template), "tap-dev", True).endswith("no differences\n")
