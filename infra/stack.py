"""The whole pipeline in one environment-agnostic stack (no account needed to synth)."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.api import PublicApi
from infra.config import InfraConfig
from infra.functions import function_code
from infra.generation import GenerationPipeline
from infra.layers import DependencyLayers
from infra.monitoring import Monitoring
from infra.parts import PipelineParts
from infra.reaper import JobReaper
from infra.regeneration import Regeneration
from infra.secrets import PipelineSecrets
from infra.storage import ImageBucket, JobTables


class IdentityImagesStack(Stack):
    """Storage, secrets, layers, the API, the generation pipeline, regeneration, alarms."""

    def __init__(self, scope: Construct, construct_id: str, *, config: InfraConfig) -> None:
        super().__init__(
            scope,
            construct_id,
            description="Identity images: Gemini-generated identity images for Django admins",
        )
        self.config = config
        self.secrets = PipelineSecrets(self, "Secrets", stage=config.stage)
        self.images = ImageBucket(self, "Storage", config=config)
        self.tables = JobTables(self, "Tables")
        self.layers = DependencyLayers(self, "Layers", use_stand_ins=config.skip_layer_build)
        parts = PipelineParts(
            config=config,
            code=function_code(),
            layers=self.layers,
            images=self.images,
            tables=self.tables,
            secrets=self.secrets,
            common_env={
                "BUCKET_NAME": self.images.bucket.bucket_name,
                "BUCKET_PREFIX": self.images.layout.root,
                "JOBS_TABLE_NAME": self.tables.jobs.table_name,
                "DJANGO_INTERNAL_URL": config.django_internal_url,
                # The API and the trigger stamp jobs with the model the worker calls.
                "GEMINI_MODEL": config.gemini_model,
                # ... and the tries the worker gets (the jobs queue's redrive), which the
                # worker and the reaper count.
                "WORKER_MAX_RECEIVE_COUNT": str(config.worker_max_receive_count),
                "JOB_TTL_DAYS": str(config.job_ttl_days),
            },
        )
        self.generation = GenerationPipeline(self, "Generation", parts=parts)
        jobs_queue = self.generation.jobs.queue
        self.regeneration = Regeneration(self, "Regeneration", parts=parts, jobs_queue=jobs_queue)
        self.api = PublicApi(self, "Api", parts=parts, jobs_queue=jobs_queue)
        self.reaper = JobReaper(
            self,
            "Reaper",
            parts=parts,
            jobs_queue=jobs_queue,
            dead_letters=self.generation.jobs.dead_letters,
            job_lease_s=self.generation.job_lease_s,
        )
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            functions=[
                self.api.api_function,
                self.api.authorizer_function,
                self.generation.worker,
                self.regeneration.trigger,
                self.reaper.function,
            ],
            dead_letter_queues={
                "Jobs": self.generation.jobs.dead_letters,
                "Regeneration": self.regeneration.requests.dead_letters,
            },
            jobs_queue=jobs_queue,
            reaper=self.reaper,
            rest_api=self.api.rest_api,
            alarm_email=config.alarm_email,
        )
        CfnOutput(self, "ApiUrl", value=self.api.url, description="Base URL of the REST API")
        CfnOutput(self, "BucketName", value=self.images.bucket.bucket_name)
        CfnOutput(
            self,
            "BucketPrefix",
            value=self.images.layout.root or "/",
            description="Root of the pipeline's keys in the bucket ('/': its top level)",
        )
        CfnOutput(self, "JobsTableName", value=self.tables.jobs.table_name)
        CfnOutput(self, "JobsQueueUrl", value=jobs_queue.queue_url)
        CfnOutput(
            self,
            "JobsDeadLetterQueueUrl",
            value=self.generation.jobs.dead_letters.queue_url,
            description="identity-images dead-letters list|redrive reads it (JOBS_DLQ_URL)",
        )
        CfnOutput(self, "AlarmTopicArn", value=self.monitoring.topic.topic_arn)
        for name, secret in {
            "GeminiApiKeySecretArn": self.secrets.gemini_api_key,
            "DjangoServiceTokenSecretArn": self.secrets.django_service_token,
            "WebhookSecretArn": self.secrets.webhook_secret,
            "JwtSecretArn": self.secrets.jwt_secret,
        }.items():
            CfnOutput(self, name, value=secret.secret_arn, description="Set its value once")
