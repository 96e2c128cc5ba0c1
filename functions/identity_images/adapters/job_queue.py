"""The jobs queue (SQS): one message per job action, body = `JobMessage`; and its
dead-letter queue, read without taking anything out of it (`peek`, then `release`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from identity_images.adapters import aws
from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.jobs import JobMessage
from identity_images.models.ports import MAX_DELAY_S, QueuedMessage
from identity_images.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

__all__ = ["MAX_DELAY_S", "JobQueue", "QueuedMessage"]

#: SQS's ceiling for a message's visibility timeout (`MAX_DELAY_S`: for DelaySeconds).
MAX_VISIBILITY_S = 43200
#: How long a peeked message stays hidden (others would otherwise read it twice).
PEEK_VISIBILITY_S = 30


class JobQueue:
    """`models.ports.JobQueue` over SQS."""

    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self.queue_url = queue_url

    @classmethod
    def from_settings(cls, settings: Settings) -> JobQueue:
        if not settings.jobs_queue_url:
            raise PipelineError(
                ErrorCode.INTERNAL_ERROR, "JOBS_QUEUE_URL is not set.", retryable=False
            )
        return cls(aws.sqs(settings), settings.jobs_queue_url)

    @classmethod
    def dead_letters_from_settings(cls, settings: Settings) -> JobQueue:
        """The jobs queue's dead-letter queue (`JOBS_DLQ_URL`)."""
        if not settings.jobs_dlq_url:
            raise PipelineError(
                ErrorCode.INTERNAL_ERROR, "JOBS_DLQ_URL is not set.", retryable=False
            )
        return cls(aws.sqs(settings), settings.jobs_dlq_url)

    def send(self, message: JobMessage, *, delay_s: int = 0) -> str:
        """Queue `message`; returns the SQS message id. Raises `queue_unavailable`
        (retryable) when SQS does not take it."""
        try:
            answer = self._client.send_message(
                QueueUrl=self.queue_url,
                MessageBody=message.model_dump_json(),
                DelaySeconds=max(0, min(delay_s, MAX_DELAY_S)),
            )
        except (BotoCoreError, ClientError) as error:
            raise self._refused(message) from error
        return answer["MessageId"]

    def send_many(self, messages: list[JobMessage]) -> None:
        """Queue several messages (SQS batches of 10). Raises `queue_unavailable` unless
        SQS took every one."""
        for start in range(0, len(messages), 10):
            chunk = messages[start : start + 10]
            try:
                answer = self._client.send_message_batch(
                    QueueUrl=self.queue_url,
                    Entries=[
                        {"Id": str(i), "MessageBody": m.model_dump_json()}
                        for i, m in enumerate(chunk)
                    ],
                )
            except (BotoCoreError, ClientError) as error:
                raise self._refused(chunk[0]) from error
            if answer.get("Failed"):
                failed = chunk[int(answer["Failed"][0]["Id"])]
                raise self._refused(failed)

    @staticmethod
    def _refused(message: JobMessage) -> PipelineError:
        """Why a message was not queued, the same for `send` and `send_many`."""
        return PipelineError(
            ErrorCode.QUEUE_UNAVAILABLE,
            f"The job queue did not take the {message.action} message for job "
            f"{message.job_id!r}; retry.",
            retryable=True,
            details={"job_id": message.job_id},
        )

    def retry_after(self, receipt_handle: str, delay_s: int) -> None:
        """Make a received message visible again in `delay_s` seconds (the backoff)."""
        self._client.change_message_visibility(
            QueueUrl=self.queue_url,
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=max(0, min(delay_s, MAX_VISIBILITY_S)),
        )

    def peek(self, *, limit: int = 100) -> list[QueuedMessage]:
        """Up to `limit` messages, hidden for `PEEK_VISIBILITY_S` and not deleted: give
        them back with `release` (or delete them with `delete`)."""
        seen: dict[str, QueuedMessage] = {}
        while len(seen) < limit:
            answer = self._client.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, limit - len(seen)),
                VisibilityTimeout=PEEK_VISIBILITY_S,
                WaitTimeSeconds=0,
                AttributeNames=["All"],
            )
            got = answer.get("Messages", [])
            if not got:
                break
            for message in got:
                attributes = message.get("Attributes", {})
                sent = attributes.get("SentTimestamp")
                seen[message["MessageId"]] = QueuedMessage(
                    message_id=message["MessageId"],
                    receipt_handle=message["ReceiptHandle"],
                    body=message.get("Body", ""),
                    receive_count=int(attributes.get("ApproximateReceiveCount", "1")),
                    sent_at=datetime.fromtimestamp(int(sent) / 1000, UTC) if sent else None,
                )
        return list(seen.values())

    def release(self, messages: list[QueuedMessage]) -> None:
        """Make peeked messages visible again at once."""
        for message in messages:
            self.retry_after(message.receipt_handle, 0)

    def delete(self, message: QueuedMessage) -> None:
        self._client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message.receipt_handle)
