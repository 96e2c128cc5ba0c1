"""Entry point: `cdk synth` / `cdk deploy` (see cdk.json) or `python -m infra.app`.

cdk-nag's AwsSolutions pack runs at synth; an unacknowledged finding fails it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks

from infra.config import InfraConfig
from infra.stack import IdentityImagesStack

# CDK feature flags the stack is written for. They live here, not in cdk.json, so tests
# (which build the App directly) synthesize exactly what `cdk synth` does.
FEATURE_FLAGS: dict[str, Any] = {
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/aws-iam:minimizePolicies": True,
    "@aws-cdk/core:checkSecretUsage": True,
    "@aws-cdk/aws-lambda:recognizeLayerVersion": True,
}


def build_app(
    context: Mapping[str, Any] | None = None, outdir: str | None = None
) -> tuple[App, IdentityImagesStack]:
    """The app with its one stack, cdk-nag attached; nothing synthesized yet."""
    app = App(context={**FEATURE_FLAGS, **(context or {})}, outdir=outdir)
    config = InfraConfig.from_context(app)
    stack = IdentityImagesStack(app, f"IdentityImages-{config.stage}", config=config)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return app, stack


def main() -> None:
    app, _ = build_app()
    app.synth()


if __name__ == "__main__":
    main()
