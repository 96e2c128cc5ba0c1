"""What a try stores (`logic.storing`): the output with its renditions (small, preview, large),
usage and the references as sent; renditions or references that cannot be made or kept
are left out, and the job still succeeds without calling Gemini again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic import storing
from identity_images.logic.worker import Outcome
from identity_images.models.jobs import Job
from tests.unit.worker.helpers import SETTINGS, World, api_job, run


def test_a_job_succeeds_with_its_output_renditions_and_usage_stored(world: World) -> None:
    job = api_job(world)
    assert run(world, job) == [Outcome.SUCCEEDED]
    done = world.store.require(job.id)
    assert done.status == "succeeded"
    assert done.output is not None
    assert done.output.key in world.storage.objects
    small, preview, large = done.output.small, done.output.preview, done.output.large
    assert small is not None
    assert preview is not None
    assert large is not None
    assert small.key.endswith(f"/{job.id}.small.jpg")
    assert preview.key.endswith(f"/{job.id}.preview.jpg")
    assert large.key.endswith(f"/{job.id}.large.jpg")
    for rendition in (small, preview, large):
        assert len(world.storage.objects[rendition.key].data) == rendition.bytes
    long_side = max(done.output.width, done.output.height)
    assert max(small.width, small.height) == min(long_side, SETTINGS.small_max_long_side)
    assert max(preview.width, preview.height) == min(long_side, SETTINGS.preview_max_long_side)
    assert max(large.width, large.height) == min(long_side, SETTINGS.large_max_long_side)
    assert done.usage is not None
    assert done.usage.total_tokens == 8
    assert [ref.source_key for ref in done.prepared_references] == job.reference_keys


def test_renditions_that_cannot_be_made_leave_the_job_succeeded_without_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise PipelineError(ErrorCode.INTERNAL_ERROR, "unreadable", retryable=True)

    monkeypatch.setattr(storing, "make_renditions", broken)
    job = api_job(world, apply=True)
    assert run(world, job) == [Outcome.SUCCEEDED, Outcome.APPLIED]
    done = world.store.require(job.id)
    assert done.output is not None
    assert done.output.key in world.storage.objects
    assert (done.output.small, done.output.preview, done.output.large) == (None, None, None)
    assert len(world.generate.calls) == 1


def test_a_large_rendition_that_cannot_be_written_leaves_the_preview(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = _run_while_s3_refuses(world, monkeypatch, lambda key: ".large." in key)
    assert done.output is not None
    assert done.output.large is None
    assert done.output.preview is not None
    assert done.output.preview.key in world.storage.objects


def test_a_small_rendition_that_cannot_be_written_leaves_the_others(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thumbnails then show the preview, as for a job stored before small renditions."""
    done = _run_while_s3_refuses(world, monkeypatch, lambda key: ".small." in key)
    assert done.output is not None
    assert done.output.small is None
    for rendition in (done.output.preview, done.output.large):
        assert rendition is not None
        assert rendition.key in world.storage.objects


def test_references_that_cannot_be_kept_leave_the_job_succeeded_without_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = SETTINGS.bucket_layout.prepared
    done = _run_while_s3_refuses(world, monkeypatch, lambda key: key.startswith(prepared))
    assert done.output is not None
    assert done.output.preview is not None
    assert done.prepared_references == []


def _run_while_s3_refuses(
    world: World, monkeypatch: pytest.MonkeyPatch, refused: Callable[[str], bool]
) -> Job:
    """A job run while S3 refuses to write the keys `refused` picks: it succeeds all the
    same, with Gemini called once."""
    write = world.storage.write

    def refusing(key: str, data: bytes, **kwargs: Any) -> None:
        if refused(key):
            raise PipelineError(ErrorCode.INTERNAL_ERROR, "S3 is down", retryable=True)
        write(key, data, **kwargs)

    monkeypatch.setattr(world.storage, "write", refusing)
    job = api_job(world)
    assert run(world, job) == [Outcome.SUCCEEDED]
    assert len(world.generate.calls) == 1
    return world.store.require(job.id)
