"""Lambda's SQS event source mappings, locally: poll a queue, hand batches to a handler.

As on AWS: long-polling `ReceiveMessage` of up to `batch_size` messages (all system
attributes, so `ApproximateReceiveCount` is there, and all message attributes), the
Lambda SQS event (`messageId`, `receiptHandle`, `body`, `attributes`,
`messageAttributes` in Lambda's camelCase shape, `md5OfBody`, `eventSource`,
`eventSourceARN`, `awsRegion`), `ReportBatchItemFailures`: the messages the handler did
not list in `batchItemFailures` are deleted, the listed ones stay for the queue's
visibility timeout (and its redrive policy); a handler exception, or an answer that
names a message not in the batch, fails the whole batch.

And EventBridge schedules (`Schedule`): a function invoked every so often with the
scheduled event, as the CDK app's reaper rule does.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from local_stack.lambda_runtime import ACCOUNT_ID, LocalFunction

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

log = logging.getLogger("local_stack.pollers")


@dataclass(frozen=True)
class EventSourceMapping:
    """One queue -> one function, with the mapping's batch settings."""

    queue_url: str
    function: LocalFunction
    batch_size: int = 10
    wait_time_s: int = 1  # long-poll wait; short so a stop is quick
    concurrency: int = 1  # pollers (and so concurrent invocations) for this mapping
    #: Like the mapping's `MaximumBatchingWindowInSeconds`: after the first message, keep
    #: gathering for up to this long until the batch is full.
    max_batching_window_s: float = 0


@dataclass(frozen=True)
class BatchOutcome:
    """What one invocation did: messages deleted, messages left for a retry."""

    deleted: tuple[str, ...]
    retried: tuple[str, ...]


def lambda_record(message: MessageTypeDef, queue_arn: str, region: str) -> dict[str, Any]:
    """One SQS message as a record of Lambda's SQS event."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: _lambda_message_attribute(value)
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def _lambda_message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    binary = value.get("BinaryValue")
    out: dict[str, Any] = {
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": value.get("DataType", "String"),
    }
    if "StringValue" in value:
        out["stringValue"] = value["StringValue"]
    if binary is not None:
        out["binaryValue"] = base64.b64encode(binary).decode()
    return out


def failed_ids(response: Any, batch_ids: set[str]) -> set[str]:
    """The message ids a handler's answer reports as failed (all of them if malformed)."""
    if response is None:
        return set()
    if not isinstance(response, Mapping):
        return set(batch_ids)
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return set(batch_ids)
    ids: set[str] = set()
    for failure in failures:
        item = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not isinstance(item, str) or item not in batch_ids:
            return set(batch_ids)
        ids.add(item)
    return ids


class SqsPoller:
    """Runs one event source mapping in background threads until `stop()`."""

    def __init__(self, mapping: EventSourceMapping, sqs: SQSClient, region: str) -> None:
        self.mapping = mapping
        self._sqs = sqs
        self._region = region
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running = 0
        self._running_lock = threading.Lock()
        self._queue_arn = sqs.get_queue_attributes(
            QueueUrl=mapping.queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]

    def start(self) -> None:
        for index in range(self.mapping.concurrency):
            thread = threading.Thread(
                target=self._run,
                name=f"poller-{self.mapping.function.name}-{index}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    @property
    def invocations_running(self) -> int:
        """How many invocations of the function are under way now."""
        with self._running_lock:
            return self._running

    def stop(self, timeout_s: float = 30.0, give_up: threading.Event | None = None) -> None:
        """Stop polling; an invocation in progress finishes first, for up to `timeout_s`,
        or until `give_up` is set (its message then comes back after its visibility
        timeout, as a Lambda's that was stopped would)."""
        self.begin_stop()
        self.join(time.monotonic() + timeout_s, give_up)

    def begin_stop(self) -> None:
        """Take no new message from now on (one received meanwhile goes back to the queue)."""
        self._stop.set()

    def join(self, deadline: float, give_up: threading.Event | None = None) -> None:
        """Wait for the invocations in progress, until `deadline` (`time.monotonic()`) or
        `give_up`; the threads still running are kept, for a later `join`."""
        for thread in self._threads:
            while thread.is_alive() and time.monotonic() < deadline:
                if give_up is not None and give_up.is_set():
                    break
                thread.join(timeout=0.1)
        self._threads = [thread for thread in self._threads if thread.is_alive()]

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:
                log.exception("polling %s failed", self.mapping.queue_url)
                self._stop.wait(1.0)

    def _receive(self, count: int, wait_s: int) -> list[MessageTypeDef]:
        received = self._sqs.receive_message(
            QueueUrl=self.mapping.queue_url,
            MaxNumberOfMessages=min(count, 10),
            WaitTimeSeconds=wait_s,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(received.get("Messages", []))

    def poll_once(self) -> BatchOutcome | None:
        """Receive one batch (gathering for up to the batching window once the first
        message is in) and invoke the function with it (None: the queue was empty)."""
        messages = self._receive(self.mapping.batch_size, self.mapping.wait_time_s)
        if not messages:
            return None
        window_ends = time.monotonic() + self.mapping.max_batching_window_s
        while len(messages) < self.mapping.batch_size and not self._stop.is_set():
            left = window_ends - time.monotonic()
            if left <= 0:
                break
            more = self._receive(self.mapping.batch_size - len(messages), 0)
            if more:
                messages += more
            else:
                self._stop.wait(min(left, 0.2))
        if self._stop.is_set():
            # Received while the stop began: not run now, back in the queue for the next start.
            self._release(messages)
            return None
        return self.invoke(messages)

    def _release(self, messages: list[MessageTypeDef]) -> None:
        for start in range(0, len(messages), 10):
            self._sqs.change_message_visibility_batch(
                QueueUrl=self.mapping.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                    for i, m in enumerate(messages[start : start + 10])
                ],
            )

    def invoke(self, messages: list[MessageTypeDef]) -> BatchOutcome:
        event = {"Records": [lambda_record(m, self._queue_arn, self._region) for m in messages]}
        batch_ids = {m["MessageId"] for m in messages}
        name = self.mapping.function.name
        with self._running_lock:
            self._running += 1
        try:
            failed = failed_ids(self.mapping.function.invoke(event), batch_ids)
        except Exception:
            log.exception("%s raised; the batch of %d is retried", name, len(messages))
            failed = set(batch_ids)
        finally:
            with self._running_lock:
                self._running -= 1
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            self._sqs.delete_message_batch(
                QueueUrl=self.mapping.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)
                ],
            )
        log.info("%s: %d done, %d left for retry", name, len(done), len(failed))
        return BatchOutcome(
            deleted=tuple(m["MessageId"] for m in done),
            retried=tuple(m["MessageId"] for m in messages if m["MessageId"] in failed),
        )


def scheduled_event(rule_arn: str, region: str) -> dict[str, Any]:
    """The event an EventBridge schedule rule sends its target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


class Schedule:
    """An EventBridge `rate(...)` rule with a Lambda target, locally: a thread that
    invokes `function` every `interval_s` until `stop()`. A failed invocation is logged;
    the next one comes on time."""

    def __init__(self, name: str, function: LocalFunction, interval_s: float, region: str):
        self.name = name
        self.function = function
        self.interval_s = interval_s
        self._region = region
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def invoke_now(self) -> Any:
        """One invocation, as the rule would send it; the handler's errors propagate."""
        arn = f"arn:aws:events:{self._region}:{ACCOUNT_ID}:rule/{self.name}"
        return self.function.invoke(scheduled_event(arn, self._region))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"schedule-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.invoke_now()
            except Exception:
                log.exception("scheduled %s failed", self.function.name)
