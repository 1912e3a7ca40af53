"""Template input: a bounded read, cfn-lint's decoder for JSON and YAML, and hostile nesting refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tapgen.lint.findings import TemplateError
from tapgen.lint.source import MAX_INPUT_BYTES, MAX_NESTING, decode_template, nesting_depth, read_template

FIXTURES = Path(__file__).parent / "fixtures"


def test_yaml_short_forms_read_as_their_long_forms() -> None:
    template = decode_template((FIXTURES / "short_forms.yaml").read_text(encoding="utf-8"), "short_forms.yaml")
    properties = template["Resources"]["Function"]["Properties"]
    assert properties["Role"] == {"Fn::GetAtt": ["Role", "Arn"]}
    assert list(properties["Code"]["ZipFile"]) == ["Fn::Sub"]


@pytest.mark.parametrize(
    ("text", "depth"),
    [("{}", 1), ('{"a": [[1], {"b": []}]}', 4), ('{"a": "[[[[not nesting"}', 1), ("a: x # [[[[\n", 0)],
    ids=["flat", "nested", "brackets-in-a-string", "brackets-in-a-comment"],
)
def test_nesting_depth_counts_brackets_outside_strings_and_comments(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000, "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1), '{"Resources": ' + "{" * 100_000],
    ids=["unclosed-100000", "closed-just-too-deep", "inside-a-template"],
)
def test_hostile_nesting_is_a_template_error_not_a_crash(text: str) -> None:
    with pytest.raises(TemplateError, match="nested more than"):
        decode_template(text, "d.json")


def test_nesting_a_real_template_needs_is_read() -> None:
    text = '{"Resources": {"R": {"Type": "AWS::SNS::Topic", "Metadata": ' + "[" * 100 + "]" * 100 + "}}}"
    assert decode_template(text, "ok.json")["Resources"]["R"]["Type"] == "AWS::SNS::Topic"


def test_an_endless_file_is_refused_after_a_bounded_read() -> None:
    with pytest.raises(TemplateError, match="more than 4 MiB, not read"):
        read_template(Path("/dev/zero"))


def test_a_file_at_the_read_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"#" * MAX_INPUT_BYTES)
    assert len(read_template(path)) == MAX_INPUT_BYTES


def test_a_byte_order_mark_is_not_part_of_the_template(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(b'\xef\xbb\xbf{"Resources": {}}')
    assert decode_template(read_template(path), "t.json") == {"Resources": {}}


def test_yaml_dates_read_as_the_text_cloudformation_sees() -> None:
    text = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n"
    text += "        Version: 2012-10-17\n"
    template = decode_template(text, "t.yaml")
    assert template["Resources"]["P"]["Properties"]["PolicyDocument"]["Version"] == "2012-10-17"
