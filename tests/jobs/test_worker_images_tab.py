"""The worker side of the Images tab: stages and timings, retries explained, previews,
kept references, refine and re-run, cancel honoured, reference errors that name the key.
The real worker (moto, the local Gemini server through the SDK) with the host's two
ports faked."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime
from typing import Any

import httpx
import pytest
from PIL import Image

from identity_images.adapters import aws
from identity_images.engine.generation import GenerationRequest, GenerationResult, StageHook
from identity_images.logic.worker import Worker
from identity_images.models.jobs import Job
from identity_images.settings import Settings
from local_stack.aws_resources import Resources
from local_stack.gemini_server import LocalGeminiServer
from tests.jobs.helpers import REFS
from tests.jobs.test_worker import create_job, run_once
from tests.support.aws_state import messages_in, put_reference
from tests.support.fakes import ADMIN_ID, ADMIN_IDENTITY
from tests.support.lambdas import call_api, deliver, receive_event

pytestmark = pytest.mark.usefixtures("api_app_ready")


@dataclasses.dataclass
class Spy:
    """Wraps the worker's `generate`: records each request and, at each stage it enters,
    the job as a client polling the table would see it (`watch` names the job)."""

    real: Any
    store: Any
    watch: str = ""
    requests: list[GenerationRequest] = dataclasses.field(default_factory=list)
    stages: list[tuple[str, Job]] = dataclasses.field(default_factory=list)

    def __call__(
        self, request: GenerationRequest, /, *, on_stage: StageHook | None = None
    ) -> GenerationResult:
        def stage(name: str) -> None:
            if on_stage is not None:
                on_stage(name)
            self.stages.append((name, self.store.require(self.watch)))

        self.requests.append(request)
        result: GenerationResult = self.real(request, on_stage=stage)
        return result


def with_spy(worker: Worker, monkeypatch: pytest.MonkeyPatch) -> Spy:
    from identity_images.handlers import worker as worker_handler

    spy = Spy(real=worker.generate, store=worker.store)
    spied = dataclasses.replace(worker, generate=spy)
    monkeypatch.setattr(worker_handler, "get_worker", lambda: spied)
    return spy


def test_a_run_records_its_stages_timings_preview_and_kept_references(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spy = with_spy(worker, monkeypatch)
    job = create_job()
    spy.watch = job["id"]
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []

    # While generating, a client sees the stage and since when.
    [(stage, during)] = spy.stages
    assert stage == "generating"
    assert during.status == "running"
    assert during.stage == "generating"
    assert during.stage_started_at is not None

    status, done, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert status == 200
    assert done["status"] == "succeeded"
    assert done["stage"] is None
    timings = done["timings"]
    for name in ("queued_s", "preparing_references_s", "generating_s", "storing_s", "total_s"):
        assert timings[name] is not None, name
        assert timings[name] >= 0, name
    assert timings["applying_s"] is None
    assert timings["total_s"] >= timings["generating_s"]

    output = done["output"]
    preview = output["preview"]
    assert preview["key"] == f"generated/identities/{ADMIN_IDENTITY}/{job['id']}.preview.jpg"
    small = httpx.get(output["preview_url"]).content
    assert len(small) == preview["bytes"] < 200_000
    with Image.open(io.BytesIO(small)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= settings.preview_max_long_side
        assert image.size == (preview["width"], preview["height"])
    large = output["large"]
    assert large["key"] == f"generated/identities/{ADMIN_IDENTITY}/{job['id']}.large.jpg"
    big = httpx.get(output["large_url"]).content
    assert len(big) == large["bytes"]
    with Image.open(io.BytesIO(big)) as image:
        assert image.format == "JPEG"
        assert image.size == (large["width"], large["height"])
        assert max(image.size) == min(
            max(output["width"], output["height"]), settings.large_max_long_side
        )
        assert max(image.size) > max(preview["width"], preview["height"])
    thumbnail = output["small"]
    assert thumbnail["key"] == f"generated/identities/{ADMIN_IDENTITY}/{job['id']}.small.jpg"
    least = httpx.get(output["small_url"]).content
    assert len(least) == thumbnail["bytes"] < len(small)
    with Image.open(io.BytesIO(least)) as image:
        assert image.format == "JPEG"
        assert image.size == (thumbnail["width"], thumbnail["height"])
        assert max(image.size) == min(
            max(output["width"], output["height"]), settings.small_max_long_side
        )

    assert output["filename"].startswith("ada-")
    assert output["filename"].endswith("." + output["key"].rsplit(".", 1)[1])
    download = httpx.get(output["download_url"])
    assert download.headers["content-disposition"].startswith("attachment;")
    assert len(download.content) == output["bytes"]

    refs = done["prepared_references"]
    assert [r["index"] for r in refs] == [0, 1]
    assert [r["source_key"] for r in refs] == REFS
    for ref in refs:
        assert ref["key"] == f"prepared/identities/{ADMIN_IDENTITY}/{job['id']}/{ref['index']}.jpg"
        data = httpx.get(ref["preview_url"]).content
        assert data[:3] == b"\xff\xd8\xff"  # a JPEG
        assert len(data) == ref["bytes"]


def test_a_job_waiting_to_retry_says_why_and_when(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer
) -> None:
    job = create_job()
    gemini.fail_next("http_503", 1)
    before = datetime.now().astimezone()
    run_once(resources.jobs_queue_url)
    _, waiting, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert waiting["status"] == "queued"
    assert waiting["error"] is None
    assert waiting["last_error"]["code"] == "provider_unavailable"
    assert waiting["last_error"]["message"]
    assert (waiting["attempts"], waiting["max_attempts"]) == (1, 3)
    next_at = datetime.fromisoformat(waiting["next_attempt_at"].replace("Z", "+00:00"))
    assert next_at >= before
    assert waiting["stage"] is None

    run_once(resources.jobs_queue_url)
    _, done, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert done["status"] == "succeeded"
    assert done["next_attempt_at"] is None
    assert done["attempts"] == 2


def test_a_job_canceled_while_waiting_to_retry_is_never_run(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer
) -> None:
    job = create_job()
    gemini.fail_next("http_503", 1)
    run_once(resources.jobs_queue_url)
    status, canceled, _ = call_api("POST", f"/v1/generations/{job['id']}/cancel")
    assert (status, canceled["status"]) == (200, "canceled")
    assert canceled["next_attempt_at"] is None
    calls = gemini.generate_calls
    _, failed = run_once(resources.jobs_queue_url)  # the retry's message comes back
    assert failed == []  # dropped, not retried
    assert gemini.generate_calls == calls
    assert worker.store.require(job["id"]).status == "canceled"
    assert messages_in(resources.jobs_queue_url) == 0


def test_a_canceled_job_s_message_is_dropped(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer
) -> None:
    job = create_job()
    call_api("POST", f"/v1/generations/{job['id']}/cancel")
    calls = gemini.generate_calls
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []
    assert gemini.generate_calls == calls
    assert messages_in(resources.jobs_queue_url) == 0


def test_a_reference_error_names_its_full_key_and_index(
    resources: Resources, worker: Worker
) -> None:
    put_reference(REFS[1], b"not an image at all", "image/jpeg")
    job = create_job()
    run_once(resources.jobs_queue_url)
    _, failed, _ = call_api("GET", f"/v1/generations/{job['id']}")
    error = failed["error"]
    assert failed["status"] == "failed"
    assert error["code"] == "reference_invalid"
    assert error["details"]["key"] == REFS[1]
    assert error["details"]["index"] == 1
    assert error["details"]["reason"] == "unsupported_format"
    assert REFS[1] in error["message"]
    assert failed["timings"]["preparing_references_s"] is not None


def test_a_missing_reference_is_named_by_key_and_index(
    resources: Resources, worker: Worker
) -> None:
    job = create_job()
    aws.s3().delete_object(Bucket="identity-images", Key=REFS[0])
    run_once(resources.jobs_queue_url)
    stored: Job = worker.store.require(job["id"])
    assert stored.error is not None
    assert stored.error.code == "reference_not_found"
    assert (stored.error.details["key"], stored.error.details["index"]) == (REFS[0], 0)


def test_refine_sends_the_parents_output_and_references(
    resources: Resources, worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = create_job()
    run_once(resources.jobs_queue_url)
    done = worker.store.require(parent["id"])
    assert done.output is not None

    spy = with_spy(worker, monkeypatch)
    status, batch, _ = call_api(
        "POST", f"/v1/generations/{parent['id']}/refine", body={"instruction": "Darker background"}
    )
    assert status == 202
    (child,) = batch["items"]
    spy.watch = child["id"]
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []
    [request] = spy.requests
    assert request.edit_image is not None
    assert request.edit_image.name == done.output.key
    assert len(request.edit_image.data) == done.output.bytes
    assert request.instruction == "Darker background"
    assert [ref.name for ref in request.references] == [r.key for r in done.prepared_references]

    _, refined, _ = call_api("GET", f"/v1/generations/{child['id']}")
    assert refined["status"] == "succeeded"
    assert refined["kind"] == "refine"
    assert refined["parent_generation_id"] == parent["id"]
    assert [r["source_key"] for r in refined["prepared_references"]] == [
        r.key for r in done.prepared_references
    ]


def test_rerun_after_the_uploads_expired_succeeds(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer
) -> None:
    parent = create_job()
    run_once(resources.jobs_queue_url)
    for key in REFS:  # uploads/ expired (lifecycle)
        aws.s3().delete_object(Bucket="identity-images", Key=key)
    status, batch, _ = call_api("POST", f"/v1/generations/{parent['id']}/rerun", body={"count": 2})
    assert status == 202
    event = receive_event(resources.jobs_queue_url)
    assert len(event["Records"]) == 2
    assert deliver(event) == []
    for child in batch["items"]:
        _, again, _ = call_api("GET", f"/v1/generations/{child['id']}")
        assert again["status"] == "succeeded", again["error"]
        assert again["batch_id"] == batch["batch_id"]
        assert again["output"]["preview_url"]


def test_apply_is_a_stage_with_its_time(resources: Resources, worker: Worker) -> None:
    job = create_job(apply=True)
    run_once(resources.jobs_queue_url)
    _, done, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert done["apply"]["status"] == "applied"
    assert done["stage"] is None
    assert done["timings"]["applying_s"] is not None


def test_references_of_another_admin_are_never_in_a_job(resources: Resources) -> None:
    """Re-run and refine take their references from the parent, never from the body."""
    put_reference(f"uploads/{ADMIN_ID}/up1/1.jpg")
    status, body, _ = call_api(
        "POST",
        "/v1/generations/abc/rerun",
        body={"reference_keys": ["uploads/4/x/1.jpg"]},
    )
    assert (status, body["error"]["details"]["field"]) == (422, "reference_keys")
