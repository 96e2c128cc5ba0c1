"""State that survives a restart of the local stack.

moto keeps everything in memory, so on a clean stop the stack writes what matters to the
data folder and on the next start puts it back, before the bucket notification is
configured (restoring a reference must not regenerate its identity):

- S3: every object of the bucket, with its content type (`aws/s3/objects/...`);
- DynamoDB: every item of the jobs and idempotency tables (`aws/dynamodb/{table}.json`);
- SQS: the messages waiting in the queues, dead-letter queues included
  (`aws/sqs/{queue}.json`). Messages a poller had received and not finished at the stop
  (in flight) are not visible and are lost.

A killed process (no clean stop) writes nothing: the previous snapshot stays.
"""

from __future__ import annotations

import base64
import json
import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

log = logging.getLogger("local_stack.persistence")

SNAPSHOT_DIR = "aws"


@dataclass(frozen=True)
class SnapshotScope:
    """What to save: the bucket, the tables and the queues (by URL)."""

    bucket: str
    tables: Sequence[str]
    queue_urls: Sequence[str]


@dataclass(frozen=True)
class SnapshotCounts:
    objects: int = 0
    items: int = 0
    messages: int = 0


class Snapshots:
    """Saves to and restores from `{data_dir}/aws/`."""

    def __init__(self, data_dir: Path, s3: S3Client, dynamodb: DynamoDBClient, sqs: SQSClient):
        self.root = data_dir / SNAPSHOT_DIR
        self._s3 = s3
        self._dynamodb = dynamodb
        self._sqs = sqs

    # --- save ------------------------------------------------------------------------------
    def save(self, scope: SnapshotScope) -> SnapshotCounts:
        """Write a new snapshot, replacing the old one only once it is complete."""
        staging = self.root.with_name(SNAPSHOT_DIR + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        # The tables before the bucket: a function still running (a stop that did not wait
        # for it) writes an output before the job that records it, so no job saved here
        # names an output the snapshot lacks.
        items = sum(self._save_table(t, staging / "dynamodb") for t in scope.tables)
        objects = self._save_objects(scope.bucket, staging / "s3")
        messages = sum(self._save_queue(q, staging / "sqs") for q in scope.queue_urls)
        shutil.rmtree(self.root, ignore_errors=True)
        staging.rename(self.root)
        counts = SnapshotCounts(objects, items, messages)
        log.info("saved %s", counts)
        return counts

    def _save_objects(self, bucket: str, folder: Path) -> int:
        (folder / "objects").mkdir(parents=True)
        meta: dict[str, dict[str, Any]] = {}
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for entry in page.get("Contents", []):
                key = entry["Key"]
                got = self._s3.get_object(Bucket=bucket, Key=key)
                name = f"{len(meta):08d}"
                (folder / "objects" / name).write_bytes(got["Body"].read())
                meta[key] = {
                    "file": name,
                    "content_type": got.get("ContentType", "binary/octet-stream"),
                    "metadata": got.get("Metadata", {}),
                }
        (folder / "index.json").write_text(json.dumps(meta, indent=1))
        return len(meta)

    def _save_table(self, table: str, folder: Path) -> int:
        folder.mkdir(parents=True, exist_ok=True)
        items: list[Any] = []
        for page in self._dynamodb.get_paginator("scan").paginate(TableName=table):
            items.extend(page.get("Items", []))
        (folder / f"{table}.json").write_text(json.dumps(items, default=_encode_bytes))
        return len(items)

    def _save_queue(self, queue_url: str, folder: Path) -> int:
        folder.mkdir(parents=True, exist_ok=True)
        messages: list[dict[str, Any]] = []
        while True:
            got = self._sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=10,
                MessageAttributeNames=["All"],
                VisibilityTimeout=60,
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not got:
                break
            messages.extend(
                {"body": m.get("Body", ""), "attributes": m.get("MessageAttributes", {})}
                for m in got
                if not _is_s3_test_event(m.get("Body", ""))
            )
        name = queue_url.rstrip("/").rsplit("/", 1)[-1]
        (folder / f"{name}.json").write_text(json.dumps(messages, default=_encode_bytes))
        return len(messages)

    # --- restore ---------------------------------------------------------------------------
    def restore(self, scope: SnapshotScope) -> SnapshotCounts:
        """Put the last snapshot back into a fresh moto (nothing if there is none)."""
        if not self.root.is_dir():
            return SnapshotCounts()
        objects = self._restore_objects(scope.bucket, self.root / "s3")
        items = sum(self._restore_table(t, self.root / "dynamodb") for t in scope.tables)
        messages = sum(self._restore_queue(q, self.root / "sqs") for q in scope.queue_urls)
        counts = SnapshotCounts(objects, items, messages)
        log.info("restored %s", counts)
        return counts

    def _restore_objects(self, bucket: str, folder: Path) -> int:
        index = folder / "index.json"
        if not index.is_file():
            return 0
        meta: dict[str, dict[str, Any]] = json.loads(index.read_text())
        for key, entry in meta.items():
            self._s3.put_object(
                Bucket=bucket,
                Key=key,
                Body=(folder / "objects" / entry["file"]).read_bytes(),
                ContentType=entry["content_type"],
                Metadata=entry.get("metadata", {}),
            )
        return len(meta)

    def _restore_table(self, table: str, folder: Path) -> int:
        path = folder / f"{table}.json"
        if not path.is_file():
            return 0
        items = json.loads(path.read_text(), object_hook=_decode_bytes)
        for start in range(0, len(items), 25):
            self._dynamodb.batch_write_item(
                RequestItems={
                    table: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
                }
            )
        return len(items)

    def _restore_queue(self, queue_url: str, folder: Path) -> int:
        name = queue_url.rstrip("/").rsplit("/", 1)[-1]
        path = folder / f"{name}.json"
        if not path.is_file():
            return 0
        messages = json.loads(path.read_text(), object_hook=_decode_bytes)
        for message in messages:
            if message["attributes"]:
                self._sqs.send_message(
                    QueueUrl=queue_url,
                    MessageBody=message["body"],
                    MessageAttributes=message["attributes"],
                )
            else:
                self._sqs.send_message(QueueUrl=queue_url, MessageBody=message["body"])
        return len(messages)


def _is_s3_test_event(body: str) -> bool:
    """S3 sends one when a notification is configured; the next start sends its own."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return False
    return isinstance(parsed, dict) and parsed.get("Event") == "s3:TestEvent"


def _encode_bytes(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"__b64__": base64.b64encode(value).decode()}
    raise TypeError(f"cannot save {type(value).__name__}")


def _decode_bytes(value: dict[str, Any]) -> Any:
    if set(value) == {"__b64__"}:
        return base64.b64decode(value["__b64__"])
    return value
