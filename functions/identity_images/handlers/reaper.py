"""The reaper Lambda: run on a schedule (EventBridge), it settles the jobs dead-letter
queue and the jobs no message will bring back (`logic.reaper`).

Metrics: `Reaper_{outcome}` per job looked at, `JobsGaveUp` for every job or apply it
ended `worker_gave_up` (alarmed on), `DeadLetters` for the letters it saw.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from identity_images.handlers import init_phase
from identity_images.handlers.observability import load_tracing, logger, metrics, tracer
from identity_images.logic.reaper import GAVE_UP, Reaper, build_reaper
from identity_images.settings import REAPER_RESOURCES, get_settings


@cache
def get_reaper() -> Reaper:
    """Built once per Lambda container."""
    return build_reaper(get_settings().require(REAPER_RESOURCES))


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    reaped = get_reaper().run()
    counts = Counter(outcome.value for outcome in reaped.outcomes)
    for outcome, count in counts.items():
        metrics.add_metric(name=f"Reaper_{outcome}", unit=MetricUnit.Count, value=count)
    gave_up = sum(1 for outcome in reaped.outcomes if outcome in GAVE_UP)
    metrics.add_metric(name="JobsGaveUp", unit=MetricUnit.Count, value=gave_up)
    metrics.add_metric(name="DeadLetters", unit=MetricUnit.Count, value=len(reaped.dead_letters))
    summary = {"dead_letters": len(reaped.dead_letters), "swept": len(reaped.swept), **counts}
    logger.info("reaper run", extra=summary)
    return summary


init_phase.prepare(load_tracing, get_reaper, logger=logger)
