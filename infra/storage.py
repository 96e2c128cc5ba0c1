"""Where the pipeline keeps things: the image bucket and the two DynamoDB tables."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.access import GENERATED, PREPARED, REFERENCES, UPLOADS
from infra.config import InfraConfig

JOBS_BY_IDENTITY_INDEX = "by_identity"
#: Days a job's prepared references outlive its record's TTL (DynamoDB deletes expired
#: items within about two days), so a job never names files that are gone.
PREPARED_GRACE_DAYS = 3


class ImageBucket(Construct):
    """One private bucket: `uploads/` (expires), `references/identities/`, `generated/`
    (outputs and their previews, kept) and `prepared/` (each job's prepared references,
    expiring a few days after the job record).

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
            versioned=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="images/",
            cors=[
                s3.CorsRule(
                    allowed_methods=[
                        s3.HttpMethods.POST,
                        s3.HttpMethods.GET,
                        s3.HttpMethods.HEAD,
                    ],
                    allowed_origins=list(config.allowed_origins),
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=3600,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-uploads",
                    prefix=UPLOADS,
                    expiration=Duration.days(config.upload_expiry_days),
                    noncurrent_version_expiration=Duration.days(1),
                ),
                s3.LifecycleRule(
                    id="expire-prepared-references",
                    prefix=PREPARED,
                    expiration=Duration.days(config.job_ttl_days + PREPARED_GRACE_DAYS),
                    noncurrent_version_expiration=Duration.days(1),
                ),
                s3.LifecycleRule(
                    id="keep-old-versions-30-days",
                    noncurrent_version_expiration=Duration.days(30),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                    expired_object_delete_marker=True,
                ),
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.prefixes = (UPLOADS, REFERENCES, GENERATED, PREPARED)


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
