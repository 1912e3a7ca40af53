"""The dead-letter queue of the processors' failed events."""

from __future__ import annotations

from tests.conftest import Template, only_resource
from tests.tapgen.synth.builders.helpers import STACK_KEY_ARN, tls_deny_resources


def test_dead_letter_queue_is_encrypted_and_keeps_messages_fourteen_days(template: Template) -> None:
    queue = only_resource(template, "AWS::SQS::Queue")["Properties"]
    assert queue["KmsMasterKeyId"] == STACK_KEY_ARN
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_dead_letter_queue_policy_denies_insecure_transport(template: Template) -> None:
    policy = only_resource(template, "AWS::SQS::QueuePolicy")["Properties"]
    assert policy["Queues"] == [{"Ref": "DeadLetterQueue"}]
    assert tls_deny_resources(policy["PolicyDocument"]) == [{"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}]
