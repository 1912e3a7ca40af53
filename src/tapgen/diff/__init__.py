"""`tapgen diff`'s engine: two templates in, what would change out (pure; no AWS calls)."""

from tapgen.cfn.values import ValueChange
from tapgen.diff.model import EntryDiff, ResourceDiff, TemplateDiff
from tapgen.diff.templates import diff_templates

__all__ = ["EntryDiff", "ResourceDiff", "TemplateDiff", "ValueChange", "diff_templates"]
