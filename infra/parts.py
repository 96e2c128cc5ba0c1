"""What every pipeline function construct is built from, bundled once per stack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.config import InfraConfig
from infra.functions import PipelineFunction
from infra.layers import DependencyLayers
from infra.resource_spec import FunctionSpec
from infra.secrets import PipelineSecrets
from infra.storage import ImageBucket, JobTables


@dataclass(frozen=True)
class PipelineParts:
    """The shared pieces the stack hands to each function construct: its settings, the
    one code asset, the dependency layers, the bucket, the tables, the secrets and the
    environment every function gets."""

    config: InfraConfig
    code: lambda_.Code
    layers: DependencyLayers
    images: ImageBucket
    tables: JobTables
    secrets: PipelineSecrets
    common_env: Mapping[str, str]

    def function(
        self,
        scope: Construct,
        construct_id: str,
        *,
        sizing: FunctionSpec,
        handler: str,
        description: str,
        environment: Mapping[str, str],
        secrets: Mapping[str, secretsmanager.ISecret] | None = None,
        imaging: bool = False,
        snap_start: bool = False,
    ) -> PipelineFunction:
        """A function on the shared code asset, sized by its resource spec (timeout and
        memory), with the base layer, and the imaging layer too when it needs Pillow and
        google-genai (the worker only), and with SnapStart where a cold start keeps an admin
        waiting (the API and the authorizer)."""
        return PipelineFunction(
            scope,
            construct_id,
            handler=handler,
            code=self.code,
            description=description,
            timeout=Duration.seconds(sizing.timeout_s),
            memory_mb=sizing.memory_mb,
            layers=[self.layers.base, self.layers.imaging] if imaging else [self.layers.base],
            environment=environment,
            secrets=secrets,
            snap_start=snap_start,
        )
