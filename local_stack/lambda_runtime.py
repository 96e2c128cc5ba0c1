"""Invoking a Lambda handler in this process the way the Lambda runtime would.

A handler is named by its dotted path (`identity_images.handlers.worker.handler`) and
imported on first use, so the environment the stack sets up is in place before the
handler's module reads its settings (as on a cold start).
"""

from __future__ import annotations

import importlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

Handler = Callable[[Any, Any], Any]

ACCOUNT_ID = "123456789012"  # moto's default account
#: What a synchronous invocation may answer, as JSON: Lambda refuses a larger answer (its
#: "Response payload size exceeded"), which API Gateway turns into a 502.
MAX_RESPONSE_BYTES = 6 * 1024 * 1024
# One handler module imported at a time: the stack's threads (gateway, pollers) may meet
# their first events together, and two threads importing the same packages at once can
# see each other's half-initialised modules (Powertools' data classes import in a cycle).
# Each Lambda imports in its own process, so serialising costs nothing they would not.
_IMPORT_LOCK = threading.Lock()


class ResponseTooLargeError(RuntimeError):
    """A handler answered more than `MAX_RESPONSE_BYTES`, which Lambda would not return."""


class LocalLambdaContext(LambdaContext):
    """The context object a handler receives: names, request id and remaining time."""

    def __init__(
        self, function_name: str, *, timeout_s: float, region: str, memory_mb: int = 1024
    ) -> None:
        self._function_name = function_name
        self._function_version = "$LATEST"
        self._invoked_function_arn = (
            f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function_name}"
        )
        self._memory_limit_in_mb = memory_mb
        self._aws_request_id = str(uuid.uuid4())
        self._log_group_name = f"/aws/lambda/{function_name}"
        self._log_stream_name = f"local/{self._aws_request_id}"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:  # type: ignore[override]
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def resolve_handler(dotted: str) -> Handler:
    """`package.module.attr` -> the callable (imports the module)."""
    module_name, _, attr = dotted.rpartition(".")
    if not module_name:
        raise ValueError(f"not a dotted handler path: {dotted!r}")
    with _IMPORT_LOCK:
        handler: Handler = getattr(importlib.import_module(module_name), attr)
    return handler


@dataclass
class LocalFunction:
    """One Lambda function: a name, a handler (dotted path or callable) and a timeout."""

    name: str
    handler: str | Handler
    timeout_s: float = 30.0
    region: str = "us-east-1"
    memory_mb: int = 1024
    #: One invocation at a time, as one Lambda instance: a Powertools resolver keeps the
    #: current event on its module-level app, so concurrent calls in threads mix requests.
    serial: bool = False
    _resolved: Handler | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _callable(self) -> Handler:
        if self._resolved is None:  # resolve_handler imports under the one import lock
            self._resolved = (
                resolve_handler(self.handler) if isinstance(self.handler, str) else self.handler
            )
        return self._resolved

    def invoke(self, event: Any) -> Any:
        """Call the handler with a fresh context; its exceptions propagate, and an answer
        larger than Lambda returns raises `ResponseTooLargeError`."""
        context = LocalLambdaContext(
            self.name, timeout_s=self.timeout_s, region=self.region, memory_mb=self.memory_mb
        )
        if self.serial:
            with self._lock:
                output = self._callable()(event, context)
        else:
            output = self._callable()(event, context)
        size = len(json.dumps(output, default=str).encode())
        if size > MAX_RESPONSE_BYTES:
            raise ResponseTooLargeError(
                f"{self.name} answered {size} bytes, over Lambda's {MAX_RESPONSE_BYTES}"
            )
        return output
