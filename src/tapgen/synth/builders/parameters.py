"""Template parameters: where the code lives, and which copy of the environment this stack is."""

from __future__ import annotations

from troposphere import Parameter

from tapgen.settings import BUCKET_NAME_PATTERN, ENV_NAME_PATTERN, Settings
from tapgen.settings.names import ENVIRONMENT_SUFFIX
from tapgen.synth.naming import ARTIFACT_BUCKET


def artifact_bucket() -> Parameter:
    return Parameter(
        ARTIFACT_BUCKET,
        Type="String",
        Description="S3 bucket holding the Lambda zips that `tapgen package` uploaded.",
        AllowedPattern=BUCKET_NAME_PATTERN,
        ConstraintDescription="must be an S3 bucket name",
    )


def environment_suffix(settings: Settings) -> Parameter:
    """Defaults to the environment's name; a short-lived copy (say `pr544`) passes its own."""
    return Parameter(
        ENVIRONMENT_SUFFIX,
        Type="String",
        Default=settings.name,
        Description="Suffix of every physical name, so several copies can share an account.",
        AllowedPattern=ENV_NAME_PATTERN,
        ConstraintDescription="1-20 characters: a lower-case letter, then lower-case letters, digits or '-'",
    )
