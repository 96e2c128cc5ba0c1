"""What the local stack adds to `local_stack.aws_resources` (which makes the bucket,
tables and queues): the bucket's S3 -> SQS notification for new references, the bucket's
CORS rule for the browser's presigned POST, and Secrets Manager entries so the handlers
read their secrets by ARN as they do in AWS."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from identity_images.bucket_layout import BucketLayout
from infra import resource_spec as spec

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient


def queue_arn(sqs: SQSClient, queue_url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]


def notify_queue_of_references(
    s3: S3Client, bucket: str, target_queue_arn: str, layout: BucketLayout | None = None
) -> None:
    """`ObjectCreated:*` under the layout's reference prefix -> the queue (the regeneration
    trigger's)."""
    prefix = (layout or BucketLayout()).references
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": "references-to-regeneration",
                    "QueueArn": target_queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}},
                }
            ]
        },
    )


def allow_browser_uploads(s3: S3Client, bucket: str, origins: Sequence[str]) -> None:
    """CORS for the Images tab: presigned POST uploads and GETs of outputs."""
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": list(origins),
                    "AllowedMethods": list(spec.CORS_METHODS),
                    "AllowedHeaders": list(spec.CORS_ALLOWED_HEADERS),
                    "ExposeHeaders": list(spec.CORS_EXPOSED_HEADERS),
                    "MaxAgeSeconds": spec.CORS_MAX_AGE_S,
                }
            ]
        },
    )


def ensure_secrets(sm: SecretsManagerClient, values: Mapping[str, str]) -> dict[str, str]:
    """Create or update one secret per `name: value`; returns `name: ARN`."""
    arns: dict[str, str] = {}
    for name, value in values.items():
        try:
            arns[name] = sm.create_secret(Name=name, SecretString=value)["ARN"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceExistsException":
                raise
            arns[name] = sm.put_secret_value(SecretId=name, SecretString=value)["ARN"]
    return arns
