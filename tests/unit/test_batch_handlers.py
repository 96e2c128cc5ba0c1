"""The SQS handlers (worker, trigger) answer for their own batch only, even when two
invocations run side by side in one process, as the local stack's pollers run them."""

from __future__ import annotations

import copy
import threading
from types import ModuleType
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from identity_images.handlers import trigger, worker
from tests.support.lambdas import LambdaContextStub, load_event

WAIT_S = 10.0


def sqs_event(message_id: str, body: str) -> dict[str, Any]:
    event = copy.deepcopy(load_event("sqs_job_message"))
    event["Records"][0].update(messageId=message_id, body=body)
    return event


@pytest.mark.parametrize(
    ("handler_module", "builder"), [(worker, "get_worker"), (trigger, "get_regenerator")]
)
def test_concurrent_invocations_report_only_their_own_failed_records(
    monkeypatch: pytest.MonkeyPatch, handler_module: ModuleType, builder: str
) -> None:
    slow_started = threading.Event()
    failed_done = threading.Event()

    def record_handler(record: SQSRecord) -> None:
        if record.body == "fails":
            raise ValueError("this record fails")
        slow_started.set()  # succeeds, but only after the other invocation has answered
        assert failed_done.wait(WAIT_S)

    monkeypatch.setattr(handler_module, builder, lambda: None)
    monkeypatch.setattr(handler_module, "record_handler", record_handler)
    answers: dict[str, Any] = {}

    def invoke(message_id: str, body: str) -> None:
        answers[message_id] = handler_module.handler(
            sqs_event(message_id, body), LambdaContextStub()
        )

    slow = threading.Thread(target=invoke, args=("slow-ok", "succeeds"))
    slow.start()
    assert slow_started.wait(WAIT_S)
    invoke("fast-fail", "fails")
    failed_done.set()
    slow.join(WAIT_S)

    assert answers == {
        "fast-fail": {"batchItemFailures": [{"itemIdentifier": "fast-fail"}]},
        "slow-ok": {"batchItemFailures": []},
    }
