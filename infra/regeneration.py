"""Regeneration: new photos under `references/identities/` become a generation job.

S3 sends ObjectCreated for that prefix only (never for `generated/`, so the pipeline
cannot trigger itself) to the regeneration queue; the trigger function turns a burst of
uploads for one identity into one job on the jobs queue.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import access
from infra import resource_spec as spec
from infra.parts import PipelineParts
from infra.queues import QueueWithDeadLetters

TRIGGER_TIMEOUT = Duration.seconds(spec.TRIGGER.timeout_s)
MAX_RECEIVE_COUNT = spec.TRIGGER_MAX_RECEIVE_COUNT


class Regeneration(Construct):
    """Bucket notification -> regeneration queue (+ DLQ) -> trigger -> jobs queue."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        parts: PipelineParts,
        jobs_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        bucket, layout = parts.images.bucket, parts.images.layout
        self.requests = QueueWithDeadLetters(
            self,
            "Requests",
            consumer_timeout=TRIGGER_TIMEOUT,
            max_receive_count=MAX_RECEIVE_COUNT,
        )
        bucket.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.SqsDestination(self.requests.queue),
            s3.NotificationKeyFilter(prefix=layout.references),
        )
        _acknowledge_notifications_handler(Stack.of(self))
        self.trigger = parts.function(
            self,
            "Trigger",
            sizing=spec.TRIGGER,
            handler="trigger.handler",
            description="Turns new reference photos into one regeneration job per identity",
            environment={
                **parts.common_env,
                **spec.TRIGGER.environment,
                "JOBS_QUEUE_URL": jobs_queue.queue_url,
            },
            secrets={"DJANGO_SERVICE_TOKEN_SECRET_ARN": parts.secrets.django_service_token},
        )
        self.trigger.allow(
            access.table_read_write(parts.tables.jobs),
            access.list_prefixes(bucket, [layout.references]),
        )
        self.trigger.allow_objects(
            bucket,
            ["s3:GetObject"],
            [layout.references],
            "Reads (and HEADs) the identity's reference photos to build the job.",
        )
        jobs_queue.grant_send_messages(self.trigger.role)
        self.trigger.function.add_event_source(
            event_sources.SqsEventSource(
                self.requests.queue,
                batch_size=spec.TRIGGER_BATCH_SIZE,
                max_batching_window=Duration.seconds(spec.TRIGGER_BATCHING_WINDOW_S),
                report_batch_item_failures=True,
            )
        )


def _acknowledge_notifications_handler(stack: Stack) -> None:
    """CDK's own singleton that writes the bucket's notification configuration."""
    for child in stack.node.children:
        if child.node.id.startswith("BucketNotificationsHandler"):
            Validations.of(child).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                    "service-role/AWSLambdaBasicExecutionRole]",
                    reason="CDK's deploy-time handler that sets the bucket notification; "
                    "it only writes its own logs with this policy.",
                )
            )
