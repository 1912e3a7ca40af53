"""Template input: a bounded read of the file, then cfn-lint's own JSON/YAML decoder (line and column kept)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from tapgen.lint.findings import TemplateError

# CloudFormation refuses templates over 1 MB; reading 4 times that leaves room to report the size as a finding.
MAX_INPUT_BYTES = 4 * 1024 * 1024
# Real templates nest a few dozen levels; the YAML and JSON parsers recurse, and libyaml can crash past thousands.
MAX_NESTING = 256
QUOTED_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|(?:^|(?<=\s))#[^\n]*', re.MULTILINE)
BRACKET = re.compile(r"[\[\]{}]")


def read_template(path: Path) -> str:
    """The file's text, refused with a one-line error when it is not UTF-8 text or is too large to be a template."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise TemplateError(f"{path}: {error.strerror or error}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise TemplateError(
            f"{path}: more than {MAX_INPUT_BYTES // (1024 * 1024)} MiB, not read "
            "(CloudFormation accepts templates of at most 1 MB)"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: not a UTF-8 text file") from None


def nesting_depth(text: str) -> int:
    """How deep brackets nest outside quoted strings and comments (a bound on what the parsers must recurse)."""
    depth = deepest = 0
    for match in BRACKET.finditer(QUOTED_OR_COMMENT.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(depth - 1, 0)
    return deepest


def without_leading_tabs(text: str) -> str:
    """JSON may start with tabs, which YAML refuses before cfn-lint's decoder tries JSON; lines stay where they are."""
    stripped = text.lstrip(" \t")
    return stripped if stripped.startswith(("{", "[")) else text


def _one_line(detail: str) -> str:
    return " ".join(str(detail).split())


def decode_template(text: str, name: str) -> dict[str, Any]:
    """The template as cfn-lint reads it (JSON or YAML, short intrinsic forms expanded), with line marks."""
    from cfnlint.decode.decode import decode_str

    if nesting_depth(text) > MAX_NESTING:
        raise TemplateError(f"{name}: nested more than {MAX_NESTING} levels deep, which no template needs")
    try:
        template, errors = decode_str(without_leading_tabs(text))
    except (RecursionError, MemoryError, ValueError) as error:
        raise TemplateError(f"{name}: not a JSON template and not a YAML one ({type(error).__name__})") from None
    if errors or template is None:
        detail = _one_line(errors[0].message) if errors else "empty"
        raise TemplateError(f"{name}: not a JSON template and not a YAML one ({detail})")
    if not isinstance(template, dict | list):
        raise TemplateError(f"{name}: not a JSON template and not a YAML one (it reads as a single value)")
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise TemplateError(f"{name}: not a CloudFormation template (no Resources mapping)")
    dates_as_text(template)
    return template


def dates_as_text(node: Any) -> None:
    """YAML reads `Version: 2012-10-17` as a date; CloudFormation (and everything after) reads the text."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in list(items):
        if isinstance(value, datetime.date):
            node[key] = value.isoformat()
        else:
            dates_as_text(value)
