"""Queue and table helpers for the jobs tests."""

from __future__ import annotations

import json
from typing import Any

from identity_images.adapters import aws
from identity_images.settings import get_settings


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


def messages_in(queue_url: str) -> int:
    """Messages on a queue: visible, in flight and delayed."""
    attributes = aws.sqs().get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])[
        "Attributes"
    ]
    return sum(
        int(attributes.get(name, "0"))
        for name in (
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        )
    )


def bodies(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(r["body"]) for r in event["Records"]]


def job_count() -> int:
    answer = aws.dynamodb().scan(TableName=get_settings().jobs_table_name, Select="COUNT")
    return int(answer["Count"])
