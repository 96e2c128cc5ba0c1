"""A cold click on Lambda: the authorizer's and the API's cold starts, as Lambda runs them.

On demand, Lambda runs a function's init (the import of its handler module) on a full,
unthrottled vCPU, and each invocation on the share of a vCPU the function's memory buys: a
whole one at 1769 MB. So where a cold start's work runs matters as much as how much there
is: at the 512 MB of the API and the authorizer, a second of work in the first invocation
takes about 3.5 s, the same second at init about 1 s.

Each function is measured here as `benchmarks.cold_start` measures it (a fresh
interpreter, a Lambda-like environment, the import, then the first invocation, then the
AWS clients a real first request builds), in two ways:

- built on first use: outside a Lambda init, so the settings, the clients, the API's
  models and the X-Ray recorder come with the first request (how the previous round ran);
- prepared at init: with Lambda's `AWS_LAMBDA_INITIALIZATION_TYPE` set, so the handler's
  import builds them (`handlers.init_phase`).

What the click waits for on Lambda, for the code: init on one vCPU, plus the invocation
at the memory's share; with SnapStart, as the API and the authorizer are deployed, the
invocation alone (the init ran at deploy, and a cold start resumes its snapshot). The
first invocations are the Images tab's first request: the authorizer verifies an admin's
HS256 token, and the API answers `GET /v1/config`, asking the host app (a stub on this
machine, answering at once) whether the caller is still an active admin. The trigger,
the first step of a regeneration after an upload, is measured too, on S3's test event
(its first invocation builds its logic either way). The API and the trigger run with
tracing on, as the CDK app deploys them. In AWS the authorizer's JWT secret is in
Secrets Manager, so its client comes with the secret reader at init; here the secret is
plain (no network), so that client is measured after the invocation and counted where it
would run.
"""

from __future__ import annotations

import json
import statistics
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks import Figure, Report, seconds
from benchmarks.cold_start import (
    AWS_CLIENTS,
    HANDLERS,
    ROOT,
    TRACING_ON_ENV,
    ImportSample,
    probe,
    write_events,
)
from identity_images.handlers.init_phase import INITIALIZATION_TYPE
from infra import resource_spec

#: AWS: "at 1,769 MB, a function has the equivalent of one vCPU".
ONE_VCPU_MB = 1769
MEMORY_MB = {
    "authorizer": resource_spec.AUTHORIZER.memory_mb,
    "api": resource_spec.API.memory_mb,
    "trigger": resource_spec.TRIGGER.memory_mb,
}
#: A click meets these two; the trigger is the first step of a regeneration.
CLICK = ("authorizer", "api")
ENV = {"authorizer": {}, "api": TRACING_ON_ENV, "trigger": TRACING_ON_ENV}
IN_LAMBDA_INIT = {INITIALIZATION_TYPE: "on-demand"}
RUNS = 5


@dataclass(frozen=True)
class ColdStart:
    """Where one function's cold start spends its CPU, and what that takes on Lambda."""

    init_s: float  # one vCPU
    invocation_s: float  # the memory's share of one
    memory_mb: int

    @property
    def on_lambda_s(self) -> float:
        return self.init_s + self.restored_s

    @property
    def restored_s(self) -> float:
        """With SnapStart: the init ran at deploy, so a cold start resumes its snapshot
        and pays the first invocation alone (and the restore, Lambda's own)."""
        return self.invocation_s * ONE_VCPU_MB / self.memory_mb


def cold_start(sample: ImportSample, memory_mb: int, *, prepared: bool) -> ColdStart:
    first, clients = sample.first_s or 0.0, sample.clients_s or 0.0
    if prepared:
        return ColdStart(sample.seconds + clients, first, memory_mb)
    return ColdStart(sample.seconds, first + clients, memory_mb)


def median(starts: list[ColdStart]) -> ColdStart:
    return ColdStart(
        statistics.median(s.init_s for s in starts),
        statistics.median(s.invocation_s for s in starts),
        starts[0].memory_mb,
    )


class _ActiveAdmin(BaseHTTPRequestHandler):
    """The host app's user read (`GET .../users/<id>/`): an active admin."""

    def do_GET(self) -> None:
        user_id = self.path.rstrip("/").rsplit("/", 1)[-1]
        body = json.dumps({"id": user_id, "username": "admin", "is_staff": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@contextmanager
def stub_host() -> Iterator[str]:
    """A host app that knows every caller as an active admin; its internal API's URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ActiveAdmin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/internal/identity-images/"
    finally:
        server.shutdown()
        server.server_close()


def measure(events: dict[str, Path], host_url: str) -> dict[tuple[str, bool], ColdStart]:
    """Each function, built on first use and prepared at init, `RUNS` times in turn."""
    samples: dict[tuple[str, bool], list[ColdStart]] = {
        (name, prepared): [] for name in MEMORY_MB for prepared in (False, True)
    }
    for _ in range(RUNS):
        for name, prepared in samples:
            env = {
                **ENV[name],
                **(IN_LAMBDA_INIT if prepared else {}),
                "DJANGO_INTERNAL_URL": host_url,
            }
            sample = probe(HANDLERS[name], event=events[name], env=env, clients=AWS_CLIENTS[name])
            samples[name, prepared].append(cold_start(sample, MEMORY_MB[name], prepared=prepared))
    return {key: median(starts) for key, starts in samples.items()}


def _how(start: ColdStart) -> str:
    return (
        f"init {seconds(start.init_s)} + invocation {seconds(start.invocation_s)} "
        f"x {ONE_VCPU_MB / start.memory_mb:.1f} ({start.memory_mb} MB)"
    )


def run() -> Report:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-cold-click-") as tmp, stub_host() as url:
        events = {**write_events(Path(tmp)), "api": ROOT / "events/api_get_config.json"}
        starts = measure(events, url)
    figures: list[Figure] = []
    for name in MEMORY_MB:
        before, after = starts[name, False], starts[name, True]
        figures.append(
            Figure(
                f"{name}: built on first use, then prepared at init",
                seconds(before.on_lambda_s),
                seconds(after.on_lambda_s),
                f"{after.on_lambda_s / before.on_lambda_s:.2f}x; before: {_how(before)}; "
                f"now: {_how(after)}",
            )
        )
    click_before = sum(starts[name, False].on_lambda_s for name in CLICK)
    click_after = sum(starts[name, True].on_lambda_s for name in CLICK)
    figures.append(
        Figure(
            "the code's share of a cold click on Lambda (authorizer + API)",
            seconds(click_before),
            seconds(click_after),
            f"{click_after / click_before:.2f}x",
            "less than built on first use",
            click_after < click_before,
        )
    )
    click_restored = sum(starts[name, True].restored_s for name in CLICK)
    figures.append(
        Figure(
            "the code's share of a cold click with SnapStart (as deployed): the first "
            "invocations alone",
            seconds(click_before),
            seconds(click_restored),
            f"{click_restored / click_before:.2f}x",
        )
    )
    notes = (
        f"Median of {RUNS} runs of each, taken in turn, on one core of this machine; "
        "baseline: the same function built on first use, in the same run. Lambda's own "
        "start (the runtime, the layers), API Gateway and the network calls come on top.",
        "On Lambda = init (the import, and with preparing the settings, the AWS clients, "
        "the API's models and the X-Ray recorder) at one vCPU + the first invocation (the "
        "authorizer: an admin's HS256 token; the API: GET /v1/config, the host read from a "
        "stub; the trigger: S3's test event) at "
        f"memory/{ONE_VCPU_MB} of one. One core here stands for one vCPU there: the ratio "
        "travels better than the seconds.",
        "With SnapStart (the API's and the authorizer's default) both inits run at deploy, "
        "and a cold start resumes their snapshot instead: the click pays Lambda's restore "
        "(not measurable here) and the first invocations.",
    )
    return Report(
        "cold_click",
        "A cold click on Lambda: init at one vCPU, the first invocation at the memory's share",
        tuple(figures),
        notes,
    )


if __name__ == "__main__":
    print(run().markdown())
