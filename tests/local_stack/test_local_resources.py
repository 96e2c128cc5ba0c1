"""The moto server and what the stack adds to the CDK resources: S3 -> SQS for new
references, CORS for the browser, secrets by ARN; and state that survives a restart."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import httpx

from local_stack import local_resources
from local_stack.moto_server import LocalMoto
from local_stack.persistence import Snapshots, SnapshotScope

ORIGIN = "http://localhost:5173"


def _names() -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:8]
    return f"bucket-{suffix}", f"regeneration-{suffix}"


def _receive_all(sqs: Any, url: str) -> list[dict[str, Any]]:
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    return [json.loads(m["Body"]) for m in got.get("Messages", [])]


def test_presigned_post_into_references_notifies_the_queue(moto_server: LocalMoto) -> None:
    s3, sqs = moto_server.client("s3"), moto_server.client("sqs")
    bucket, queue = _names()
    s3.create_bucket(Bucket=bucket)
    url = sqs.create_queue(QueueName=queue)["QueueUrl"]
    local_resources.notify_queue_of_references(s3, bucket, local_resources.queue_arn(sqs, url))

    key = "references/identities/42/photo.jpg"
    post = s3.generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": "image/jpeg"},
        Conditions=[{"Content-Type": "image/jpeg"}],  # as S3 wants every field in the policy
    )
    response = httpx.post(
        post["url"], data=post["fields"], files={"file": ("p.jpg", b"jpeg", "image/jpeg")}
    )
    assert response.status_code in (200, 204), response.text
    s3.put_object(Bucket=bucket, Key="generated/identities/42/g.png", Body=b"png")

    events = [e for e in _receive_all(sqs, url) if "Records" in e]
    # S3 URL-encodes keys in events (moto encodes the slashes too): readers unquote_plus.
    keys = [unquote_plus(r["s3"]["object"]["key"]) for e in events for r in e["Records"]]
    assert keys == [key]
    assert events[0]["Records"][0]["eventName"].startswith("ObjectCreated")


def test_bucket_cors_answers_the_browsers_preflight(moto_server: LocalMoto) -> None:
    s3 = moto_server.client("s3")
    bucket, _ = _names()
    s3.create_bucket(Bucket=bucket)
    local_resources.allow_browser_uploads(s3, bucket, [ORIGIN])
    response = httpx.options(
        f"{moto_server.endpoint_url}/{bucket}",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]


def test_secrets_are_created_once_and_updated_after(moto_server: LocalMoto) -> None:
    sm = moto_server.client("secretsmanager")
    name = f"local/jwt-{uuid.uuid4().hex[:6]}"
    first = local_resources.ensure_secrets(sm, {name: "one"})
    second = local_resources.ensure_secrets(sm, {name: "two"})
    assert first[name] == second[name]
    assert first[name].startswith("arn:aws:secretsmanager:")
    assert sm.get_secret_value(SecretId=first[name])["SecretString"] == "two"


def _make(server: LocalMoto, bucket: str) -> tuple[Any, Any, Any, str]:
    s3, ddb, sqs = server.client("s3"), server.client("dynamodb"), server.client("sqs")
    s3.create_bucket(Bucket=bucket)
    ddb.create_table(
        TableName="jobs",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "job_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
    )
    url = sqs.create_queue(QueueName="jobs-queue")["QueueUrl"]
    return s3, ddb, sqs, url


def test_state_survives_a_restart_of_moto(tmp_path: Path) -> None:
    bucket = "images"
    first = LocalMoto(port=0)
    first.start()
    try:
        s3, ddb, sqs, url = _make(first, bucket)
        s3.put_object(
            Bucket=bucket, Key="generated/a.png", Body=b"\x89PNG", ContentType="image/png"
        )
        ddb.put_item(
            TableName="jobs",
            Item={"job_id": {"S": "j1"}, "blob": {"B": b"\x00\x01"}, "n": {"N": "3"}},
        )
        sqs.send_message(QueueUrl=url, MessageBody='{"Event": "s3:TestEvent"}')
        sqs.send_message(
            QueueUrl=url,
            MessageBody='{"job_id": "j2"}',
            MessageAttributes={"kind": {"DataType": "String", "StringValue": "generation"}},
        )
        scope = SnapshotScope(bucket=bucket, tables=["jobs"], queue_urls=[url])
        saved = Snapshots(tmp_path, s3, ddb, sqs).save(scope)
        assert (saved.objects, saved.items, saved.messages) == (1, 1, 1)
    finally:
        first.stop()

    second = LocalMoto(port=0)
    second.start()
    second.reset()  # moto's state is per process: forget the first server's
    try:
        s3, ddb, sqs, url = _make(second, bucket)
        scope = SnapshotScope(bucket=bucket, tables=["jobs"], queue_urls=[url])
        restored = Snapshots(tmp_path, s3, ddb, sqs).restore(scope)
        assert (restored.objects, restored.items, restored.messages) == (1, 1, 1)
        got = s3.get_object(Bucket=bucket, Key="generated/a.png")
        assert got["Body"].read() == b"\x89PNG"
        assert got["ContentType"] == "image/png"
        item = ddb.get_item(TableName="jobs", Key={"job_id": {"S": "j1"}})["Item"]
        assert item["blob"]["B"] == b"\x00\x01"
        assert item["n"]["N"] == "3"
        (message,) = sqs.receive_message(
            QueueUrl=url, MessageAttributeNames=["All"], WaitTimeSeconds=1
        )["Messages"]
        assert message["Body"] == '{"job_id": "j2"}'
        assert message["MessageAttributes"]["kind"]["StringValue"] == "generation"
    finally:
        second.stop()


def test_restore_without_a_snapshot_does_nothing(tmp_path: Path, moto_server: LocalMoto) -> None:
    snapshots = Snapshots(
        tmp_path,
        moto_server.client("s3"),
        moto_server.client("dynamodb"),
        moto_server.client("sqs"),
    )
    counts = snapshots.restore(SnapshotScope(bucket="none", tables=[], queue_urls=[]))
    assert (counts.objects, counts.items, counts.messages) == (0, 0, 0)
