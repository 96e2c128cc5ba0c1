"""Cold start: how long each handler module takes to import in a fresh interpreter.

Import time is the part of a Lambda cold start the code controls. The API, authorizer,
trigger and reaper functions get only the small `base` layer, so they must load neither
google-genai nor Pillow (they would not even find them); the worker loads both. The
worker's import time is the baseline; the API's figure is its ratio to it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks import Figure, Report, seconds

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
BASE_LAYER_ONLY = ("api", "authorizer", "trigger", "reaper")
RUNS = 5

PROBE = """
import json, sys, time
start = time.perf_counter()
try:
    __import__({module!r})
except ModuleNotFoundError as exc:
    if exc.name and {module!r}.startswith(exc.name):
        print(json.dumps({{"missing": True}}))
        sys.exit(0)
    raise
elapsed = time.perf_counter() - start
heavy = [m for m in {heavy!r} if m in sys.modules]
print(json.dumps({{"missing": False, "seconds": elapsed, "heavy": heavy}}))
"""

# What a Lambda has in its environment; nothing here reaches AWS at import time.
LAMBDA_LIKE_ENV = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "cold-start-bench",
    "POWERTOOLS_SERVICE_NAME": "identity-images",
    "POWERTOOLS_METRICS_NAMESPACE": "IdentityImages",
    "POWERTOOLS_TRACE_DISABLED": "true",
}


class ProbeError(RuntimeError):
    """The module exists but failed to import."""


@dataclass(frozen=True)
class ImportSample:
    module: str
    missing: bool
    seconds: float = 0.0
    heavy: tuple[str, ...] = ()


def probe(module: str) -> ImportSample:
    """Import `module` in a fresh interpreter; what it took and which heavy modules came."""
    env = {**os.environ, **LAMBDA_LIKE_ENV}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "functions"), str(ROOT), env.get("PYTHONPATH", "")]
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE.format(module=module, heavy=HEAVY)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise ProbeError(f"importing {module} failed:\n{result.stderr.strip()}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    if data["missing"]:
        return ImportSample(module, missing=True)
    return ImportSample(module, False, float(data["seconds"]), tuple(data["heavy"]))


def median_import(module: str, runs: int = RUNS) -> ImportSample:
    samples = [probe(module) for _ in range(runs)]
    if samples[0].missing:
        return samples[0]
    return ImportSample(
        module,
        False,
        statistics.median(s.seconds for s in samples),
        tuple(sorted({m for s in samples for m in s.heavy})),
    )


def run() -> Report:
    results = {name: median_import(module) for name, module in HANDLERS.items()}
    worker = results["worker"]
    figures = []
    notes = [
        f"Median of {RUNS} imports, each in a fresh Python {sys.version.split()[0]} "
        "interpreter with a Lambda-like environment; baseline: the worker module. "
        "Absolute times depend on the machine and its load; the ratios travel better.",
    ]
    for name, sample in results.items():
        if sample.missing:
            figures.append(
                Figure(f"import {name}", "", "module not found", "not measured", "", None)
            )
            notes.append(f"`{HANDLERS[name]}` does not exist yet: not measured.")
            continue
        heavy = ", ".join(sample.heavy) or "none"
        baseline = "" if worker.missing else seconds(worker.seconds)
        ratio = (
            f"{sample.seconds / worker.seconds:.2f}x the worker"
            if not worker.missing and worker.seconds > 0
            else ""
        )
        if name in BASE_LAYER_ONLY:
            figures.append(
                Figure(
                    f"import {name} (heavy modules loaded: {heavy})",
                    baseline,
                    seconds(sample.seconds),
                    ratio,
                    "loads no google.genai / PIL",
                    not sample.heavy,
                )
            )
        else:
            figures.append(
                Figure(f"import {name} (loads: {heavy})", baseline, seconds(sample.seconds), "")
            )
    api = results["api"]
    if not api.missing and not worker.missing and worker.seconds > 0:
        api_ratio = api.seconds / worker.seconds
        figures.append(
            Figure(
                "API / worker import time",
                seconds(worker.seconds),
                seconds(api.seconds),
                f"{api_ratio:.2f}",
            )
        )
    return Report("cold_start", "Cold start: handler import time", tuple(figures), tuple(notes))


if __name__ == "__main__":
    print(run().markdown())
