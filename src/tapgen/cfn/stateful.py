"""The resource types that hold data: retained where data is retained, guarded at deploy, checked by lint."""

from __future__ import annotations

# Replacing or removing one of these loses data (for the key: the ability to read it; for the queue:
# the failed events waiting in it).
STATEFUL_TYPES = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::DynamoDB::Table",
        "AWS::KMS::Key",
        "AWS::SecretsManager::Secret",
        "AWS::Logs::LogGroup",
        "AWS::SQS::Queue",
    }
)
