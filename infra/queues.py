"""An SQS queue with its dead-letter queue, both encrypted and TLS-only."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import resource_spec as spec


class QueueWithDeadLetters(Construct):
    """`queue` hands a message to its consumer up to `max_receive_count` times, then
    moves it to `dead_letters` (kept 14 days, alarmed on)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        consumer_timeout: Duration,
        max_receive_count: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(spec.DEAD_LETTER_RETENTION_DAYS),
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # AWS's advice for a Lambda event source: at least 6x the function timeout.
            visibility_timeout=Duration.seconds(
                spec.visibility_timeout_s(int(consumer_timeout.to_seconds()))
            ),
            retention_period=Duration.days(spec.QUEUE_RETENTION_DAYS),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letters, max_receive_count=max_receive_count
            ),
        )
