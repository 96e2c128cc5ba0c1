"""What the jobs tests share: the references a job is made from, a request body for one,
a job created through the API or written for another admin, and a job run to success by
hand (no worker, no Gemini): a tiny output (`succeed`), or one with a preview and its
prepared references as the Images tab shows them (`succeed_with_preview`)."""

from __future__ import annotations

from typing import Any

from identity_images.adapters import aws
from identity_images.adapters.job_store import JobStore
from identity_images.bucket_layout import BucketLayout
from identity_images.models.jobs import Job, JobOutput, PreparedReferenceInfo, Rendition
from identity_images.settings import get_settings
from tests.support.aws_state import put_reference
from tests.support.fakes import ADMIN_ID, ADMIN_IDENTITY, OTHER_ADMIN_ID, OTHER_ADMIN_IDENTITY
from tests.support.lambdas import call_api

REF = f"uploads/{ADMIN_ID}/up1/1.jpg"
REFS = [REF, f"uploads/{ADMIN_ID}/up1/2.jpg"]
LAYOUT = BucketLayout()


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
    claimed = store.claim(job_id)
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


def store() -> JobStore:
    """The jobs table of the current settings."""
    return JobStore.from_settings(get_settings())


def put(key: str, data: bytes, content_type: str) -> None:
    """Write an object into the bucket, as the worker writes its outputs."""
    aws.s3().put_object(Bucket="identity-images", Key=key, Body=data, ContentType=content_type)


def succeed_with_preview(
    job_id: str,
    *,
    prepared: bool = True,
    preview_type: str = "image/jpeg",
    large: bool = False,
    thumbnail: bool = False,
) -> Job:
    """Run a job's claim and success by hand, with a preview (b"jpg", whatever its type),
    a small and a large rendition (b"small", b"large") when asked, and prepared references."""
    jobs = store()
    claimed = jobs.claim(job_id)
    assert claimed is not None
    key = LAYOUT.output_key(claimed.identity_id, job_id, "image/png")
    small = LAYOUT.preview_key(claimed.identity_id, job_id, preview_type)
    put(key, b"png", "image/png")
    put(small, b"jpg", preview_type)
    output = JobOutput(
        key=key,
        mime_type="image/png",
        width=4096,
        height=2304,
        bytes=3,
        preview=Rendition(key=small, mime_type=preview_type, width=768, height=432, bytes=3),
    )
    if large:
        big = LAYOUT.large_key(claimed.identity_id, job_id, preview_type)
        put(big, b"large", preview_type)
        rendition = Rendition(key=big, mime_type=preview_type, width=1536, height=864, bytes=5)
        output = output.model_copy(update={"large": rendition})
    if thumbnail:
        least = LAYOUT.small_key(claimed.identity_id, job_id, preview_type)
        put(least, b"small", preview_type)
        rendition = Rendition(key=least, mime_type=preview_type, width=384, height=216, bytes=5)
        output = output.model_copy(update={"small": rendition})
    done = jobs.succeed(claimed, output=output, usage=None, model="m")
    assert done is not None
    if prepared:
        refs = []
        for index, source in enumerate(claimed.reference_keys):
            ref_key = LAYOUT.prepared_reference_key(claimed.identity_id, job_id, index)
            put(ref_key, b"ref", "image/jpeg")
            refs.append(
                PreparedReferenceInfo(
                    index=index, key=ref_key, source_key=source, width=8, height=8, bytes=3
                )
            )
        aws.dynamodb().update_item(
            TableName=get_settings().jobs_table_name,
            Key={"job_id": {"S": job_id}},
            UpdateExpression="SET prepared_references = :refs",
            ExpressionAttributeValues={
                ":refs": {
                    "L": [
                        {
                            "M": {
                                k: {"N": str(v)} if isinstance(v, int) else {"S": str(v)}
                                for k, v in ref.model_dump(exclude={"preview_url"}).items()
                            }
                        }
                        for ref in refs
                    ]
                }
            },
        )
    return jobs.require(job_id)


def recorded_job(identity_id: str, owner: str) -> Job:
    """A queued job of `identity_id`, recorded as `owner`'s and made by them, written to the
    jobs table (no message queued)."""
    job = Job.new(
        identity_id=identity_id,
        identity_name="Grace",
        user_id=owner,
        created_by=owner,
        reference_keys=[f"uploads/{owner}/u/1.jpg"],
        prompt="",
        aspect_ratio="1:1",
        image_size="1K",
        apply=False,
    )
    store().create(job)
    return job


def foreign_job() -> Job:
    """A job for another admin's own identity (not a test user's)."""
    return recorded_job(OTHER_ADMIN_IDENTITY, OTHER_ADMIN_ID)


def create_one() -> dict[str, Any]:
    """One queued job for the caller's identity, created through the API."""
    put_reference(REF)
    status, job, _ = call_api("POST", "/v1/generations", body=generation_body())
    assert status == 202
    return dict(job)
