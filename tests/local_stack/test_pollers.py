"""The SQS event source mapping: Lambda's event shape, partial failures, retries."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws

from local_stack.lambda_runtime import LocalFunction
from local_stack.pollers import EventSourceMapping, Schedule, SqsPoller, failed_ids

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

REGION = "us-east-1"


@pytest.fixture
def sqs() -> Iterator[SQSClient]:
    with mock_aws():
        yield boto3.client(
            "sqs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
        )


def _queue(sqs: SQSClient, name: str, **attributes: str) -> str:
    return sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]  # type: ignore[arg-type]


class Recorder:
    """A handler that records events and fails the messages whose body says so."""

    def __init__(self, *, raise_error: bool = False) -> None:
        self.events: list[dict[str, Any]] = []
        self.raise_error = raise_error

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        if self.raise_error:
            raise RuntimeError("the whole batch fails")
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]}
                for r in event["Records"]
                if json.loads(r["body"]).get("fail")
            ]
        }


def _poller(sqs: SQSClient, queue_url: str, handler: Recorder, batch: int = 10) -> SqsPoller:
    mapping = EventSourceMapping(
        queue_url=queue_url,
        function=LocalFunction("worker", handler),
        batch_size=batch,
        wait_time_s=0,
    )
    return SqsPoller(mapping, sqs, REGION)


def _count(sqs: SQSClient, queue_url: str) -> tuple[int, int]:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
        ],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def test_records_have_lambdas_sqs_event_shape(sqs: SQSClient) -> None:
    url = _queue(sqs, "jobs")
    sqs.send_message(
        QueueUrl=url,
        MessageBody=json.dumps({"job_id": "j1"}),
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "generation"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
        },
    )
    handler = Recorder()
    outcome = _poller(sqs, url, handler).poll_once()
    assert outcome is not None
    (record,) = handler.events[0]["Records"]
    assert json.loads(record["body"]) == {"job_id": "j1"}
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:jobs"
    assert record["awsRegion"] == REGION
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert "SentTimestamp" in record["attributes"]
    assert record["messageAttributes"]["kind"]["stringValue"] == "generation"
    assert record["messageAttributes"]["kind"]["dataType"] == "String"
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AQI="
    assert record["md5OfBody"]
    assert record["receiptHandle"]
    assert outcome.deleted == (record["messageId"],)
    assert _count(sqs, url) == (0, 0)


def test_empty_queue_invokes_nothing(sqs: SQSClient) -> None:
    handler = Recorder()
    assert _poller(sqs, _queue(sqs, "empty"), handler).poll_once() is None
    assert handler.events == []


def test_partial_failure_deletes_the_rest_and_keeps_the_failed(sqs: SQSClient) -> None:
    url = _queue(sqs, "jobs", VisibilityTimeout="0")
    for body in ({"n": 1}, {"n": 2, "fail": True}, {"n": 3}):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))
    handler = Recorder()
    poller = _poller(sqs, url, handler)
    outcome = poller.poll_once()
    assert outcome is not None
    assert len(outcome.deleted) == 2
    assert len(outcome.retried) == 1
    # Visibility timeout 0: the failed one is back at once, with its receive count up.
    poller.poll_once()
    (again,) = handler.events[1]["Records"]
    assert json.loads(again["body"]) == {"n": 2, "fail": True}
    assert again["attributes"]["ApproximateReceiveCount"] == "2"


def test_a_failed_message_waits_for_the_visibility_timeout(sqs: SQSClient) -> None:
    url = _queue(sqs, "jobs", VisibilityTimeout="600")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"fail": True}))
    handler = Recorder()
    poller = _poller(sqs, url, handler)
    poller.poll_once()
    assert poller.poll_once() is None
    assert _count(sqs, url) == (0, 1)


def test_handler_exception_fails_the_whole_batch(sqs: SQSClient) -> None:
    url = _queue(sqs, "jobs", VisibilityTimeout="600")
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": n}))
    outcome = _poller(sqs, url, Recorder(raise_error=True)).poll_once()
    assert outcome is not None
    assert outcome.deleted == ()
    assert len(outcome.retried) == 3
    assert _count(sqs, url) == (0, 3)


def test_redrive_moves_a_message_to_the_dlq_after_max_receives(sqs: SQSClient) -> None:
    dlq = _queue(sqs, "jobs-dlq")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    url = _queue(
        sqs,
        "jobs",
        VisibilityTimeout="0",
        RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}),
    )
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"fail": True}))
    handler = Recorder()
    poller = _poller(sqs, url, handler)
    for _ in range(3):
        poller.poll_once()
    assert len(handler.events) == 2
    assert _count(sqs, dlq) == (1, 0)


def test_batch_size_is_honoured(sqs: SQSClient) -> None:
    url = _queue(sqs, "jobs")
    for n in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": n}))
    handler = Recorder()
    _poller(sqs, url, handler, batch=2).poll_once()
    assert len(handler.events[0]["Records"]) <= 2


def test_background_threads_drain_the_queue_and_stop(sqs: SQSClient) -> None:
    url = _queue(sqs, "jobs")
    for n in range(4):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": n}))
    handler = Recorder()
    poller = _poller(sqs, url, handler)
    poller.start()
    threads = [t for t in threading.enumerate() if t.name.startswith("poller-worker")]
    assert threads
    try:
        deadline = time.monotonic() + 10
        while _count(sqs, url) != (0, 0) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        poller.stop()
    seen = sorted(json.loads(r["body"])["n"] for e in handler.events for r in e["Records"])
    assert seen == [0, 1, 2, 3]
    assert not any(t.is_alive() for t in threads)


@pytest.mark.parametrize("told_to_give_up", [False, True])
def test_a_stop_waits_for_the_invocation_under_way_unless_told_to_give_up(
    sqs: SQSClient, told_to_give_up: bool
) -> None:
    url = _queue(sqs, "jobs")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": 1}))
    gemini_answers = threading.Event()

    def waits_for_gemini(event: dict[str, Any], context: Any) -> dict[str, Any]:
        gemini_answers.wait(timeout=30)
        return {}

    mapping = EventSourceMapping(
        queue_url=url, function=LocalFunction("worker", waits_for_gemini), wait_time_s=0
    )
    poller = SqsPoller(mapping, sqs, REGION)
    poller.start()
    give_up = threading.Event()
    try:
        deadline = time.monotonic() + 10
        while poller.invocations_running == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert poller.invocations_running == 1
        # In a moment, the second Ctrl-C, or Gemini's answer.
        threading.Timer(0.3, (give_up if told_to_give_up else gemini_answers).set).start()
        started = time.monotonic()
        poller.stop(timeout_s=30, give_up=give_up)
        took = time.monotonic() - started
        # Given up: the invocation is still under way (its message not deleted).
        assert poller.invocations_running == (1 if told_to_give_up else 0)
        assert _count(sqs, url) == ((0, 1) if told_to_give_up else (0, 0))
    finally:
        gemini_answers.set()
        poller.join(time.monotonic() + 10)  # inside mock_aws: no thread outlives it
    assert 0.2 < took < 10  # it waited, and not the 30 s


def test_a_message_received_as_the_stop_begins_goes_back_to_the_queue(sqs: SQSClient) -> None:
    url = _queue(sqs, "jobs")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": 1}))
    handler = Recorder()
    poller = _poller(sqs, url, handler)
    poller.begin_stop()  # the long poll was under way: its message comes after
    assert poller.poll_once() is None
    assert handler.events == []  # no generation starts once the stop began
    assert _count(sqs, url) == (1, 0)  # visible again, for the next start


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (None, set()),
        ({}, set()),
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "a"}]}, {"a"}),
        ({"batchItemFailures": [{"itemIdentifier": "zzz"}]}, {"a", "b"}),
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, {"a", "b"}),
        ({"batchItemFailures": "nope"}, {"a", "b"}),
        ("not an object", {"a", "b"}),
    ],
)
def test_failed_ids_follow_lambdas_rules(response: Any, expected: set[str]) -> None:
    assert failed_ids(response, {"a", "b"}) == expected


def test_the_batching_window_gathers_messages_sent_after_the_first(sqs: SQSClient) -> None:
    """As the trigger's mapping (`MaximumBatchingWindowInSeconds`): a burst arriving over
    a moment is one invocation, not one per message."""
    import threading
    import time

    url = _queue(sqs, "burst")
    handler = Recorder()
    mapping = EventSourceMapping(
        queue_url=url,
        function=LocalFunction("trigger", handler),
        batch_size=10,
        wait_time_s=0,
        max_batching_window_s=2,
    )
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": 0}))

    def later() -> None:
        time.sleep(0.5)
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": 1}))

    sender = threading.Thread(target=later)
    sender.start()
    SqsPoller(mapping, sqs, REGION).poll_once()
    sender.join()
    (event,) = handler.events
    assert sorted(json.loads(r["body"])["n"] for r in event["Records"]) == [0, 1]


# --- EventBridge schedules ---------------------------------------------------------------


def test_a_schedule_invokes_its_function_with_the_scheduled_event_until_stopped() -> None:
    events: list[dict[str, Any]] = []
    three = threading.Event()

    def handler(event: dict[str, Any], context: Any) -> None:
        events.append(event)
        if len(events) == 2:
            raise RuntimeError("a failed run is logged; the next comes on time")
        if len(events) >= 3:
            three.set()

    schedule = Schedule("reaper", LocalFunction("reaper", handler), interval_s=0.05, region=REGION)
    schedule.start()
    try:
        assert three.wait(10)
    finally:
        schedule.stop()
    count = len(events)
    time.sleep(0.2)
    assert len(events) == count  # stopped
    event = events[0]
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["resources"] == [f"arn:aws:events:{REGION}:123456789012:rule/reaper"]
    assert event["region"] == REGION
    assert len({e["id"] for e in events}) == len(events)
