"""Where resource types keep their policy documents: lint, diff and graph read the same places."""

from __future__ import annotations

# Resource policies, by type: the property holding the document.
RESOURCE_POLICY_DOCUMENTS = {
    "AWS::KMS::Key": "KeyPolicy",
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::SecretsManager::ResourcePolicy": "ResourcePolicy",
}
# Identity policies that are resources of their own (attached to roles, users or groups), by type.
IDENTITY_POLICY_DOCUMENTS = {"AWS::IAM::Policy": "PolicyDocument", "AWS::IAM::ManagedPolicy": "PolicyDocument"}
# Policy resources that govern other resources: the property naming them, and the type it names.
POLICY_ATTACHMENTS = {
    "AWS::S3::BucketPolicy": ("Bucket", "AWS::S3::Bucket"),
    "AWS::SQS::QueuePolicy": ("Queues", "AWS::SQS::Queue"),
    "AWS::SNS::TopicPolicy": ("Topics", "AWS::SNS::Topic"),
}
