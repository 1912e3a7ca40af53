"""CloudFormation's template size limits, checked on the text as given (cfn-lint checks only files it reads)."""

from __future__ import annotations

from tapgen.lint.findings import Finding

BODY_LIMIT = 51_200  # bytes: the most CreateStack/UpdateStack take inline (TemplateBody)
URL_LIMIT = 1_000_000  # bytes: the most they take from S3 (TemplateURL), the hard limit
TOO_LARGE = "TAP901"


def size_findings(text: str) -> list[Finding]:
    size = len(text.encode("utf-8"))
    if size <= URL_LIMIT:
        return []
    message = f"the template is {size:,} bytes; CloudFormation refuses templates over {URL_LIMIT:,} bytes"
    return [Finding(TOO_LARGE, "", message, "Split it into nested stacks, or shorten it (e.g. minified JSON).")]


def size_notes(text: str) -> list[str]:
    """Not a fault: a template over the inline limit deploys when uploaded to S3 first."""
    size = len(text.encode("utf-8"))
    if BODY_LIMIT < size <= URL_LIMIT:
        return [
            f"the template is {size:,} bytes, over the {BODY_LIMIT:,} bytes CloudFormation takes inline: "
            "deploy it from S3 (TemplateURL, or --s3-bucket)"
        ]
    return []
