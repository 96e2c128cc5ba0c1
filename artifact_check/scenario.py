"""The run against the local stack: `identity-images serve` in a subprocess on free ports
(as the end-to-end tests start it), the environment the CDK app gives each function
pointed at it, the sample events, and one real job for the worker.

The API and the worker use a queue of their own on the stack's moto server, so the
stack's own (x86-64) worker never takes the job: the aarch64 worker must run it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx

from local_stack.moto_server import LOCAL_CREDENTIALS
from local_stack.stack import ADMIN_LOGIN, READY_MARKER

START_TIMEOUT_S = 300
REGION = "us-east-1"
SECRET_NAMES = {
    "JWT_SECRET_ARN": "identity-images/jwt-secret",
    "DJANGO_SERVICE_TOKEN_SECRET_ARN": "identity-images/django-service-token",
    "WEBHOOK_SECRET_ARN": "identity-images/webhook-secret",
    "GEMINI_API_KEY_SECRET_ARN": "identity-images/gemini-api-key",
}


class StackError(RuntimeError):
    """The local stack did not start, or did not answer as expected."""


@dataclass(frozen=True)
class Stack:
    moto_url: str
    django_url: str
    gemini_url: str
    data_dir: Path
    log_path: Path

    def client(self, service: str) -> Any:
        factory: Any = boto3.client  # typed per service name; any service here
        return factory(service, endpoint_url=self.moto_url, region_name=REGION, **LOCAL_CREDENTIALS)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def running_stack(work: Path) -> Iterator[Stack]:
    """`identity-images serve --no-persist` on free ports; SIGTERM at the end."""
    data_dir = work / "local-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    ports = {name: _free_port() for name in ("api", "moto", "django", "gemini")}
    log_path = work / "serve.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("GEMINI_API_KEY", None)  # the Gemini stand-in, never the real one
    argv = [
        sys.executable,
        "-c",
        "from local_stack.cli import main; raise SystemExit(main())",
        "serve",
        "--no-persist",
        "--data-dir",
        str(data_dir),
        *(a for name, port in ports.items() for a in (f"--{name}-port", str(port))),
    ]
    with log_path.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while READY_MARKER not in log_path.read_text(errors="replace"):
            if process.poll() is not None:
                raise StackError(f"serve exited ({process.returncode}):\n{_tail(log_path)}")
            if time.monotonic() > deadline:
                raise StackError(f"serve not ready in {START_TIMEOUT_S} s:\n{_tail(log_path)}")
            time.sleep(0.5)
        yield Stack(
            moto_url=f"http://127.0.0.1:{ports['moto']}",
            django_url=f"http://127.0.0.1:{ports['django']}",
            gemini_url=f"http://127.0.0.1:{ports['gemini']}",
            data_dir=data_dir,
            log_path=log_path,
        )
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@dataclass(frozen=True)
class Fixture:
    """What the run needs from the stack: resources, a token, a test identity."""

    environment: dict[str, str]
    jobs_queue_url: str
    bucket: str
    bucket_prefix: str
    jobs_table: str
    admin_token: str
    test_user_id: str
    identity_id: str


def prepare(stack: Stack) -> Fixture:
    from identity_images.settings import Settings
    from local_stack.aws_resources import jobs_queue_name

    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    sqs, secrets = stack.client("sqs"), stack.client("secretsmanager")
    # The aarch64 API sends the job here, and only the aarch64 worker reads it.
    private_queue = sqs.create_queue(
        QueueName=f"artifact-check-{uuid.uuid4().hex[:8]}",
        Attributes={"VisibilityTimeout": "900"},
    )["QueueUrl"]
    dlq = sqs.get_queue_url(QueueName=f"{jobs_queue_name(defaults)}-dlq")["QueueUrl"]
    environment = {
        "AWS_ENDPOINT_URL": stack.moto_url,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIALS["aws_secret_access_key"],
        "BUCKET_NAME": defaults.bucket_name,
        "BUCKET_PREFIX": defaults.bucket_prefix,
        "JOBS_TABLE_NAME": defaults.jobs_table_name,
        "IDEMPOTENCY_TABLE_NAME": defaults.idempotency_table_name,
        "JOBS_QUEUE_URL": private_queue,
        "JOBS_DLQ_URL": dlq,
        "DJANGO_INTERNAL_URL": f"{stack.django_url}/internal/identity-images",
        "DJANGO_INTROSPECT_URL": f"{stack.django_url}/api/v1/users/me/",
        "GEMINI_BASE_URL": stack.gemini_url,
        "ALLOWED_ORIGINS": "http://localhost:5173",
        # X-Ray has no daemon here; everything else as deployed.
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    for variable, name in SECRET_NAMES.items():
        environment[variable] = secrets.describe_secret(SecretId=name)["ARN"]
    service_token = json.loads((stack.data_dir / "secrets.json").read_text())[
        "django_service_token"
    ]
    with httpx.Client(timeout=30) as http:
        user, password = ADMIN_LOGIN
        token = http.post(
            f"{stack.django_url}/api/v1/auth/token/",
            json={"username": user, "password": password},
        )
        token.raise_for_status()
        internal = f"{stack.django_url}/internal/identity-images"
        headers = {"Authorization": f"Bearer {service_token}"}
        users = http.get(f"{internal}/test-users/", headers=headers).json()["results"]
        if not users:
            raise StackError("the example host has no test user to generate for")
        identities = http.get(
            f"{internal}/users/{users[0]['id']}/identities/", headers=headers
        ).json()["results"]
        if not identities:
            raise StackError(f"test user {users[0]['username']} has no identity")
    return Fixture(
        environment=environment,
        jobs_queue_url=private_queue,
        bucket=defaults.bucket_name,
        bucket_prefix=defaults.bucket_prefix,
        jobs_table=defaults.jobs_table_name,
        admin_token=str(token.json()["access"]),
        test_user_id=str(users[0]["id"]),
        identity_id=str(identities[0]["id"]),
    )


# --- references -----------------------------------------------------------------------


def reference_images() -> dict[str, tuple[bytes, str]]:
    """One JPEG whose EXIF says "rotate 90°" and one HEIC: name -> (bytes, type)."""
    import pillow_heif
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 720), (200, 170, 140))
    draw = ImageDraw.Draw(image)
    draw.ellipse((330, 160, 630, 560), fill=(120, 80, 60))
    draw.rectangle((0, 0, 200, 120), fill=(20, 60, 200))  # a marker in a corner
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=90, exif=exif)
    heif = pillow_heif.from_pillow(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    heic = io.BytesIO()
    heif.save(heic, quality=80)
    return {"1.jpg": (jpeg.getvalue(), "image/jpeg"), "2.heic": (heic.getvalue(), "image/heic")}


def upload_references(stack: Stack, fixture: Fixture, admin_id: str) -> list[str]:
    """Put the references where a presigned POST would: the admin's upload folder."""
    from identity_images.bucket_layout import BucketLayout

    layout = BucketLayout(fixture.bucket_prefix)
    s3 = stack.client("s3")
    upload = uuid.uuid4().hex
    keys = []
    for index, (data, content_type) in enumerate(reference_images().values(), start=1):
        key = layout.upload_key(admin_id, upload, index, content_type)
        s3.put_object(Bucket=fixture.bucket, Key=key, Body=data, ContentType=content_type)
        keys.append(key)
    return keys


# --- events -----------------------------------------------------------------------------


def with_token(event: Mapping[str, Any], token: str) -> dict[str, Any]:
    """A sample API Gateway event with a real bearer token in both header maps."""
    out: dict[str, Any] = json.loads(json.dumps(event))
    bearer = f"Bearer {token}"
    for key in ("headers", "multiValueHeaders"):
        headers = out.get(key) or {}
        for name in list(headers):
            if name.lower() == "authorization":
                headers[name] = bearer if key == "headers" else [bearer]
    return out


def as_caller(
    event: Mapping[str, Any], token: str, authorizer: Mapping[str, Any]
) -> dict[str, Any]:
    """An API sample event as API Gateway passes it on after the authorizer allowed it."""
    out = with_token(event, token)
    out.setdefault("requestContext", {})["authorizer"] = dict(authorizer)
    return out


def create_generation_body(fixture: Fixture, keys: list[str]) -> str:
    return json.dumps(
        {
            "identity_id": fixture.identity_id,
            "user_id": fixture.test_user_id,
            "reference_keys": keys,
            "prompt": "Soft window light, neutral background.",
            "aspect_ratio": "1:1",
            "image_size": "1K",
            "apply": False,
        }
    )


def receive_job_event(stack: Stack, queue_url: str, timeout_s: float = 30) -> dict[str, Any]:
    """The message the API sent, as the SQS event Lambda would hand the worker."""
    from local_stack.pollers import lambda_record

    sqs = stack.client("sqs")
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        messages = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=1,
            WaitTimeSeconds=2,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if messages:
            return {"Records": [lambda_record(messages[0], arn, REGION)]}
    raise StackError("the API accepted the job but no message reached the jobs queue")
