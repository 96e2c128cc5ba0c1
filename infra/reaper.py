"""The reaper: no job left in flight forever.

An EventBridge rule runs the reaper function every `reaperIntervalMinutes`. Each run
settles the jobs dead-letter queue (reads it without taking anything out: the letters
stay for an operator and keep the queue's alarm up) and sweeps the table's sparse
`in_flight` index for jobs whose lease lapsed long ago (`logic.reaper`). Before it ends a
job out of tries it looks in the bucket for the output a stopped try stored, and records
it: it reads `generated/` and `prepared/`, and writes nothing there.

Why a schedule and not a consumer on the dead-letter queue: a consumer deletes what it
reads, and the letters must stay to be inspected and redriven; and the lost messages the
sweep is for never reach any queue. Why it costs nothing when idle: the index holds only
jobs in flight, so an idle run is one Query of an empty partition, one empty
ReceiveMessage and ~100 ms of a 256 MB function; 4,320 runs a month at 10 minutes are
inside the free tiers (a few cents a month without them).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import access
from infra import resource_spec as spec
from infra.parts import PipelineParts
from infra.storage import JOBS_IN_FLIGHT_INDEX


class JobReaper(Construct):
    """Schedule -> reaper function: reads the dead letters, sweeps `in_flight`, queues
    lost jobs again or ends them: their stored output recorded, else `worker_gave_up`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        parts: PipelineParts,
        jobs_queue: sqs.IQueue,
        dead_letters: sqs.IQueue,
        job_lease_s: int,
    ) -> None:
        super().__init__(scope, construct_id)
        config = parts.config
        bucket, layout = parts.images.bucket, parts.images.layout
        self.function = parts.function(
            self,
            "Reaper",
            sizing=spec.REAPER,
            handler="reaper.handler",
            description="Ends or re-queues jobs the worker will never finish (DLQ, lost messages)",
            environment={
                **parts.common_env,
                "JOBS_QUEUE_URL": jobs_queue.queue_url,
                "JOBS_DLQ_URL": dead_letters.queue_url,
                "JOB_LEASE_S": str(job_lease_s),
                "REAPER_GRACE_S": str(config.reaper_grace_minutes * 60),
            },
        )
        self.function.allow(
            access.table_read_write(parts.tables.jobs),
            access.index_query(parts.tables.jobs, [JOBS_IN_FLIGHT_INDEX]),
            # Reads the letters and makes them visible again; never deletes one.
            iam.PolicyStatement(
                actions=["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility"],
                resources=[dead_letters.queue_arn],
            ),
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[jobs_queue.queue_arn]),
            # A HEAD of an output no try stored must answer 404, not 403 (a fault).
            access.list_prefixes(bucket, [layout.generated, layout.prepared]),
        )
        self.function.allow_objects(
            bucket,
            ["s3:GetObject"],
            [layout.generated, layout.prepared],
            "Looks (HEAD) for the output, preview and prepared references a stopped try "
            "stored, before it ends the job.",
        )
        self.interval = Duration.minutes(config.reaper_interval_minutes)
        self.rule = events.Rule(
            self,
            "Schedule",
            description="Runs the jobs reaper",
            schedule=events.Schedule.rate(self.interval),
            targets=[targets.LambdaFunction(self.function.function, retry_attempts=2)],
        )
