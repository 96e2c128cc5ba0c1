"""What every pipeline function construct is built from, bundled once per stack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import aws_lambda as lambda_

from infra.config import InfraConfig
from infra.layers import DependencyLayers
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
