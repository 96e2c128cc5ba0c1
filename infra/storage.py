"""Where the pipeline keeps things: the image bucket and the two DynamoDB tables."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import resource_spec as spec
from infra.access import GENERATED, REFERENCES, UPLOADS
from infra.config import InfraConfig

JOBS_BY_IDENTITY_INDEX = "by_identity"


class ImageBucket(Construct):
    """One private bucket: `uploads/` (expires), `references/identities/`, `generated/`.

    Browsers write to it only through presigned POSTs, so CORS allows POST (and GET for
    presigned downloads) from the allowed origins. Versioning keeps an overwritten or
    deleted reference or output recoverable for a while. Server access logs go to a
    second private bucket.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: InfraConfig) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(id="expire-logs", expiration=Duration.days(90))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        Validations.of(self.access_logs).acknowledge(
            Acknowledgment(
                id="AwsSolutions-S1",
                reason="This is the access-log target; logging it into itself would loop.",
            )
        )
        self.bucket = s3.Bucket(
            self,
            "Images",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=spec.BUCKET_VERSIONED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="images/",
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods(m) for m in spec.CORS_METHODS],
                    allowed_origins=list(config.allowed_origins),
                    allowed_headers=list(spec.CORS_ALLOWED_HEADERS),
                    exposed_headers=list(spec.CORS_EXPOSED_HEADERS),
                    max_age=spec.CORS_MAX_AGE_S,
                )
            ],
            lifecycle_rules=[
                _lifecycle_rule(rule) for rule in spec.lifecycle_rules(config.upload_expiry_days)
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.prefixes = (UPLOADS, REFERENCES, GENERATED)


def _lifecycle_rule(rule: dict[str, Any]) -> s3.LifecycleRule:
    """One rule of `resource_spec.lifecycle_rules` (S3's API shape) as a CDK rule."""
    expiration = rule.get("Expiration", {})
    noncurrent = rule.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays")
    abort = rule.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation")
    return s3.LifecycleRule(
        id=rule["ID"],
        prefix=rule["Filter"]["Prefix"] or None,
        expiration=Duration.days(expiration["Days"]) if "Days" in expiration else None,
        expired_object_delete_marker=expiration.get("ExpiredObjectDeleteMarker"),
        noncurrent_version_expiration=Duration.days(noncurrent) if noncurrent else None,
        abort_incomplete_multipart_upload_after=Duration.days(abort) if abort else None,
    )


class JobTables(Construct):
    """The jobs table (with its `by_identity` history index) and Powertools idempotency."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.jobs = self._table(
            "Jobs", key="job_id", ttl_attribute="expires_at", removal_policy=RemovalPolicy.RETAIN
        )
        self.jobs.add_global_secondary_index(
            index_name=JOBS_BY_IDENTITY_INDEX,
            partition_key=dynamodb.Attribute(
                name="identity_id", type=dynamodb.AttributeType.STRING
            ),
            sort_key=dynamodb.Attribute(name="created_at", type=dynamodb.AttributeType.STRING),
            projection_type=dynamodb.ProjectionType.ALL,
        )
        # Records live for hours; nothing of value is lost with the stack.
        self.idempotency = self._table(
            "Idempotency",
            key="id",
            ttl_attribute="expiration",
            removal_policy=RemovalPolicy.DESTROY,
        )

    def _table(
        self, construct_id: str, *, key: str, ttl_attribute: str, removal_policy: RemovalPolicy
    ) -> dynamodb.Table:
        """On demand, encrypted, point-in-time recovery on, old items expiring by TTL."""
        return dynamodb.Table(
            self,
            construct_id,
            partition_key=dynamodb.Attribute(name=key, type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=ttl_attribute,
            removal_policy=removal_policy,
        )
