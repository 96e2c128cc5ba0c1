"""Where the pipeline keeps things: the image bucket (its own or the host's) and the two
DynamoDB tables."""

from __future__ import annotations

import json
from typing import Any, cast

from aws_cdk import (
    Acknowledgment,
    CfnElement,
    CustomResource,
    Duration,
    RemovalPolicy,
    Stack,
    Validations,
    custom_resources,
)
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import resource_spec as spec
from infra.config import InfraConfig
from infra.layers import ARCHITECTURE, RUNTIME
from infra.paths import HOST_LIFECYCLE_DIR

JOBS_BY_IDENTITY_INDEX = "by_identity"
JOBS_IN_FLIGHT_INDEX = "in_flight"
PREPARED_GRACE_DAYS = spec.PREPARED_GRACE_DAYS


class ImageBucket(Construct):
    """Where the pipeline's objects live: its own bucket, or a prefix of the host's.

    Without `hostBucketName`: one private bucket (keys at its top level: `uploads/`
    expires, `references/identities/`, `generated/` (outputs and previews, kept),
    `prepared/` (each job's prepared references, expiring a few days after the job).
    Browsers write to it only through presigned POSTs, so CORS allows POST (and GET for
    presigned downloads) from the allowed origins. Versioning keeps an overwritten or
    deleted reference or output recoverable for a while. Server access logs go to a
    second private bucket.

    With `hostBucketName`: the host's bucket, imported by name, so no change to this
    stack can replace, reconfigure or delete it. The pipeline keeps to `bucketPrefix`
    (default `identity-images/`); its grants, notification and lifecycle rule name only
    those prefixes. CORS, encryption, versioning and public access stay the host's.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: InfraConfig) -> None:
        super().__init__(scope, construct_id)
        self.layout = config.bucket_layout
        self.prefixes = self.layout.prefixes
        self.owned = config.host_bucket_name is None
        self.upload_expiry_rule = {
            "Filter": {"Prefix": self.layout.uploads},
            "Status": "Enabled",
            "Expiration": {"Days": config.upload_expiry_days},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
        }
        self.prepared_expiry_rule = {
            "Filter": {"Prefix": self.layout.prepared},
            "Status": "Enabled",
            "Expiration": {"Days": config.job_ttl_days + PREPARED_GRACE_DAYS},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
        }
        self.bucket: s3.IBucket
        if config.host_bucket_name is None:
            self.bucket = self._own_bucket(config)
        else:
            self.bucket = s3.Bucket.from_bucket_name(self, "Images", config.host_bucket_name)
            self.host_lifecycle = HostBucketLifecycle(
                self,
                "UploadsLifecycle",
                bucket=self.bucket,
                marker=f"identity-images-{config.stage}:",
                rules={
                    "expire-uploads": self.upload_expiry_rule,
                    "expire-prepared-references": self.prepared_expiry_rule,
                },
            )

    def _own_bucket(self, config: InfraConfig) -> s3.Bucket:
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
        return s3.Bucket(
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
                _lifecycle_rule(rule)
                for rule in spec.lifecycle_rules(
                    config.upload_expiry_days,
                    self.layout.uploads,
                    job_ttl_days=config.job_ttl_days,
                    prepared_prefix=self.layout.prepared,
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )


class HostBucketLifecycle(Construct):
    """Our lifecycle rules in the host's bucket, and only ours (see `host_lifecycle/`).

    An L2 bucket sets its lifecycle as one whole document; on an imported bucket that
    would replace the host's rules. This custom resource merges by rule ID (`marker` +
    name) and removes exactly those rules when the stack goes.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket: s3.IBucket,
        marker: str,
        rules: dict[str, dict[str, Any]],
    ) -> None:
        super().__init__(scope, construct_id)
        role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="identity-images: merges its lifecycle rules into the host's bucket",
        )
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                # PutLifecycleConfiguration also covers DeleteBucketLifecycle.
                actions=["s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"],
                resources=[bucket.bucket_arn],
            )
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="index.on_event",
            code=lambda_.Code.from_asset(str(HOST_LIFECYCLE_DIR), exclude=["__pycache__"]),
            timeout=Duration.seconds(60),
            memory_size=128,
            description="Merges the pipeline's lifecycle rules into the host's bucket",
            role=role,
            log_group=self.log_group,
        )
        self.provider = custom_resources.Provider(self, "Provider", on_event_handler=self.function)
        self._acknowledge()
        body = [{"ID": f"{marker}{name}", **rule} for name, rule in rules.items()]
        self.resource = CustomResource(
            self,
            "Rules",
            service_token=self.provider.service_token,
            resource_type="Custom::HostBucketLifecycle",
            properties={
                "BucketName": bucket.bucket_name,
                "Marker": marker,
                "Rules": json.dumps(body, sort_keys=True),
            },
        )

    def _acknowledge(self) -> None:
        Validations.of(self.function).acknowledge(
            Acknowledgment(
                id="AwsSolutions-L1",
                reason="Same pinned Python 3.13 as the pipeline's functions; move together.",
            )
        )
        function_logical_id = Stack.of(self).resolve(
            cast(CfnElement, self.function.node.default_child).logical_id
        )
        Validations.of(self.provider).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                "service-role/AWSLambdaBasicExecutionRole]",
                reason="CDK's custom-resource framework function; it only writes its logs "
                "with this policy.",
            ),
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{function_logical_id}.Arn>:*]",
                reason="The framework may invoke the versions of the one lifecycle "
                "function it fronts, nothing else.",
            ),
        )


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
    """The jobs table (with its `by_identity` history index and its sparse `in_flight`
    index for the reaper) and Powertools idempotency."""

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
        # Sparse: only jobs in flight carry `in_flight`; the reaper sweeps this index.
        self.jobs.add_global_secondary_index(
            index_name=JOBS_IN_FLIGHT_INDEX,
            partition_key=dynamodb.Attribute(name="in_flight", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="due_at", type=dynamodb.AttributeType.NUMBER),
            projection_type=dynamodb.ProjectionType.KEYS_ONLY,
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
