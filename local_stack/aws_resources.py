"""Creates, with boto3, the AWS resources the CDK app creates: the bucket, the jobs table
(with its `by_identity` and `in_flight` indexes), the idempotency table and the jobs
queue with its dead-letter queue. Every setting the two share (queue timeouts and
redrive, bucket versioning and lifecycle, ...) comes from `infra.resource_spec`, which the
CDK app reads too.

One place for the local stack and the tests. Idempotent: running it twice is fine.

python -m local_stack.aws_resources   # against AWS_ENDPOINT_URL (the local moto server)
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from botocore.exceptions import ClientError

from identity_images.adapters import aws
from identity_images.adapters.job_history import IDENTITY_INDEX
from identity_images.adapters.job_store import IN_FLIGHT_INDEX
from identity_images.settings import Settings, get_settings
from infra import resource_spec as spec

#: The worker's and the trigger's timeouts in the CDK app; their queues' visibility
#: timeouts are derived from them as the CDK app derives them.
WORKER_TIMEOUT_S = spec.worker().timeout_s
TRIGGER_TIMEOUT_S = spec.TRIGGER.timeout_s
TRIGGER_MAX_RECEIVE_COUNT = spec.TRIGGER_MAX_RECEIVE_COUNT
REGENERATION_QUEUE_NAME = "identity-image-regeneration"
#: The reaper Lambda's timeout and its schedule, as in infra/reaper.py.
REAPER_TIMEOUT_S = spec.REAPER.timeout_s
REAPER_INTERVAL_S = spec.REAPER_INTERVAL_MINUTES * 60


def jobs_queue_name(settings: Settings) -> str:
    return f"{settings.jobs_table_name}-queue"


@dataclass(frozen=True)
class Resources:
    bucket_name: str
    jobs_table_name: str
    idempotency_table_name: str
    jobs_queue_url: str
    jobs_dlq_url: str
    regeneration_queue_url: str
    regeneration_dlq_url: str

    def environment(self) -> dict[str, str]:
        """The settings (environment variables) that point the code at these resources."""
        return {
            "BUCKET_NAME": self.bucket_name,
            "JOBS_TABLE_NAME": self.jobs_table_name,
            "IDEMPOTENCY_TABLE_NAME": self.idempotency_table_name,
            "JOBS_QUEUE_URL": self.jobs_queue_url,
            "JOBS_DLQ_URL": self.jobs_dlq_url,
        }


def _ignore_exists(error: ClientError) -> None:
    code = error.response.get("Error", {}).get("Code", "")
    if code not in {"ResourceInUseException", "BucketAlreadyOwnedByYou"}:
        raise error


def create_bucket(settings: Settings) -> None:
    s3 = aws.s3()
    try:
        if settings.aws_region == "us-east-1":
            s3.create_bucket(Bucket=settings.bucket_name)
        else:
            s3.create_bucket(
                Bucket=settings.bucket_name,
                CreateBucketConfiguration={"LocationConstraint": settings.aws_region},  # type: ignore[typeddict-item]
            )
    except ClientError as error:
        _ignore_exists(error)
    s3.put_public_access_block(
        Bucket=settings.bucket_name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    if spec.BUCKET_VERSIONED:
        s3.put_bucket_versioning(
            Bucket=settings.bucket_name, VersioningConfiguration={"Status": "Enabled"}
        )
    s3.put_bucket_lifecycle_configuration(
        Bucket=settings.bucket_name,
        LifecycleConfiguration={
            "Rules": spec.lifecycle_rules(  # type: ignore[typeddict-item]
                uploads_prefix=settings.bucket_layout.uploads,
                job_ttl_days=settings.job_ttl_days,
                prepared_prefix=settings.bucket_layout.prepared,
            )
        },
    )


def create_jobs_table(settings: Settings) -> None:
    dynamodb = aws.dynamodb()
    try:
        dynamodb.create_table(
            TableName=settings.jobs_table_name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "job_id", "AttributeType": "S"},
                {"AttributeName": "identity_id", "AttributeType": "S"},
                {"AttributeName": "created_at", "AttributeType": "S"},
                {"AttributeName": "in_flight", "AttributeType": "S"},
                {"AttributeName": "due_at", "AttributeType": "N"},
            ],
            KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": IDENTITY_INDEX,
                    "KeySchema": [
                        {"AttributeName": "identity_id", "KeyType": "HASH"},
                        {"AttributeName": "created_at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                },
                {
                    # Sparse: only jobs in flight have `in_flight`; the reaper reads it.
                    "IndexName": IN_FLIGHT_INDEX,
                    "KeySchema": [
                        {"AttributeName": "in_flight", "KeyType": "HASH"},
                        {"AttributeName": "due_at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                },
            ],
        )
    except ClientError as error:
        _ignore_exists(error)
        return
    dynamodb.get_waiter("table_exists").wait(TableName=settings.jobs_table_name)
    dynamodb.update_time_to_live(
        TableName=settings.jobs_table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
    )


def create_idempotency_table(settings: Settings) -> None:
    dynamodb = aws.dynamodb()
    try:
        dynamodb.create_table(
            TableName=settings.idempotency_table_name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        )
    except ClientError as error:
        _ignore_exists(error)
        return
    dynamodb.get_waiter("table_exists").wait(TableName=settings.idempotency_table_name)
    dynamodb.update_time_to_live(
        TableName=settings.idempotency_table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"},
    )


def _queue_with_dead_letters(
    name: str, *, visibility_timeout_s: int, max_receive_count: int
) -> tuple[str, str]:
    """A queue whose messages move to `{name}-dlq` after `max_receive_count` receives."""
    sqs = aws.sqs()
    dlq_url = sqs.create_queue(
        QueueName=f"{name}-dlq",
        Attributes={"MessageRetentionPeriod": str(spec.DEAD_LETTER_RETENTION_DAYS * 86400)},
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count}
    queue_url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(visibility_timeout_s),
            "MessageRetentionPeriod": str(spec.QUEUE_RETENTION_DAYS * 86400),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return queue_url, dlq_url


def create_jobs_queues(settings: Settings) -> tuple[str, str]:
    """The jobs queue and its dead-letter queue; (queue URL, DLQ URL)."""
    return _queue_with_dead_letters(
        jobs_queue_name(settings),
        visibility_timeout_s=spec.visibility_timeout_s(WORKER_TIMEOUT_S),
        max_receive_count=settings.worker_max_receive_count,
    )


def create_regeneration_queues() -> tuple[str, str]:
    """The queue S3 notifies of new references, and its dead-letter queue."""
    return _queue_with_dead_letters(
        REGENERATION_QUEUE_NAME,
        visibility_timeout_s=spec.visibility_timeout_s(TRIGGER_TIMEOUT_S),
        max_receive_count=TRIGGER_MAX_RECEIVE_COUNT,
    )


def create_all(settings: Settings | None = None) -> Resources:
    """Create every resource (those already there are left alone)."""
    settings = settings or get_settings()
    create_bucket(settings)
    create_jobs_table(settings)
    create_idempotency_table(settings)
    queue_url, dlq_url = create_jobs_queues(settings)
    regeneration_url, regeneration_dlq_url = create_regeneration_queues()
    return Resources(
        bucket_name=settings.bucket_name,
        jobs_table_name=settings.jobs_table_name,
        idempotency_table_name=settings.idempotency_table_name,
        jobs_queue_url=queue_url,
        jobs_dlq_url=dlq_url,
        regeneration_queue_url=regeneration_url,
        regeneration_dlq_url=regeneration_dlq_url,
    )


def main() -> None:
    resources = create_all()
    for name, value in resources.environment().items():
        print(f"{name}={value}")


if __name__ == "__main__":
    main()
