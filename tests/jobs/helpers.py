"""What the jobs tests share: the references a job is made from, a request body for one,
and a job run to success by hand (no worker, no Gemini)."""

from __future__ import annotations

from typing import Any

from identity_images.adapters import aws
from identity_images.adapters.job_store import JobStore
from identity_images.bucket_layout import BucketLayout
from identity_images.models.jobs import JobOutput
from tests.support.fakes import ADMIN_ID, ADMIN_IDENTITY

REF = f"uploads/{ADMIN_ID}/up1/1.jpg"
REFS = [REF, f"uploads/{ADMIN_ID}/up1/2.jpg"]


def generation_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "identity_id": ADMIN_IDENTITY,
        "reference_keys": [REF],
        "prompt": "Soft light",
        "aspect_ratio": "1:1",
        "image_size": "1K",
    }
    body.update(overrides)
    return body


def succeed(store: JobStore, job_id: str) -> None:
    """Claim a job and record a (tiny PNG) output, as the worker would."""
    claimed = store.claim(job_id, lease_s=60)
    assert claimed is not None
    output = JobOutput(
        key=BucketLayout().output_key(claimed.identity_id, job_id, "image/png"),
        mime_type="image/png",
        width=1,
        height=1,
        bytes=3,
    )
    aws.s3().put_object(
        Bucket="identity-images", Key=output.key, Body=b"png", ContentType="image/png"
    )
    assert store.succeed(claimed, output=output, usage=None, model="m") is not None
