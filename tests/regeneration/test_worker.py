"""A regeneration job, from moto's notification through the trigger to the worker: the
job message really received from SQS, the local Gemini server through the real SDK, the
host's ports faked. The worker reads the identity's folder when it runs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from identity_images.adapters import aws
from identity_images.handlers import trigger as trigger_handler
from identity_images.logic.regeneration import Regenerator
from identity_images.models.jobs import Job
from identity_images.settings import Settings, get_settings
from local_stack.gemini_server import LocalGeminiServer
from tests.regeneration.helpers import regeneration_jobs, trigger
from tests.support.aws_state import messages_in, put_reference
from tests.support.fakes import TEST_USER_IDENTITY, FakeCallback, jpeg_bytes
from tests.support.lambdas import deliver, drain, receive_all, receive_event

FOLDER = f"references/identities/{TEST_USER_IDENTITY}/"

pytestmark = pytest.mark.usefixtures("worker", "regenerator")


def regenerate(regeneration_queue: str) -> Job:
    """Hand the notifications to the trigger and the one job message to the worker."""
    assert trigger(receive_all(regeneration_queue), regeneration_queue) == []
    (job,) = regeneration_jobs()
    jobs_queue = get_settings().jobs_queue_url or ""
    event = receive_event(jobs_queue)
    assert len(event["Records"]) == 1
    assert deliver(event, queue_url=jobs_queue) == []
    (done,) = regeneration_jobs()
    assert done.id == job.id
    return done


def test_the_job_uses_the_newest_references_and_applies_by_default(
    regeneration_queue: str,
    settings: Settings,
    gemini: LocalGeminiServer,
    callback: FakeCallback,
) -> None:
    drain(regeneration_queue)
    keys = [f"{FOLDER}ref-{n:02d}.jpg" for n in range(1, 8)]
    for key in keys:  # oldest first
        put_reference(key, jpeg_bytes(96, 64))
    calls = gemini.generate_calls
    job = regenerate(regeneration_queue)
    assert job.status == "succeeded", job.error
    newest = list(reversed(keys))[: settings.upload_max_files]
    assert job.reference_keys == newest
    assert gemini.generate_calls == calls + 1
    assert job.output is not None
    assert job.output.key.startswith(f"generated/identities/{TEST_USER_IDENTITY}/{job.id}.")
    head = aws.s3().head_object(Bucket=settings.bucket_name, Key=job.output.key)
    assert head["Metadata"]["source"] == "s3_event"
    assert job.apply.status == "applied"
    ((assignment, delivery_id),) = callback.delivered
    assert assignment.identity_id == TEST_USER_IDENTITY
    assert assignment.image_path == job.output.key
    assert delivery_id == f"{job.id}:apply:1"
    # The output under generated/ triggered nothing.
    assert messages_in(regeneration_queue) == 0


def test_the_job_uses_only_references_by_the_one_rule(
    regeneration_queue: str, settings: Settings
) -> None:
    """Nested keys and undeletable names are no references for the worker either."""
    drain(regeneration_queue)
    put_reference(f"{FOLDER}good.jpg", jpeg_bytes(96, 64))
    for odd in ("sub/nested.jpg", "with space.jpg"):
        put_reference(f"{FOLDER}{odd}", jpeg_bytes(96, 64))
    job = regenerate(regeneration_queue)
    assert job.status == "succeeded", job.error
    assert job.reference_keys == [f"{FOLDER}good.jpg"]


def test_apply_follows_the_setting(
    regeneration_queue: str,
    regenerator: Regenerator,
    callback: FakeCallback,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keep = replace(
        regenerator,
        settings=regenerator.settings.model_copy(update={"regeneration_apply": False}),
    )
    monkeypatch.setattr(trigger_handler, "get_regenerator", lambda: keep)
    drain(regeneration_queue)
    put_reference(f"{FOLDER}only.jpg")
    job = regenerate(regeneration_queue)
    assert job.status == "succeeded"
    assert job.apply.status == "not_requested"
    assert callback.delivered == []


def test_unusable_files_are_skipped_for_usable_ones(
    regeneration_queue: str, gemini: LocalGeminiServer
) -> None:
    drain(regeneration_queue)
    put_reference(f"{FOLDER}a-good.jpg", jpeg_bytes(80, 60))
    put_reference(f"{FOLDER}b-empty.jpg", b"")
    put_reference(f"{FOLDER}c-notes.txt", b"not a photo", "text/plain")
    put_reference(f"{FOLDER}d-broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")
    put_reference(f"{FOLDER}e-text.png", b"plain text, png name", "image/png")
    calls = gemini.generate_calls
    job = regenerate(regeneration_queue)
    assert job.status == "succeeded", job.error
    assert job.reference_keys == [f"{FOLDER}a-good.jpg"]
    assert gemini.generate_calls == calls + 1


def test_nothing_usable_fails_with_reference_invalid_without_calling_gemini(
    regeneration_queue: str, gemini: LocalGeminiServer, callback: FakeCallback
) -> None:
    drain(regeneration_queue)
    put_reference(f"{FOLDER}broken.jpg", b"\xff\xd8\xff garbage", "image/jpeg")
    put_reference(f"{FOLDER}empty.png", b"", "image/png")
    calls = gemini.generate_calls
    job = regenerate(regeneration_queue)
    assert job.status == "failed"
    assert job.error is not None
    assert job.error.code == "reference_invalid"
    assert FOLDER in job.error.message
    assert gemini.generate_calls == calls
    assert job.apply.status == "failed"
    assert callback.delivered == []


def test_references_removed_before_the_job_runs_fail_it_with_reference_invalid(
    regeneration_queue: str, settings: Settings
) -> None:
    drain(regeneration_queue)
    put_reference(f"{FOLDER}gone.jpg")
    assert trigger(receive_all(regeneration_queue), regeneration_queue) == []
    aws.s3().delete_object(Bucket=settings.bucket_name, Key=f"{FOLDER}gone.jpg")
    jobs_queue = settings.jobs_queue_url or ""
    assert deliver(receive_event(jobs_queue), queue_url=jobs_queue) == []
    (job,) = regeneration_jobs()
    assert job.status == "failed"
    assert job.error is not None
    assert job.error.code == "reference_invalid"
