"""Pipeline overhead: what a job costs beyond Gemini's own time, through the whole stack.

The local stack (`local_stack.stack.LocalStack`: moto, the example Django host, the API
gateway stand-in with the authorizer, the SQS pollers running the worker) runs in a
subprocess of this benchmark, with the local Gemini stand-in answering every call after a
fixed delay. An admin client (HTTP, as the Images tab) posts one 4K generation at a time
and polls it every POLL_S until it is `succeeded` (with apply: until the output is
applied to the identity). The job's overhead is that time minus the delay and minus the
stand-in's own drawing (a real model's latency includes making the image; the stand-in
draws a 4K picture on this machine's shared CPU, which is not the pipeline's doing). Jobs
run one after another, so none waits behind another of ours.

The delay: a real 4K call takes tens of seconds (REAL_4K_CALL_S, the target's yardstick).
Nothing in the pipeline scales with the wait (the worker blocks on one HTTP call; no
heartbeat, no polling on our side runs during it), so the overhead measured around a
short delay is the overhead around a long one, and the benchmark stays at a few minutes
on a 2-core machine: DELAY_S per job, JOBS jobs per variant. The target is held against
the real call: p95 overhead at most 5% of REAL_4K_CALL_S.

Where the rest goes is measured in the same process as the worker: its calls to Django,
S3 and DynamoDB, reference preparation, and the Gemini call beyond the delay (the SDK's
request and the answer's parse and check) are timed; the job record's timestamps give the
queue wait (created -> started) and the client's polling gives the time to notice.
"""

from __future__ import annotations

import functools
import io
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks import Figure, Report, seconds
from benchmarks.child import run_step

REAL_4K_CALL_S = 40.0
TARGET_SHARE = 0.05
DELAY_S = 2.0  # stands for REAL_4K_CALL_S; see the module docstring
JOBS = 20
POLL_S = 0.05
IMAGE_SIZE = "4K"
ASPECT_RATIO = "16:9"
PHOTOS = 3
JOB_TIMEOUT_S = 120.0
# The third variant: the same photos as the job before (another try with a new prompt, a
# re-run), whose preparation the warm worker reuses.
SAME_PHOTOS = "same photos again, without apply"

_WORKER_THREAD = "poller-worker"


# --- timing what the worker does, in the stack's process -----------------------------------


class StageClock:
    """Adds up the wall time of chosen methods, when the worker's threads call them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.totals: dict[str, float] = defaultdict(float)

    def reset(self) -> dict[str, float]:
        with self._lock:
            totals, self.totals = dict(self.totals), defaultdict(float)
        return totals

    def wrap(self, owner: Any, name: str, stage: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not threading.current_thread().name.startswith(_WORKER_THREAD):
                return original(*args, **kwargs)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                with self._lock:
                    self.totals[stage] += time.perf_counter() - started

        setattr(owner, name, timed)


def install_clock() -> StageClock:
    from identity_images.adapters.callback import WebhookCallback
    from identity_images.adapters.django_host import DjangoHost
    from identity_images.adapters.job_store import JobStore
    from identity_images.adapters.storage import Storage
    from identity_images.engine import generation
    from identity_images.engine.gemini import GeminiImageProvider

    clock = StageClock()
    clock.wrap(DjangoHost, "get_identity", "Django: read the identity")
    clock.wrap(Storage, "read", "S3: read the references")
    clock.wrap(Storage, "write", "S3: write the output")
    for method in ("get", "claim", "succeed", "fail", "finish_apply", "set_reference_keys"):
        clock.wrap(JobStore, method, "DynamoDB: job record")
    clock.wrap(generation, "_prepare_all", "reference preparation")
    clock.wrap(GeminiImageProvider, "generate", "Gemini call")
    clock.wrap(WebhookCallback, "deliver", "apply: signed callback to Django")
    return clock


# --- the admin's side ---------------------------------------------------------------------


def _photo(seed: int) -> bytes:
    """A 1600x1200 JPEG; each seed gives other bytes (so its preparation is not reused)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), ((40 + seed * 60) % 256, (90 + seed * 7) % 256, 160))
    left = 400 + seed % 200
    ImageDraw.Draw(image).ellipse((left, 240, left + 600, 960), fill=(230, 190, 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _parse_time(value: str | None) -> float | None:
    return None if value is None else datetime.fromisoformat(value).timestamp()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_stack(data_dir: Path) -> Iterator[Any]:
    from local_stack.stack import LocalStack, StackOptions

    options = StackOptions(
        api_port=_free_port(),
        moto_port=_free_port(),
        django_port=_free_port(),
        gemini_port=_free_port(),
        data_dir=data_dir,
        gemini_api_key=None,
        persist=False,
        gemini_answer_delay_s=DELAY_S,
    )
    stack = LocalStack(options)
    stack.start()
    try:
        yield stack
    finally:
        stack.stop(save=False)


def measure(data_dir: Path) -> dict[str, Any]:
    """Run JOBS jobs without apply, then JOBS with; per job, the times that matter."""
    import httpx

    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    with running_stack(data_dir) as stack:
        clock = install_clock()
        token = httpx.post(
            f"{stack.django_url}/api/v1/auth/token/",
            json={"username": "admin", "password": "admin-password"},
        ).json()["access"]
        admin = httpx.Client(
            base_url=f"{stack.api_url}/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        users = admin.get("/users").json()["users"]
        user = next(u for u in users if u.get("is_test_user"))
        identity = admin.get(f"/users/{user['id']}/identities").json()["identities"][0]
        uploaded = 0

        def upload_new_photos() -> list[str]:
            """What the admin does before clicking: upload PHOTOS photos never seen before."""
            nonlocal uploaded
            photos = [_photo(uploaded + i) for i in range(PHOTOS)]
            uploaded += PHOTOS
            asked = admin.post(
                "/uploads",
                json={"files": [{"content_type": "image/jpeg", "size": len(p)} for p in photos]},
            ).json()["uploads"]
            for upload, photo in zip(asked, photos, strict=True):
                httpx.post(
                    upload["url"],
                    data=upload["fields"],
                    files={"file": ("photo.jpg", photo, "image/jpeg")},
                ).raise_for_status()
            return [u["key"] for u in asked]

        keys = upload_new_photos()
        gemini = httpx.Client(base_url=str(stack.gemini_url))

        def one_job(apply: bool, new_photos: bool = True) -> dict[str, Any]:
            keys = upload_new_photos() if new_photos else same_keys
            clock.reset()
            draws_before = len(gemini.get("/_local/stats").json()["draw_seconds"])
            started = time.time()
            posted = admin.post(
                "/generations",
                json={
                    "identity_id": identity["id"],
                    "user_id": user["id"],
                    "reference_keys": keys,
                    "aspect_ratio": ASPECT_RATIO,
                    "image_size": IMAGE_SIZE,
                    "apply": apply,
                },
            )
            post_s = time.time() - started
            posted.raise_for_status()
            job_id = posted.json()["id"]
            while True:
                job = admin.get(f"/generations/{job_id}").json()
                done = job["status"] == "succeeded" and (
                    not apply or job["apply"]["status"] == "applied"
                )
                if done or job["status"] in ("failed", "canceled"):
                    break
                if time.time() - started > JOB_TIMEOUT_S:
                    raise RuntimeError(f"job {job_id} not done in {JOB_TIMEOUT_S} s: {job}")
                time.sleep(POLL_S)
            seen = time.time()
            if job["status"] != "succeeded":
                raise RuntimeError(f"job {job_id} ended {job['status']}: {job.get('error')}")
            draws = gemini.get("/_local/stats").json()["draw_seconds"][draws_before:]
            finished = _parse_time(job["apply"]["applied_at"] if apply else job["finished_at"])
            return {
                "total": seen - started,
                "post": post_s,
                "queue_wait": (_parse_time(job["started_at"]) or 0)
                - (_parse_time(job["created_at"]) or 0),
                "noticed": seen - (finished or seen),
                "draw": sum(draws),
                "stages": clock.reset(),
            }

        same_keys = keys
        one_job(apply=False, new_photos=False)  # warm: pays the handlers' cold start
        results = {
            "without apply": [one_job(apply=False) for _ in range(JOBS)],
            "with apply": [one_job(apply=True) for _ in range(JOBS)],
            SAME_PHOTOS: [one_job(apply=False, new_photos=False) for _ in range(JOBS)],
        }
        admin.close()
        gemini.close()
    return results


# --- the report -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1]


def _overhead(job: dict[str, Any]) -> float:
    return float(job["total"]) - DELAY_S - float(job["draw"])


def run() -> Report:
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        results: dict[str, list[dict[str, Any]]] = run_step(
            "benchmarks.pipeline", "measure", tmp, timeout_s=2400
        )
    budget = TARGET_SHARE * REAL_4K_CALL_S
    figures: list[Figure] = []
    for variant, jobs in results.items():
        overheads = [_overhead(j) for j in jobs]
        p50, p95 = percentile(overheads, 0.5), percentile(overheads, 0.95)
        draws = [float(j["draw"]) for j in jobs]
        figures.append(
            Figure(
                f"overhead per job, {variant} ({len(jobs)} jobs, {IMAGE_SIZE})",
                f"delay {seconds(DELAY_S)} + stand-in drawing {seconds(statistics.median(draws))}",
                f"p50 {seconds(p50)}, p95 {seconds(p95)}",
                f"p95 = {p95 / REAL_4K_CALL_S:.1%} of a real {REAL_4K_CALL_S:.0f} s 4K call",
                f"p95 <= {TARGET_SHARE:.0%} of {REAL_4K_CALL_S:.0f} s ({seconds(budget)})",
                p95 <= budget,
            )
        )
    for variant, jobs in results.items():
        parts: dict[str, list[float]] = defaultdict(list)
        for job in jobs:
            stages = dict(job["stages"])
            gemini = stages.pop("Gemini call", 0.0)
            parts["POST /v1/generations (gateway, authorizer, API)"].append(job["post"])
            parts["queue wait (SQS until the worker claims it)"].append(job["queue_wait"])
            for stage, spent in stages.items():
                parts[stage].append(spent)
            parts["Gemini call beyond the delay (SDK request, answer parse, image check)"].append(
                max(0.0, gemini - DELAY_S - float(job["draw"]))
            )
            parts["client noticing (poll interval, GET /v1/generations/{id})"].append(
                job["noticed"]
            )
        overhead_p50 = percentile([_overhead(j) for j in jobs], 0.5)
        for stage, values in parts.items():
            median = statistics.median(values)
            figures.append(
                Figure(
                    f"{variant}: {stage}",
                    "",
                    f"p50 {seconds(median)}",
                    f"{median / overhead_p50:.0%} of the p50 overhead" if overhead_p50 > 0 else "",
                )
            )
    notes = (
        f"{JOBS} jobs per variant, one at a time, after one warm-up job (its cold start is "
        "in the cold-start report), each with "
        f"{PHOTOS} reference photos (1600x1200 JPEG), {ASPECT_RATIO} {IMAGE_SIZE}: new photos "
        "uploaded before each job (not timed; the worker has never seen them), except in "
        f"'{SAME_PHOTOS}', where each job sends the warm-up's photos again (another try, a "
        "re-run) and the worker reuses their preparation; the local Gemini stand-in "
        f"waits {DELAY_S:.0f} s before each answer; the client polls every "
        f"{POLL_S * 1000:.0f} ms.",
        f"Overhead = POST to seen done, minus the delay, minus the stand-in's drawing. Why "
        f"a {DELAY_S:.0f} s delay stands for a {REAL_4K_CALL_S:.0f} s call: nothing in the "
        "pipeline scales with the wait (one blocking HTTP call), so the overhead is the "
        "same; a real-length delay would make the benchmark take half an hour.",
        "Stages are medians of each job's time in that stage, so they need not add up to "
        "the overhead's median; the job record's timestamps (created, started, finished, "
        "applied) and timers around the worker's adapter calls give them. Absolute "
        "numbers on this shared 2-core machine are noisy (the stack, Django and the "
        "stand-in share the cores with the benchmark); on Lambda each function has its own.",
    )
    return Report(
        "pipeline",
        "Pipeline overhead per job, beyond Gemini's own time",
        tuple(figures),
        notes,
    )


def main(argv: list[str]) -> int:
    mode, *args = argv
    if mode != "measure":
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(measure(Path(args[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
