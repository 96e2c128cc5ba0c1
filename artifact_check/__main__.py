"""`make verify-artifact`: the deploy artefact, on aarch64 Python 3.13, against the local stack.

    python -m artifact_check [--cache-dir DIR] [--events DIR]

1. synthesizes the CDK app with the built layers (`make layers` first) and reads from it
   which functions exist, their handlers, code and layers;
2. checks every compiled file in the layers is aarch64 and needs no newer glibc than
   Lambda's, naming the wheel that is not;
3. builds (once; cached) an aarch64 CPython 3.13 sysroot from Debian's packages, run
   under qemu-user, in which every source of the code and the layers must have bytecode
   that interpreter loads as it is (`artifact_check/bytecode.py`), and lays each function
   out as Lambda does (`/var/task`, `/opt/python`, the runtime's boto3/botocore);
4. starts the local stack and, in the emulated interpreter, one cold start per function:
   imports every handler, runs the authorizer and the API on their sample events, and
   the worker on the job the API created, with a HEIC and an EXIF-rotated JPEG as
   references, until the job has succeeded and its image is in the bucket.

Exit 0 when all of it held, 1 with a message naming what did not.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from artifact_check import binaries, bytecode, probe, scenario
from artifact_check.package import (
    PYTHON_VERSION,
    LambdaFunction,
    Layout,
    check_target,
    ensure_runtime_packages,
    functions_of,
    lay_out,
    synthesize,
)
from artifact_check.sysroot import Sysroot, compile_in, ensure_sysroot, interpreter_env
from identity_images.handlers.init_phase import INITIALIZATION_TYPE, NOT_PREPARED, NOT_RESEEDED
from layers.build import LAYERS, ROOT
from layers.bytecode import RUNTIME_NAME

PROBE_TIMEOUT_S = 900
SHARED_OBJECT = re.compile(r"(/[^\s:'\"]+\.so(?:\.[\w.]+)?)")


class ArtifactError(RuntimeError):
    """The artefact does not do on aarch64 what it does in the tests."""


def default_cache() -> Path:
    if configured := os.environ.get("ARTIFACT_CACHE_DIR"):
        return Path(configured)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "identity-images" / "artifact-check"


def layer_name(logical_id: str) -> str:
    """`LayersBase1A2B3C` -> `base` (the folder under layers/), else the logical id."""
    return next((n for n in LAYERS if n.capitalize() in logical_id), logical_id)


class Steps:
    """Prints each step and how long it took; keeps the figures for the summary."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.timings: list[tuple[str, float]] = []

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        print(f"-- {title}", flush=True)
        started = time.monotonic()
        yield
        elapsed = time.monotonic() - started
        self.timings.append((title, elapsed))
        print(f"   ({elapsed:.0f} s)", flush=True)

    @property
    def total(self) -> float:
        return time.monotonic() - self.started


# --- probes -------------------------------------------------------------------------------


class Runner:
    """Runs one function's cold start in the emulated interpreter."""

    def __init__(self, sysroot: Sysroot, work: Path, base_env: Mapping[str, str]):
        self.sysroot = sysroot
        self.work = work
        self.base_env = dict(base_env)

    def run(
        self,
        function: LambdaFunction,
        layout: Layout,
        invocations: list[dict[str, Any]],
    ) -> dict[str, Any]:
        request = {
            "function": function.name,
            "handler": function.handler,
            "sys_path": layout.sys_path,
            "timeout_s": function.timeout_s,
            "memory_mb": function.memory_mb,
            "initialization_type": function.initialization_type,
            "invocations": invocations,
        }
        request_path = self.work / f"{function.name}.request.json"
        result_path = self.work / f"{function.name}.result.json"
        log_path = self.work / f"{function.name}.log"
        request_path.write_text(json.dumps(request))
        result_path.unlink(missing_ok=True)
        lambda_env = {
            **function.environment,
            **self.base_env,
            "AWS_LAMBDA_FUNCTION_NAME": f"identity-images-{function.name}",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_python{PYTHON_VERSION}",
            INITIALIZATION_TYPE: function.initialization_type,
            "LAMBDA_TASK_ROOT": str(layout.task),
            "LAMBDA_RUNTIME_DIR": str(layout.runtime),
            "_HANDLER": function.handler,
        }
        command = self.sysroot.command(
            "-I",  # no PYTHON* variables, no user site
            "-S",  # no site: sys.path is the probe's, as Lambda's runtime sets it
            "-B",  # no bytecode written: Lambda's code folders are read-only
            probe.__file__,
            str(request_path),
            str(result_path),
        )
        with log_path.open("wb") as log:
            try:
                subprocess.run(  # noqa: S603 - our interpreter and probe
                    command,
                    env=interpreter_env(lambda_env),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    timeout=PROBE_TIMEOUT_S,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise ArtifactError(
                    f"{function.name}: no answer in {PROBE_TIMEOUT_S} s (log: {log_path})"
                ) from exc
        if not result_path.is_file():
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
            raise ArtifactError(f"{function.name}: the aarch64 interpreter crashed:\n{tail}")
        result: dict[str, Any] = json.loads(result_path.read_text())
        self._check(function, layout, result)
        unprepared = [
            line
            for line in log_path.read_text(errors="replace").splitlines()
            if NOT_PREPARED in line
        ]
        if unprepared:
            raise ArtifactError(
                f"{function.name}: its Lambda init left work to the first request "
                f"(handlers/init_phase.py):\n" + "\n".join(unprepared[:5])
            )
        if function.snap_start and not result.get("snapshot_hooks"):
            said = " (it logged: no runtime hooks)" if NOT_RESEEDED in log_path.read_text() else ""
            raise ArtifactError(
                f"{function.name}: deployed with SnapStart, its init registered nothing for "
                f"a restore{said}, so every environment resumed from one snapshot would "
                "share its random generators (handlers/init_phase.py)"
            )
        return result

    def _check(self, function: LambdaFunction, layout: Layout, result: Mapping[str, Any]) -> None:
        if result.get("machine") != "aarch64" or not str(result.get("python")).startswith(
            PYTHON_VERSION
        ):
            raise ArtifactError(
                f"{function.name}: ran on {result.get('machine')} Python "
                f"{result.get('python')}, not aarch64 {PYTHON_VERSION}"
            )
        error = result.get("error")
        if error and error["kind"] == "restore":
            raise ArtifactError(
                f"{function.name}: a SnapStart runtime hook raised {error['type']}: "
                f"{error['message']}\n{error['traceback']}"
            )
        if error:
            raise ArtifactError(import_failure(function, layout, error))
        for outcome in result["invocations"]:
            if "error" in outcome:
                failure = outcome["error"]
                raise ArtifactError(
                    f"{function.name}: {outcome['name']} raised {failure['type']}: "
                    f"{failure['message']}\n{failure['traceback']}"
                )
        if result.get("compiled"):
            listed = "\n".join(f"  {path}" for path in result["compiled"][:20])
            raise ArtifactError(
                f"{function.name}: {len(result['compiled'])} modules of the code, the layers "
                "or the runtime had no bytecode Lambda's Python could use, so every cold "
                f"start would compile them (see layers/bytecode.py):\n{listed}"
            )
        if result.get("loaded_from_elsewhere"):
            raise ArtifactError(
                f"{function.name}: modules came from outside the code, the layers and the "
                f"runtime: {result['loaded_from_elsewhere']}"
            )


def import_failure(function: LambdaFunction, layout: Layout, error: Mapping[str, Any]) -> str:
    layers = "+".join(layer_name(layer.logical_id) for layer in function.layers) or "none"
    head = (
        f"{function.name}: `import {function.module}` fails on aarch64 Python "
        f"{PYTHON_VERSION} with only its code, its layers ({layers}) and the runtime's "
        f"boto3 on sys.path"
    )
    where = f" (imported at {error['where']})" if error.get("where") else ""
    if error.get("type") == "ModuleNotFoundError" and error.get("module"):
        return (
            f"{head}:\n  missing module {error['module']!r}{where}.\n  Add the distribution "
            f"that provides it to the function's layer (layers/<layer>/requirements.txt) "
            f"and to pyproject.toml."
        )
    paths = SHARED_OBJECT.findall(str(error.get("message", "")))
    sites = {layer_name(layer.logical_id): layer.directory / "python" for layer in function.layers}
    for path in paths:
        relative = _relative_to(Path(path), layout.opt / "python")
        if relative is None:
            continue
        owner = None
        for name, site in reversed(list(sites.items())):
            if (site / relative).exists():
                owner = binaries.owner_of(str(site / relative), {name: site})
                break
        if owner:
            return (
                f"{head}:\n  {owner} cannot be loaded: {error['message']}{where}.\n  "
                f"Its wheel is not for manylinux aarch64 / CPython {PYTHON_VERSION}."
            )
    return f"{head}:\n  {error['type']}: {error['message']}{where}\n{error.get('traceback', '')}"


def _relative_to(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


# --- the scenario ----------------------------------------------------------------------


def sample_events(events: Path, prefix: str) -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text()) for p in sorted(events.glob(f"{prefix}_*.json"))}


def run_scenario(
    functions: list[LambdaFunction],
    layouts: Mapping[str, Layout],
    sysroot: Sysroot,
    cache: Path,
    events: Path,
    steps: Steps,
) -> list[str]:
    by_name = {f.name: f for f in functions}
    report: list[str] = []
    with tempfile.TemporaryDirectory(prefix="artifact-check-") as tmp:
        work = Path(tmp)
        with steps.step("starting the local stack (identity-images serve)"):
            stack_context = scenario.running_stack(work)
            stack = stack_context.__enter__()
        try:
            fixture = scenario.prepare(stack)
            runner = Runner(sysroot, work, fixture.environment)

            def cold_start(name: str, invocations: list[dict[str, Any]]) -> dict[str, Any]:
                function = by_name[name]
                with steps.step(f"{name}: cold start on aarch64, {len(invocations)} event(s)"):
                    result = runner.run(function, layouts[name], invocations)
                restored = " (snapshot, restore)" if function.snap_start else ""
                report.append(
                    f"{name:<11} import {result['import_s']:>5.1f} s{restored}  "
                    + "  ".join(
                        f"{o['name']} {_status(o.get('response'))} ({o['seconds']:.1f} s)"
                        for o in result["invocations"]
                    )
                )
                return result

            authorizer_context: dict[str, Any] = {}
            if "authorizer" in by_name:
                invocations = [
                    {"name": name, "event": scenario.with_token(event, fixture.admin_token)}
                    for name, event in sample_events(events, "authorizer").items()
                ]
                result = cold_start("authorizer", invocations)
                for outcome in result["invocations"]:
                    authorizer_context = _allowed(outcome)
            admin_id = str(authorizer_context.get("user_id", "1"))
            job_id = None
            if "api" in by_name:
                keys = scenario.upload_references(stack, fixture, admin_id)
                invocations = []
                for name, event in sample_events(events, "api").items():
                    caller = authorizer_context or event["requestContext"]["authorizer"]
                    event = scenario.as_caller(event, fixture.admin_token, caller)
                    if name == "api_create_generation.json":
                        event["body"] = scenario.create_generation_body(fixture, keys)
                        for headers in (event["headers"], event["multiValueHeaders"]):
                            key = str(uuid.uuid4())
                            headers["Idempotency-Key"] = (
                                key if headers is event["headers"] else [key]
                            )
                    invocations.append({"name": name, "event": event})
                result = cold_start("api", invocations)
                job_id = _check_api(result["invocations"])
            for name in by_name:
                if name not in {"authorizer", "api", "worker"}:
                    cold_start(name, [])
            if "worker" in by_name:
                if job_id is None:
                    raise ArtifactError("no API function to create the worker's job")
                event = scenario.receive_job_event(stack, fixture.jobs_queue_url)
                result = cold_start("worker", [{"name": "sqs job", "event": event}])
                _check_worker(result["invocations"][0])
                report.append(_check_output(stack, fixture, job_id))
        finally:
            stack_context.__exit__(None, None, None)
    return report


def _status(response: Any) -> str:
    if isinstance(response, Mapping) and "statusCode" in response:
        return str(response["statusCode"])
    if isinstance(response, Mapping) and "policyDocument" in response:
        return str(response["policyDocument"]["Statement"][0]["Effect"])
    if isinstance(response, Mapping) and "batchItemFailures" in response:
        failed = len(response["batchItemFailures"])
        return f"{failed} of the batch failed" if failed else "no failures"
    return "ok"


def _allowed(outcome: Mapping[str, Any]) -> dict[str, Any]:
    response = outcome.get("response") or {}
    effects = {s.get("Effect") for s in response.get("policyDocument", {}).get("Statement", [])}
    if effects != {"Allow"}:
        raise ArtifactError(
            f"authorizer: {outcome['name']} with the admin's token was not allowed: {response}"
        )
    return dict(response.get("context") or {})


def _check_api(outcomes: list[Mapping[str, Any]]) -> str:
    job_id = None
    for outcome in outcomes:
        response = outcome.get("response") or {}
        status = int(response.get("statusCode", 0))
        if not 200 <= status < 500:
            raise ArtifactError(f"api: {outcome['name']} answered {status}: {response}")
        body = json.loads(response.get("body") or "null")
        if outcome["name"] == "api_openapi.json" and status != 200:
            raise ArtifactError(f"api: the OpenAPI schema answered {status}")
        if outcome["name"] == "api_create_generation.json":
            if status != 202:
                raise ArtifactError(f"api: creating the job answered {status}: {body}")
            job_id = str(body["id"])
    if job_id is None:
        raise ArtifactError("api: events/api_create_generation.json is missing")
    return job_id


def _check_worker(outcome: Mapping[str, Any]) -> None:
    response = outcome.get("response") or {}
    if response.get("batchItemFailures"):
        raise ArtifactError(f"worker: the job's message failed: {response}")


def _check_output(stack: scenario.Stack, fixture: scenario.Fixture, job_id: str) -> str:
    from PIL import Image

    from identity_images.adapters.job_store import JobStore

    job = JobStore(stack.client("dynamodb"), fixture.jobs_table, 1).get(job_id)
    if job is None or job.status != "succeeded" or job.output is None:
        detail = job.model_dump(mode="json") if job else "no such job"
        raise ArtifactError(f"worker: job {job_id} did not succeed: {detail}")
    data = stack.client("s3").get_object(Bucket=fixture.bucket, Key=job.output.key)["Body"].read()
    with Image.open(io.BytesIO(data)) as image:
        size = image.size
    if size != (job.output.width, job.output.height):
        raise ArtifactError(f"worker: the stored image is {size}, the job says otherwise")
    return (
        f"job {job_id} succeeded on aarch64: {job.output.key} "
        f"({job.output.mime_type}, {size[0]}x{size[1]}, {len(data)} bytes) is in the bucket"
    )


# --- main ---------------------------------------------------------------------------------


def verify(cache: Path, events: Path, log: Callable[[str], None] = print) -> int:
    steps = Steps()
    with steps.step("aarch64 CPython 3.13 sysroot (Debian trixie, qemu-user)"):
        sysroot = ensure_sysroot(cache, log)
    with steps.step("synthesizing the CDK app with the built layers"):
        outdir = cache / "cdk.out"
        template, assets = synthesize(outdir)
        functions = functions_of(template, assets, outdir)
        for function in functions:
            check_target(function)
        log("   functions: " + ", ".join(f"{f.name} ({f.handler})" for f in functions))
    with steps.step("checking the layers' compiled files and wheel tags"):
        layers = {layer.logical_id: layer for f in functions for layer in f.layers}
        findings = [
            finding
            for layer in layers.values()
            for finding in binaries.check_layer(
                layer_name(layer.logical_id), layer.directory / "python"
            )
        ]
        if findings:
            raise ArtifactError("\n".join(map(str, findings)))
    with steps.step("checking the bytecode Lambda's Python will load"):
        codes = {function.code for function in functions}
        folders = [*sorted(codes), *(layer.directory / "python" for layer in layers.values())]
        stale = bytecode.stale_bytecode(sysroot, folders)
        if stale:
            listed = "\n".join(f"  {path}: {problem}" for path, problem in list(stale.items())[:20])
            raise ArtifactError(
                f"{len(stale)} sources would be compiled on every cold start "
                f"(is {RUNTIME_NAME} on this machine? see layers/bytecode.py):\n" + listed
            )
    with steps.step("laying the functions out as Lambda does"):
        runtime = ensure_runtime_packages(cache, log)
        compile_in(sysroot, runtime, "/var/runtime")  # the runtime's boto3 has its bytecode
        layouts = lay_out(functions, cache / "layout", runtime)
    report = run_scenario(functions, layouts, sysroot, cache, events, steps)
    print("\nverify-artifact: the artefact runs on aarch64 Python 3.13")
    for line in report:
        print(f"  {line}")
    print(f"  total {steps.total:.0f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=default_cache())
    parser.add_argument("--events", type=Path, default=ROOT / "events")
    args = parser.parse_args(argv)
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    from artifact_check.package import PackagingError
    from artifact_check.sysroot import SysrootError

    try:
        return verify(args.cache_dir.resolve(), args.events)
    except (ArtifactError, PackagingError, SysrootError, scenario.StackError) as exc:
        print(f"\nverify-artifact: FAILED\n{exc}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
