"""The generation pipeline: the jobs queue and the worker that runs one job per message."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_lambda_event_sources as event_sources
from constructs import Construct

from infra import access
from infra import resource_spec as spec
from infra.parts import PipelineParts
from infra.queues import QueueWithDeadLetters


class GenerationPipeline(Construct):
    """Jobs queue (+ DLQ) -> worker: references from S3, Gemini, output to `generated/`,
    signed callback to Django."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        parts: PipelineParts,
    ) -> None:
        super().__init__(scope, construct_id)
        config, secrets, tables = parts.config, parts.secrets, parts.tables
        worker = config.worker
        timeout = Duration.seconds(worker.timeout_s)
        #: The job lease (resource_spec.worker): the worker and the reaper read this one.
        self.job_lease_s = int(worker.environment["JOB_LEASE_S"])
        self.jobs = QueueWithDeadLetters(
            self,
            "Jobs",
            consumer_timeout=timeout,
            max_receive_count=config.worker_max_receive_count,
        )
        self.worker = parts.function(
            self,
            "Worker",
            sizing=worker,
            imaging=True,
            handler="worker.handler",
            description="Runs one generation job: references, Gemini, output, callback",
            environment={
                **parts.common_env,
                # The worker re-queues a job held by another delivery (delayed message).
                "JOBS_QUEUE_URL": self.jobs.queue.queue_url,
                # Retry budgets that fit the timeout, and the job lease (resource_spec).
                **worker.environment,
            },
            secrets={
                "GEMINI_API_KEY_SECRET_ARN": secrets.gemini_api_key,
                "DJANGO_SERVICE_TOKEN_SECRET_ARN": secrets.django_service_token,
                "WEBHOOK_SECRET_ARN": secrets.webhook_secret,
            },
        )
        bucket, layout = parts.images.bucket, parts.images.layout
        self.worker.allow(
            access.table_read_write(tables.jobs),
            # A regeneration job lists its identity's reference folder when it runs; and a
            # missing upload, reference, kept prepared reference (re-run) or image to edit
            # (refine) must answer 404 (`reference_not_found`), not 403.
            access.list_prefixes(
                bucket, [layout.uploads, layout.references, layout.prepared, layout.generated]
            ),
        )
        self.worker.allow_objects(
            bucket,
            ["s3:GetObject"],
            [layout.uploads, layout.references, layout.prepared, layout.generated],
            "Reads the reference photos a job names (kept ones for a re-run) and, for a "
            "refine, the image to edit.",
        )
        self.worker.allow_objects(
            bucket,
            ["s3:PutObject"],
            [layout.generated, layout.prepared],
            "Stores the generated image, its preview and the job's prepared references.",
        )
        self.jobs.queue.grant_send_messages(self.worker.role)
        # One job per invocation: a slow job never holds up (or re-runs) another one.
        # The event source grants receive/delete/ChangeMessageVisibility on this queue only.
        self.worker.function.add_event_source(
            event_sources.SqsEventSource(
                self.jobs.queue,
                batch_size=spec.WORKER_BATCH_SIZE,
                report_batch_item_failures=True,
                max_concurrency=config.worker_max_concurrency,
            )
        )
