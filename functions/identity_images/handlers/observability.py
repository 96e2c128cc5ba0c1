"""Powertools Logger, Tracer and Metrics, set up once for every handler.

The CDK app sets POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE; these defaults
match them, so a local run logs and measures under the same names.
"""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "identity-images"
METRICS_NAMESPACE = "IdentityImages"

logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE)


# Most API requests record no metric of their own; that is normal, not worth a warning
# in every log line.
warnings.filterwarnings("ignore", message="No application metrics to publish")
