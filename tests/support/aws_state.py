"""Put objects into and look at the moto world the `resources` fixture creates."""

from __future__ import annotations

import json
from typing import Any

from identity_images.adapters import aws
from identity_images.settings import get_settings
from tests.support.fakes import jpeg_bytes


def put_reference(key: str, data: bytes | None = None, content_type: str = "image/jpeg") -> None:
    aws.s3().put_object(
        Bucket=get_settings().bucket_name,
        Key=key,
        Body=jpeg_bytes() if data is None else data,
        ContentType=content_type,
    )


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
    """The JSON bodies of an SQS event's records."""
    return [json.loads(r["body"]) for r in event["Records"]]


def job_count() -> int:
    answer = aws.dynamodb().scan(TableName=get_settings().jobs_table_name, Select="COUNT")
    return int(answer["Count"])
