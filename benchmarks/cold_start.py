"""Cold start: each handler's import, and its first invocation, in a fresh interpreter.

Import time is the part of a Lambda cold start the code controls. The API, authorizer,
trigger and reaper functions get only the small `base` layer, so they must load neither
google-genai nor Pillow (they would not even find them); the worker loads both. The
worker's import time is the baseline; each other handler's import is held to a ratio of
it (the same run, so machine and load cancel out).

A cold click waits for the import and the first invocation together, so each handler is
also invoked once, right after its import, with an event that needs no AWS and no
network: the API serves `GET /v1/openapi.json` (the route that pays for Powertools'
OpenAPI models, deferred from the import), the authorizer verifies an HS256 token, the
trigger drops S3's test event. The API is measured again with tracing on (inside a
Lambda-like environment with a trace header), where the X-Ray SDK loads on the first
invocation instead of at import.

The floor: for the API, the authorizer and the trigger, a fresh interpreter imports only
the modules that are not ours which the handler's import loaded (pydantic,
pydantic-settings, Powertools, boto3, httpx, PyJWT, ... and the standard library behind
them), in the same order. What the handler takes beyond it is our own modules (model and
settings classes built at import); a target below the floor needs a library dropped.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from benchmarks import Figure, Report, seconds
from identity_images.settings import API_CLIENTS

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = {
    "api": "identity_images.handlers.api",
    "authorizer": "identity_images.handlers.authorizer",
    "trigger": "identity_images.handlers.trigger",
    "reaper": "identity_images.handlers.reaper",
    "worker": "identity_images.handlers.worker",
}
# Modules only the imaging layer (the worker's) provides.
HEAVY = ("google.genai", "PIL", "pillow_heif")
# Loaded at import only when needed: the X-Ray SDK (tracing on, first traced call) and
# Powertools' OpenAPI models (only `/v1/openapi.json`).
DEFERRED = ("aws_xray_sdk.core", "aws_lambda_powertools.event_handler.openapi.models")
BASE_LAYER_ONLY = ("api", "authorizer", "trigger", "reaper")
# What the authorizer cannot do without under the house rules, even with no pydantic:
# PyJWT (which imports `cryptography`), Powertools' Logger and its event class.
AUTHORIZER_MINIMUM = (
    "jwt",
    "aws_lambda_powertools.logging",
    "aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event",
)
# Import time at most this share of the worker's, for the handlers an admin's click or
# upload waits on (the reaper runs on a schedule: nobody waits for its cold start).
TARGET_RATIO = {"api": 0.35, "authorizer": 0.15, "trigger": 0.35}
RUNS = 5

PROBE = """
import json, os, sys, time
from benchmarks.layers_only import refuse

refuse({blocked!r})
floor_file = os.environ.get("COLD_START_FLOOR")
if floor_file:
    # The floor: only the libraries the handler's import loaded, in the order it loaded
    # them, none of our modules (no model or settings class is built).
    import importlib
    names = json.load(open(floor_file))
    start = time.perf_counter()
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # a module that only imports inside its parent's context
            pass
    print(json.dumps({{"missing": False, "seconds": time.perf_counter() - start, "heavy": [],
                       "deferred": [], "first": None, "deferred_after": [], "libraries": []}}))
    sys.exit(0)
before = set(sys.modules)
start = time.perf_counter()
try:
    module = __import__({module!r}, fromlist=["handler"])
except ModuleNotFoundError as exc:
    if exc.name and {module!r}.startswith(exc.name):
        print(json.dumps({{"missing": True}}))
        sys.exit(0)
    raise
elapsed = time.perf_counter() - start
ours = ("identity_images", "local_stack", "benchmarks")
libraries = [m for m in list(sys.modules) if m not in before and m.partition(".")[0] not in ours]
loaded = lambda names: [m for m in names if m in sys.modules]
heavy, deferred = loaded({heavy!r}), loaded({deferred!r})
first = None
event_file = os.environ.get("COLD_START_EVENT")
if event_file:
    from local_stack.lambda_runtime import LocalLambdaContext
    event = json.load(open(event_file))
    began = time.perf_counter()
    context = LocalLambdaContext("cold-start-bench", timeout_s=30, region="us-east-1")
    answer = module.handler(event, context)
    first = time.perf_counter() - began
    if isinstance(answer, dict) and answer.get("statusCode", 200) >= 400:
        sys.exit(f"the first invocation answered {{answer['statusCode']}}: {{answer.get('body')}}")
clients_s = None
services = [name for name in os.environ.get("COLD_START_CLIENTS", "").split(",") if name]
if services:
    # The AWS clients a real first request builds (no network: credentials and endpoints
    # are resolved when a call is made); the authorizer's import has not loaded boto3.
    began = time.perf_counter()
    from identity_images.adapters import aws
    for service in services:
        getattr(aws, service)()
    clients_s = time.perf_counter() - began
print(json.dumps({{"missing": False, "seconds": elapsed, "heavy": heavy, "deferred": deferred,
                   "first": first, "deferred_after": loaded({deferred!r}),
                   "libraries": libraries, "clients": clients_s}}))
"""

# What a Lambda has in its environment; nothing here reaches AWS at import time.
LAMBDA_LIKE_ENV = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "cold-start-bench",
    "POWERTOOLS_SERVICE_NAME": "identity-images",
    "POWERTOOLS_METRICS_NAMESPACE": "IdentityImages",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "PYDANTIC_DISABLE_PLUGINS": "__all__",  # as the CDK app sets it
    "JWT_SECRET": "cold-start-benchmark-secret-of-32-bytes!",
    # The resource names the CDK app gives each function; a first invocation builds its
    # adapters from them (no network: boto3 resolves nothing until a call is made).
    "BUCKET_NAME": "identity-images-bench",
    "JOBS_TABLE_NAME": "identity-image-jobs-bench",
    "JOBS_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-bench",
    "JOBS_DLQ_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dlq-bench",
    "IDEMPOTENCY_TABLE_NAME": "identity-image-idempotency-bench",
    "DJANGO_SERVICE_TOKEN": "cold-start-benchmark-service-token",
}
# Tracing on, as in AWS with X-Ray active tracing: inside Lambda (LAMBDA_TASK_ROOT), a
# trace header for the invocation; the segments go to a UDP port nobody listens on.
TRACING_ON_ENV = {
    "POWERTOOLS_TRACE_DISABLED": "false",
    "LAMBDA_TASK_ROOT": str(ROOT / "functions"),
    "_X_AMZN_TRACE_ID": (
        "Root=1-66f1c2a0-3b9d1e4f5a6b7c8d9e0f1a2b;Parent=53995c3f42cd8ad8;Sampled=1"
    ),
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
    "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
}


# What the Lambda Python runtime itself provides (the layers leave these out).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six")
OUR_PACKAGES = ("identity_images", "local_stack", "benchmarks")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _layer_requirements(layer: str) -> set[str]:
    lines = (ROOT / "layers" / layer / "requirements.txt").read_text().splitlines()
    names = (line.split("#", 1)[0].split("==", 1)[0].strip() for line in lines)
    return {_normalise(name) for name in names if name}


@cache
def not_in_layers(module: str) -> tuple[str, ...]:
    """Top-level modules installed here whose distribution none of `module`'s layers (nor
    the runtime) holds; the probe refuses them. Empty for a module that is not a handler,
    or when the layer lists are absent."""
    if module not in HANDLERS.values() or not (ROOT / "layers/base/requirements.txt").exists():
        return ()
    layers = ["base", "imaging"] if module == HANDLERS["worker"] else ["base"]
    allowed = {_normalise(n) for n in RUNTIME_PROVIDED}
    for layer in layers:
        allowed |= _layer_requirements(layer)
    blocked = set()
    for top, distributions in importlib.metadata.packages_distributions().items():
        if top in OUR_PACKAGES or top.startswith("_") or top in sys.stdlib_module_names:
            continue
        if not any(_normalise(d) in allowed for d in distributions):
            blocked.add(top)
    return tuple(sorted(blocked))


class ProbeError(RuntimeError):
    """The module exists but failed to import."""


@dataclass(frozen=True)
class ImportSample:
    module: str
    missing: bool
    seconds: float = 0.0
    heavy: tuple[str, ...] = ()
    deferred: tuple[str, ...] = ()  # of DEFERRED, loaded by the import
    first_s: float | None = None  # the first invocation, when an event was given
    deferred_after: tuple[str, ...] = ()  # of DEFERRED, loaded after the first invocation
    libraries: tuple[str, ...] = ()  # every module not ours the import loaded, in order
    clients_s: float | None = None  # building the AWS clients a real first request needs

    @property
    def first_request_s(self) -> float | None:
        return None if self.first_s is None else self.seconds + self.first_s


def probe(
    module: str,
    *,
    event: Path | None = None,
    env: dict[str, str] | None = None,
    floor: Path | None = None,
    clients: tuple[str, ...] = (),
) -> ImportSample:
    """Import `module` in a fresh interpreter (and call its `handler` with `event`); what
    it took and which heavy and deferred modules came. With `floor` (a JSON list of
    module names), import only those instead: the libraries without our code."""
    full_env = {**os.environ, **LAMBDA_LIKE_ENV, **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "functions"), str(ROOT), full_env.get("PYTHONPATH", "")]
    )
    if event is not None:
        full_env["COLD_START_EVENT"] = str(event)
    if floor is not None:
        full_env["COLD_START_FLOOR"] = str(floor)
    if clients:
        full_env["COLD_START_CLIENTS"] = ",".join(clients)
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            PROBE.format(
                module=module, heavy=HEAVY, deferred=DEFERRED, blocked=not_in_layers(module)
            ),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        check=False,
    )
    if result.returncode != 0:
        raise ProbeError(f"importing {module} failed:\n{result.stderr.strip()}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    if data["missing"]:
        return ImportSample(module, missing=True)
    return ImportSample(
        module,
        False,
        float(data["seconds"]),
        tuple(data["heavy"]),
        tuple(data["deferred"]),
        None if data["first"] is None else float(data["first"]),
        tuple(data["deferred_after"]),
        tuple(data.get("libraries", ())),
        None if data.get("clients") is None else float(data["clients"]),
    )


def import_breakdown(module: str, top: int = 8) -> list[tuple[str, float]]:
    """Where `module`'s import time goes: `-X importtime` self times, summed by
    distribution-level package (Powertools by utility), largest first, as shares."""
    env = {**os.environ, **LAMBDA_LIKE_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "functions"), str(ROOT)])
    code = PROBE.format(
        module=module, heavy=HEAVY, deferred=DEFERRED, blocked=not_in_layers(module)
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    totals: dict[str, int] = {}
    line = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)")
    for match in line.finditer(done.stderr):
        name = match.group(2)
        parts = name.split(".")
        depth = (
            3 if parts[0] == "aws_lambda_powertools" else 2 if parts[0] == OUR_PACKAGES[0] else 1
        )
        key = ".".join(parts[:depth])
        totals[key] = totals.get(key, 0) + int(match.group(1))
    whole = sum(totals.values()) or 1
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)[:top]
    return [(name, spent / whole) for name, spent in ranked]


def median_sample(samples: list[ImportSample]) -> ImportSample:
    first = samples[0]
    if first.missing:
        return first
    firsts = [s.first_s for s in samples if s.first_s is not None]
    built = [s.clients_s for s in samples if s.clients_s is not None]
    return ImportSample(
        first.module,
        False,
        statistics.median(s.seconds for s in samples),
        tuple(sorted({m for s in samples for m in s.heavy})),
        tuple(sorted({m for s in samples for m in s.deferred})),
        statistics.median(firsts) if firsts else None,
        tuple(sorted({m for s in samples for m in s.deferred_after})),
        first.libraries,
        statistics.median(built) if built else None,
    )


def median_import(module: str, runs: int = RUNS) -> ImportSample:
    return median_sample([probe(module) for _ in range(runs)])


# --- the first invocation's events: no AWS, no network --------------------------------


def write_events(folder: Path) -> dict[str, Path]:
    import jwt

    token = jwt.encode(
        {
            "user_id": "1",
            "username": "admin",
            "is_staff": True,
            "exp": int(time.time()) + 3600,
        },
        LAMBDA_LIKE_ENV["JWT_SECRET"],
        algorithm="HS256",
    )
    authorizer: dict[str, Any] = json.loads((ROOT / "events/authorizer_request.json").read_text())
    authorizer["headers"]["Authorization"] = f"Bearer {token}"
    authorizer["multiValueHeaders"]["Authorization"] = [f"Bearer {token}"]
    trigger: dict[str, Any] = json.loads(
        (ROOT / "events/sqs_s3_reference_created.json").read_text()
    )
    record = trigger["Records"][0]
    record["body"] = json.dumps(
        {
            "Service": "Amazon S3",
            "Event": "s3:TestEvent",
            "Time": "2026-09-23T14:05:41.518Z",
            "Bucket": "identity-images-bench",
            "RequestId": "C3D13FE58DE4C810",
        }
    )
    trigger["Records"] = [record]
    events = {
        "api": ROOT / "events/api_openapi.json",
        "authorizer": folder / "authorizer.json",
        "trigger": folder / "trigger.json",
    }
    events["authorizer"].write_text(json.dumps(authorizer))
    events["trigger"].write_text(json.dumps(trigger))
    return events


# The AWS clients each function's real first request builds (`adapters.aws`): the API's
# as its Lambda init does; the authorizer's one reads the JWT secret; the trigger's come
# with its logic, which its first invocation builds anyway.
AWS_CLIENTS = {
    "api": API_CLIENTS,
    "authorizer": ("secretsmanager",),
    "trigger": ("dynamodb", "sqs", "s3"),
}

FIRST_REQUEST = {
    "api": "GET /v1/openapi.json",
    "authorizer": "an admin's HS256 token",
    "trigger": "S3's test event",
}


# --- the report ---------------------------------------------------------------------------


def _ratio(sample: ImportSample, worker: ImportSample) -> float | None:
    if sample.missing or worker.missing or worker.seconds <= 0:
        return None
    return sample.seconds / worker.seconds


def run() -> Report:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-cold-start-") as tmp:
        events = write_events(Path(tmp))
        # Round robin, so a change in the machine's load touches every handler alike.
        raw: dict[str, list[ImportSample]] = {name: [] for name in [*HANDLERS, "api-traced"]}
        floors: dict[str, list[ImportSample]] = {name: [] for name in TARGET_RATIO}
        minimums: list[ImportSample] = []
        minimum = Path(tmp) / "authorizer-minimum.json"
        minimum.write_text(json.dumps(AUTHORIZER_MINIMUM))
        for run_index in range(RUNS):
            for name, module in HANDLERS.items():
                sample = probe(module, event=events.get(name), clients=AWS_CLIENTS.get(name, ()))
                raw[name].append(sample)
                if name in floors and not sample.missing:
                    listed = Path(tmp) / f"floor-{name}-{run_index}.json"
                    listed.write_text(json.dumps(sample.libraries))
                    floors[name].append(probe(module, floor=listed))
            minimums.append(probe(HANDLERS["authorizer"], floor=minimum))
            traced = probe(HANDLERS["api"], event=events["api"], env=TRACING_ON_ENV)
            raw["api-traced"].append(traced)
    results = {name: median_sample(samples) for name, samples in raw.items()}
    floor_s = {
        name: statistics.median(s.seconds for s in samples)
        for name, samples in floors.items()
        if samples
    }
    worker = results["worker"]
    figures: list[Figure] = []
    notes = [
        f"Median of {RUNS} runs, each in a fresh Python {sys.version.split()[0]} "
        "interpreter with a Lambda-like environment (tracing off unless said), the handlers "
        "taken in turn; baseline: the worker module's import. Absolute times depend on the "
        "machine and its load (this one is shared, so they are noisy); the ratios travel.",
        "Floor = the same fresh interpreter importing only the modules (not ours) that "
        "the handler's import loaded, in the same order: pydantic, pydantic-settings, "
        "Powertools, boto3/botocore, httpx, PyJWT and cryptography, and the standard "
        "library they pull in. No handler's import can go below it without dropping a "
        "library; the rest is our modules (models and settings classes built at import).",
        "First request = import + the first invocation with "
        + "; ".join(f"{name}: {what}" for name, what in FIRST_REQUEST.items())
        + ". Lambda's own start (fetching the code, starting the runtime) comes on top.",
    ]
    for name in HANDLERS:
        sample = results[name]
        if sample.missing:
            figures.append(
                Figure(f"import {name}", "", "module not found", "not measured", "", None)
            )
            notes.append(f"`{HANDLERS[name]}` does not exist yet: not measured.")
            continue
        heavy = ", ".join(sample.heavy) or "none"
        baseline = "" if worker.missing else seconds(worker.seconds)
        if name not in BASE_LAYER_ONLY:
            figures.append(
                Figure(f"import {name} (loads: {heavy})", baseline, seconds(sample.seconds), "")
            )
            continue
        ratio = _ratio(sample, worker)
        target = TARGET_RATIO.get(name)
        deferred = ", ".join(sample.deferred) or "none"
        within = target is None or (ratio is not None and ratio <= target)
        figures.append(
            Figure(
                f"import {name} (heavy: {heavy}; deferred loaded: {deferred})",
                baseline,
                seconds(sample.seconds),
                "" if ratio is None else f"{ratio:.2f}x the worker",
                ("" if target is None else f"<= {target:.2f}x, ") + "no google.genai / PIL",
                not sample.heavy and within,
            )
        )
        if name in floor_s and not worker.missing:
            own = sample.seconds - floor_s[name]
            figures.append(
                Figure(
                    f"floor, {name}: its libraries alone (the same modules, none of ours)",
                    baseline,
                    seconds(floor_s[name]),
                    f"{floor_s[name] / worker.seconds:.2f}x the worker; our modules add "
                    f"{seconds(max(0.0, own))} ({max(0.0, own) / worker.seconds:.2f}x)",
                )
            )
        if name == "authorizer" and minimums and not worker.missing:
            least = statistics.median(m.seconds for m in minimums)
            figures.append(
                Figure(
                    "authorizer's minimum: PyJWT, Powertools' Logger and its event class "
                    "alone (no pydantic)",
                    baseline,
                    seconds(least),
                    f"{least / worker.seconds:.2f}x the worker, against a "
                    f"{TARGET_RATIO['authorizer']:.2f}x target",
                )
            )
        if sample.first_request_s is not None and sample.first_s is not None:
            figures.append(
                Figure(
                    f"first request, {name} ({FIRST_REQUEST[name]})",
                    baseline,
                    seconds(sample.first_request_s),
                    f"import {seconds(sample.seconds)} + invocation {seconds(sample.first_s)}",
                )
            )
        if sample.clients_s is not None and sample.first_request_s is not None:
            services = ", ".join(AWS_CLIENTS[name])
            figures.append(
                Figure(
                    f"first request in AWS, {name}: + its AWS clients ({services})",
                    baseline,
                    seconds(sample.first_request_s + sample.clients_s),
                    f"clients {seconds(sample.clients_s)} (one boto3 session; before the "
                    "network calls themselves)",
                )
            )
    traced = results["api-traced"]
    if not traced.missing and traced.first_request_s is not None and traced.first_s is not None:
        loaded = ", ".join(traced.deferred_after) or "none"
        figures.append(
            Figure(
                "first request, api, tracing on (X-Ray loads on the first invocation)",
                "" if worker.missing else seconds(worker.seconds),
                seconds(traced.first_request_s),
                f"import {seconds(traced.seconds)} + invocation {seconds(traced.first_s)}; "
                f"then loaded: {loaded}",
                "X-Ray recorder in use after the first request",
                "aws_xray_sdk.core" in traced.deferred_after
                and "aws_xray_sdk.core" not in traced.deferred,
            )
        )
    for name in BASE_LAYER_ONLY:
        shares = import_breakdown(HANDLERS[name])
        if shares:
            notes.append(
                f"Where the {name}'s import goes (self time by package, one run): "
                + ", ".join(f"{pkg} {share:.0%}" for pkg, share in shares)
                + "."
            )
    return Report(
        "cold_start",
        "Cold start: handler import and first request",
        tuple(figures),
        tuple(notes),
    )


if __name__ == "__main__":
    print(run().markdown())
