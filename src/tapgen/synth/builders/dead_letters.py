"""The dead-letter queue: where processor events land after their retries are spent."""

from __future__ import annotations

from troposphere import AWSHelperFn, GetAtt, Ref, sqs

from tapgen.settings import Settings
from tapgen.synth.naming import apply_retention, physical_name, standard_tags
from tapgen.synth.statements import deny_insecure_transport, document

DEAD_LETTER_QUEUE = "DeadLetterQueue"
DEAD_LETTER_QUEUE_POLICY = "DeadLetterQueuePolicy"
RETENTION_SECONDS = 14 * 24 * 3600  # the SQS maximum: time to investigate before a message is gone


def dead_letter_queue(settings: Settings, key_arn: AWSHelperFn) -> sqs.Queue:
    queue = sqs.Queue(
        DEAD_LETTER_QUEUE,
        QueueName=physical_name(settings, "dead-letters"),
        KmsMasterKeyId=key_arn,
        KmsDataKeyReusePeriodSeconds=300,
        MessageRetentionPeriod=RETENTION_SECONDS,
        Tags=standard_tags(settings),
    )
    return apply_retention(queue, settings)


def dead_letter_queue_policy(queue: sqs.Queue) -> sqs.QueuePolicy:
    return sqs.QueuePolicy(
        DEAD_LETTER_QUEUE_POLICY,
        Queues=[Ref(queue)],
        PolicyDocument=document(deny_insecure_transport("sqs:*", [GetAtt(queue, "Arn")])),
    )
