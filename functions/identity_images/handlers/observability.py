"""Powertools Logger, Tracer and Metrics, set up once for every handler.

The CDK app sets POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE; these defaults
match them, so a local run logs and measures under the same names.

The Tracer gets a provider of our own (`LazyXRayProvider`, through Powertools' `provider=`
hook) so that the X-Ray SDK is loaded only where tracing is on: Powertools' default
provider is `aws_xray_sdk.core.xray_recorder`, whose import builds a botocore session and
an X-Ray client for its sampler, even when tracing is off. Where tracing is off
(`POWERTOOLS_TRACE_DISABLED`, or outside Lambda: tests, the local stack, benchmarks) the
provider hands out no-op segments and the SDK is never loaded. Where it is on (the CDK app
turns on X-Ray active tracing), the recorder is loaded by Lambda's init (`load_tracing`,
a step of `handlers.init_phase`), or else by the first traced call; it is configured as
Powertools would (one subsegment per UDP packet) and patches the libraries Powertools
would patch (boto3/botocore, httpx, requests, ...). From then on it is the X-Ray recorder
that records, exactly as with the default provider.
"""

from __future__ import annotations

import importlib
import os
import threading
import warnings
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.shared import constants
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

SERVICE = "identity-images"
METRICS_NAMESPACE = "IdentityImages"


def tracing_disabled() -> bool:
    """Powertools' own rule: off when POWERTOOLS_TRACE_DISABLED is true, or outside Lambda
    (no LAMBDA_TASK_ROOT), or under SAM local / Chalice."""
    if resolve_truthy_env_var_choice(env=os.getenv(constants.TRACER_DISABLED_ENV, "false")):
        return True
    outside_lambda = not os.getenv(constants.LAMBDA_TASK_ROOT_ENV)
    emulated = bool(os.getenv(constants.SAM_LOCAL_ENV) or os.getenv(constants.CHALICE_LOCAL_ENV))
    return outside_lambda or emulated


class NoOpSegment(BaseSegment):
    """What a traced block gets while tracing is off: accepts everything, records nothing."""

    def close(self, end_time: int | None = None) -> None:
        return None

    def add_subsegment(self, subsegment: Any) -> None:
        return None

    def remove_subsegment(self, subsegment: Any) -> None:
        return None

    def put_annotation(self, key: str, value: Any) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        return None

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        return None


class LazyXRayProvider(BaseProvider):
    """The X-Ray recorder, imported on first use; nothing at all while tracing is off."""

    def __init__(self, *, disabled: bool) -> None:
        self.disabled = disabled
        self._lock = threading.Lock()
        self._recorder: Any = None
        # What Tracer asked to patch at construction (None: everything), applied on load.
        self._patch: tuple[str, ...] | None = ()

    @property
    def loaded(self) -> bool:
        return self._recorder is not None

    def recorder(self) -> Any:
        """`aws_xray_sdk.core.xray_recorder`, configured and with the libraries patched."""
        if self._recorder is None:
            with self._lock:
                if self._recorder is None:
                    xray = _xray_core()
                    # As Powertools does for its default provider (its issue #283).
                    xray.xray_recorder.configure(streaming_threshold=0)
                    if self._patch is None:
                        xray.patch_all()
                    elif self._patch:
                        xray.patch(self._patch)
                    self._recorder = xray.xray_recorder
        return self._recorder

    @contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[BaseSegment]:
        if self.disabled:
            yield NoOpSegment()
            return
        with self.recorder().in_subsegment(name=name, **kwargs) as subsegment:
            yield subsegment

    def in_subsegment_async(
        self, name: str | None = None, **kwargs: Any
    ) -> AbstractAsyncContextManager[BaseSegment]:
        if self.disabled:
            return _no_op_async()
        manager: AbstractAsyncContextManager[BaseSegment] = self.recorder().in_subsegment_async(
            name=name, **kwargs
        )
        return manager

    def put_annotation(self, key: str, value: Any) -> None:
        if not self.disabled:
            self.recorder().put_annotation(key=key, value=value)

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        if not self.disabled:
            self.recorder().put_metadata(key=key, value=value, namespace=namespace)

    def patch(self, modules: Sequence[str]) -> None:
        self._patch = tuple(modules)
        if self.loaded:
            _xray_core().patch(self._patch)

    def patch_all(self) -> None:
        self._patch = None
        if self.loaded:
            _xray_core().patch_all()


def _xray_core() -> Any:
    """`aws_xray_sdk.core` (it has no type hints); importing it builds the recorder."""
    return importlib.import_module("aws_xray_sdk.core")


@asynccontextmanager
async def _no_op_async() -> AsyncIterator[BaseSegment]:
    yield NoOpSegment()


_disabled = tracing_disabled()
_xray = LazyXRayProvider(disabled=_disabled)
logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE, disabled=_disabled, provider=_xray)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE)


def load_tracing() -> None:
    """Where tracing is on, load the X-Ray recorder now (a step of Lambda's init,
    `handlers.init_phase`) rather than in the first traced call; where it is off, nothing."""
    if not _xray.disabled:
        _xray.recorder()


# Most API requests record no metric of their own; that is normal, not worth a warning
# in every log line.
warnings.filterwarnings("ignore", message="No application metrics to publish")
