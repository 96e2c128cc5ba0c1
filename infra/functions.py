"""One Lambda function of the pipeline: Python 3.13 on arm64, code from `functions/`.

Each function gets its own role that starts empty: it may write to its own log group
and send X-Ray traces, and the concern that owns the function adds exactly what the
code calls. No managed policies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import (
    Acknowledgment,
    Aws,
    CfnCondition,
    Duration,
    Fn,
    RemovalPolicy,
    Stack,
    Validations,
)
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import access
from infra.compiled_code import compiled_code
from infra.layers import ARCHITECTURE, RUNTIME
from infra.paths import FUNCTIONS_DIR

SERVICE_NAME = "identity-images"
METRICS_NAMESPACE = "IdentityImages"
HANDLER_MODULE = "identity_images.handlers"

#: Commercial regions where Lambda does not offer SnapStart (at the time of writing: Asia
#: Pacific (New Zealand) and (Taipei)). The stack is region-agnostic, so its functions ask
#: for SnapStart only where the region they are deployed to offers it (a deploy-time
#: condition); elsewhere each cold start runs its init.
REGIONS_WITHOUT_SNAPSTART = ("ap-southeast-6", "ap-east-2")


def function_code() -> lambda_.Code:
    """The `functions/` folder (the `identity_images` package) with its bytecode, minus
    the checkout's caches (`infra/compiled_code.py`).

    Make one per stack and share it: the functions then share one asset.
    """
    return compiled_code(FUNCTIONS_DIR)


class PipelineFunction(Construct):
    """A function, its log group and its own least-privilege role."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler: str,
        code: lambda_.Code,
        description: str,
        timeout: Duration,
        memory_mb: int,
        layers: Sequence[lambda_.ILayerVersion],
        environment: Mapping[str, str],
        secrets: Mapping[str, secretsmanager.ISecret] | None = None,
        snap_start: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        self.snap_start = snap_start
        self._acknowledged: set[str] = set()
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"identity-images {construct_id}: only what this function calls",
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        env = {
            "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "POWERTOOLS_LOG_LEVEL": "INFO",
            # No pydantic plugins are used: skip pydantic's scan of every installed
            # distribution's entry points, paid on each cold start by the first model.
            "PYDANTIC_DISABLE_PLUGINS": "__all__",
            **environment,
        }
        # Secrets go in by ARN (resolved at run time by Powertools Parameters).
        for env_name, secret in (secrets or {}).items():
            env[env_name] = secret.secret_arn
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=f"{HANDLER_MODULE}.{handler}",
            code=code,
            layers=list(layers),
            timeout=timeout,
            memory_size=memory_mb,
            description=description,
            environment=env,
            role=self.role,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            tracing=lambda_.Tracing.ACTIVE,
            # A replaced version (and its snapshot) goes once the alias has moved off it.
            current_version_options=lambda_.VersionOptions(removal_policy=RemovalPolicy.DESTROY),
        )
        if snap_start:
            _snapshot_published_versions(self.function)
        for secret in (secrets or {}).values():
            secret.grant_read(self.role)
        Validations.of(self.role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level "
                "permissions; every other statement names its resources.",
            )
        )
        Validations.of(self.function).acknowledge(
            Acknowledgment(
                id="AwsSolutions-L1",
                reason="Pinned to Python 3.13: the layers are built for cp313 and the code "
                "is tested on it; move runtime and layers together.",
            )
        )

    def entry_point(self, provisioned: int) -> lambda_.IFunction:
        """What API Gateway invokes: a `live` alias on the newest version, which keeps
        `provisioned` environments initialized when above 0 (no cold start, at a fixed price
        per hour) or, with SnapStart, resumes each cold start from that version's snapshot;
        without either, the function itself (`$LATEST`: nothing is published)."""
        if provisioned:
            if self.snap_start:
                raise ValueError("Lambda takes SnapStart or provisioned concurrency, not both")
            return self.function.add_alias("live", provisioned_concurrent_executions=provisioned)
        if self.snap_start:
            return self.function.add_alias("live")
        return self.function

    def allow(self, *statements: iam.PolicyStatement) -> None:
        """Statements with exact resources (no wildcard to justify)."""
        for statement in statements:
            self.role.add_to_policy(statement)

    def allow_objects(
        self, bucket: s3.IBucket, actions: Sequence[str], prefixes: Sequence[str], why: str
    ) -> None:
        """`actions` on the objects under `prefixes`; the `prefix/*` wildcard is the
        narrowest resource S3 offers for keys that do not exist yet, so it is acknowledged
        here, next to the grant, with `why`."""
        self.role.add_to_policy(access.objects(bucket, actions, prefixes))
        arn = access.nag_arn_ref(bucket)
        for prefix in prefixes:
            rule = f"AwsSolutions-IAM5[Resource::{arn}/{prefix}*]"
            if rule in self._acknowledged:
                continue
            self._acknowledged.add(rule)
            Validations.of(self.role).acknowledge(
                Acknowledgment(id=rule, reason=f"{why} Limited to keys under {prefix}.")
            )


def _snapshot_published_versions(function: lambda_.Function) -> None:
    """A snapshot of each published version, taken after its init (the import and
    `init_phase.prepare`; only the `live` alias publishes versions: `entry_point`), where
    the region offers SnapStart: a region without it would fail the whole deploy."""
    cfn = function.node.default_child
    assert isinstance(cfn, lambda_.CfnFunction)
    cfn.snap_start = Fn.condition_if(
        _snap_start_offered(Stack.of(function)).logical_id,
        {"ApplyOn": "PublishedVersions"},  # raw: a property class is not rendered in an Fn::If
        Aws.NO_VALUE,
    )


def _snap_start_offered(stack: Stack) -> CfnCondition:
    """One condition per stack: the region it is deployed to offers SnapStart."""
    found = stack.node.try_find_child("SnapStartOffered")
    if isinstance(found, CfnCondition):
        return found
    return CfnCondition(
        stack,
        "SnapStartOffered",
        expression=Fn.condition_not(
            Fn.condition_or(
                *(Fn.condition_equals(Aws.REGION, region) for region in REGIONS_WITHOUT_SNAPSTART)
            )
        ),
    )
