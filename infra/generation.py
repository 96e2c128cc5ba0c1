"""The generation pipeline: the jobs queue and the worker that runs one job per message."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_lambda_event_sources as event_sources
from constructs import Construct

from infra import access
from infra.functions import PipelineFunction
from infra.parts import PipelineParts
from infra.queues import QueueWithDeadLetters

# A job whose lease is older than this is picked up again; longer than one worker run.
LEASE_MARGIN_S = 60


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
        timeout = Duration.seconds(config.worker_timeout_s)
        self.job_lease_s = config.worker_timeout_s + LEASE_MARGIN_S
        self.jobs = QueueWithDeadLetters(
            self,
            "Jobs",
            consumer_timeout=timeout,
            max_receive_count=config.worker_max_receive_count,
        )
        self.worker = PipelineFunction(
            self,
            "Worker",
            handler="worker.handler",
            code=parts.code,
            description="Runs one generation job: references, Gemini, output, callback",
            timeout=timeout,
            memory_mb=config.worker_memory_mb,
            layers=[parts.layers.base, parts.layers.imaging],
            environment={
                **parts.common_env,
                # The worker re-queues a job held by another delivery (delayed message).
                "JOBS_QUEUE_URL": self.jobs.queue.queue_url,
                "GEMINI_MODEL": config.gemini_model,
                "GEMINI_TIMEOUT_S": str(config.gemini_timeout_s),
                "GEMINI_RETRY_ATTEMPTS": str(config.gemini_retry_attempts),
                "WORKER_MAX_RECEIVE_COUNT": str(config.worker_max_receive_count),
                "JOB_LEASE_S": str(self.job_lease_s),
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
            # A regeneration job lists its identity's reference folder when it runs.
            access.list_prefixes(bucket, [layout.references]),
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
                batch_size=1,
                report_batch_item_failures=True,
                max_concurrency=config.worker_max_concurrency,
            )
        )
