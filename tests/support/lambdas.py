"""Events as Lambda receives them, and their delivery to the handlers: REST proxy events
to the API (`call_api`), SQS events received from a real (moto) queue to a batch handler
(`deliver`, which then does what the event source mapping does with the answer)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from identity_images.adapters import aws
from identity_images.handlers import api
from identity_images.handlers import worker as worker_handler
from identity_images.settings import get_settings
from tests.support.fakes import ADMIN_ID

EVENTS = Path(__file__).resolve().parents[2] / "events"

BatchHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def invoke_answer(printed: str) -> Any:
    """What `make invoke` printed as the handler's answer: the indented document printed
    last, after the handler's logs (JSON lines)."""
    start = 0 if printed.startswith("{\n") else printed.rindex("\n{\n") + 1
    return json.loads(printed[start:])


def load_event(name: str) -> dict[str, Any]:
    """A sample event from `events/`."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return event


@dataclass
class LambdaContextStub:
    function_name: str = "identity-images-test"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def call_api(
    method: str,
    path: str,
    *,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    caller: str | None = ADMIN_ID,
    raw_body: str | None = None,
    authorizer_extra: dict[str, str] | None = None,
    binary_body: bytes | None = None,
    content_type: str | None = "application/json",
) -> tuple[int, Any, dict[str, str]]:
    """Send a REST proxy event (built from the sample) through `handlers.api.handler`; a
    body goes with `content_type` as its `Content-Type` (None: no such header)."""
    event = load_event("api_create_generation")
    all_headers = {
        k: v for k, v in event["headers"].items() if k not in {"Idempotency-Key", "Content-Type"}
    }
    has_body = body is not None or raw_body is not None or binary_body is not None
    if has_body and content_type is not None:
        all_headers["Content-Type"] = content_type
    if binary_body is not None:  # what API Gateway sends for bytes that are not UTF-8
        raw_body = base64.b64encode(binary_body).decode()
    all_headers.update(headers or {})
    event.update(
        httpMethod=method,
        path=path,
        resource=path,
        headers=all_headers,
        multiValueHeaders={k: [v] for k, v in all_headers.items()},
        queryStringParameters=query,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} if query else None,
        pathParameters=None,
        body=raw_body if raw_body is not None else (json.dumps(body) if body is not None else None),
    )
    event["isBase64Encoded"] = binary_body is not None
    event["requestContext"]["httpMethod"] = method
    event["requestContext"]["path"] = f"/prod{path}"
    if caller is None:
        del event["requestContext"]["authorizer"]
    else:
        event["requestContext"]["authorizer"] = {
            "user_id": caller,
            "username": f"user{caller}",
            "is_staff": "true",
            "principalId": caller,
            **(authorizer_extra or {}),
        }
    response = api.handler(event, LambdaContextStub())
    answer = json.loads(response["body"]) if response.get("body") else None
    headers = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = ",".join(values)
    return response["statusCode"], answer, headers


# --- SQS ---------------------------------------------------------------------------------
def receive_event(queue_url: str, *, max_messages: int = 10) -> dict[str, Any]:
    """Receive what is visible on the queue, as the SQS event Lambda would get."""
    answer = aws.sqs().receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=max_messages,
        AttributeNames=["All"],
        WaitTimeSeconds=0,
    )
    records = [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            "messageAttributes": {},
            "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:identity-image-jobs-queue",
            "awsRegion": "us-east-1",
        }
        for m in answer.get("Messages", [])
    ]
    return {"Records": records}


def receive_all(queue_url: str) -> dict[str, Any]:
    """Every message visible on the queue, as one SQS event."""
    records: list[dict[str, Any]] = []
    while batch := receive_event(queue_url)["Records"]:
        records += batch
    return {"Records": records}


def drain(queue_url: str) -> dict[str, Any]:
    """Receive and delete every visible message (lost, as at a stop; or moto's
    `s3:TestEvent`); the event they made."""
    event = receive_all(queue_url)
    for record in event["Records"]:
        aws.sqs().delete_message(QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"])
    return event


def deliver(
    event: dict[str, Any],
    *,
    handler: BatchHandler = worker_handler.handler,
    queue_url: str | None = None,
) -> list[str]:
    """Run a batch handler (the worker's unless told) on an SQS event and, as the event
    source mapping does, delete from `queue_url` (the jobs queue unless told) the records
    that did not fail; the ids of those that failed."""
    answer = handler(event, LambdaContextStub())
    failed = [f["itemIdentifier"] for f in answer["batchItemFailures"]]
    url = queue_url or get_settings().jobs_queue_url or ""
    for record in event["Records"]:
        if record["messageId"] not in failed:
            aws.sqs().delete_message(QueueUrl=url, ReceiptHandle=record["receiptHandle"])
    return failed
