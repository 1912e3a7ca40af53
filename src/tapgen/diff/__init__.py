"""`tapgen diff`'s engine: two templates in, what would change out (pure; no AWS calls)."""

from tapgen.diff.model import EntryDiff, ResourceDiff, TemplateDiff, ValueChange
from tapgen.diff.templates import diff_templates

__all__ = ["EntryDiff", "ResourceDiff", "TemplateDiff", "ValueChange", "diff_templates"]
