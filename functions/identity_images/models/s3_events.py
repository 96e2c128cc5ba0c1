# ruff: noqa: N815 - the field names are S3's
"""S3 event notifications inside SQS messages, as the trigger reads them.

These are Powertools' parser models (`S3SqsEventNotificationRecordModel`, `S3Model`),
loosened only where the local S3 (moto) leaves fields out that real S3 always sends
(`userIdentity`, `requestParameters`, `responseElements`, the bucket's `ownerIdentity`,
`configurationId`). The keys in a notification are URL-encoded (`+` for a space):
`ReferenceNotification.object_key` decodes them.

S3 also sends one `s3:TestEvent` message when a notification is configured; it is not an
`S3Model` and is recognised by `S3TestEvent`.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.parser.models import (
    S3Model,
    S3RecordModel,
    S3SqsEventNotificationRecordModel,
)
from aws_lambda_powertools.utilities.parser.models.s3 import (
    S3Bucket,
    S3Identity,
    S3Message,
    S3OwnerIdentify,
    S3RequestParameters,
    S3ResponseElements,
)
from pydantic import BaseModel, ConfigDict, Json


class S3TestEvent(BaseModel):
    """The message S3 sends once to check a new notification's destination."""

    model_config = ConfigDict(extra="ignore")

    Event: Literal["s3:TestEvent"]


class NotificationBucket(S3Bucket):
    ownerIdentity: S3OwnerIdentify | None = None  # type: ignore[assignment]


class NotificationMessage(S3Message):
    configurationId: str = ""
    bucket: NotificationBucket


class NotificationRecord(S3RecordModel):
    userIdentity: S3Identity | None = None  # type: ignore[assignment]
    requestParameters: S3RequestParameters | None = None  # type: ignore[assignment]
    responseElements: S3ResponseElements | None = None  # type: ignore[assignment]
    s3: NotificationMessage

    @property
    def object_key(self) -> str:
        obj = self.s3.object or self.s3.get_object
        return unquote_plus(obj.key) if obj else ""

    @property
    def object_size(self) -> int | None:
        obj = self.s3.object or self.s3.get_object
        return int(obj.size) if obj and obj.size is not None else None


class NotificationEvent(S3Model):
    Records: list[NotificationRecord]  # type: ignore[assignment]


class ReferenceNotification(S3SqsEventNotificationRecordModel):
    """One SQS record of the regeneration queue: an S3 notification in its body."""

    body: Json[NotificationEvent]
