"""Runs INSIDE the emulated aarch64 interpreter: one cold start of one function.

    python3.13 -I probe.py REQUEST.json RESULT.json

REQUEST: {"function", "handler", "sys_path", "timeout_s", "memory_mb",
          "initialization_type", "invocations": [{"name", "event"}]}.
`sys.path` becomes the request's (the function's code, its layers, the runtime's boto3)
followed by the standard library only, as on Lambda; the handler's module is imported
(timed); under SnapStart (`snap-start`) the runtime's snapshot hooks run then, as at a
deploy and a restore; then the handler is called once per invocation with a Lambda-like
context. RESULT says what happened, including which module was missing if the import
failed. Standard library only: nothing else is importable before `sys.path` is set.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import platform
import sys
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

ACCOUNT_ID = "123456789012"


class Context:
    """The attributes and method of the Lambda context object the handlers use."""

    def __init__(self, function: str, *, timeout_s: float, memory_mb: int, region: str) -> None:
        self.function_name = function
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function}"
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function}"
        self.log_stream_name = f"artifact-check/{self.aws_request_id}"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def lambda_sys_path(entries: list[str]) -> list[str]:
    """The request's entries, then the interpreter's standard library (no site-packages)."""
    stdlib = [
        p
        for p in sys.path
        if p.startswith(sys.base_prefix) and "site-packages" not in p and "dist-packages" not in p
    ]
    return [*entries, *stdlib]


def failure(kind: str, exc: BaseException) -> dict[str, Any]:
    frames = traceback.extract_tb(exc.__traceback__)
    where = next(
        (f"{f.filename}:{f.lineno}" for f in reversed(frames) if "probe.py" not in f.filename),
        None,
    )
    return {
        "kind": kind,
        "type": type(exc).__name__,
        "message": str(exc),
        "module": getattr(exc, "name", None) if isinstance(exc, ImportError) else None,
        "path": getattr(exc, "path", None) if isinstance(exc, ImportError) else None,
        "where": where,
        "traceback": "".join(traceback.format_exception(exc))[-4000:],
    }


def record_compilations() -> list[str]:
    """The source paths the import system compiles from now on: the modules that came
    with no bytecode it could use (Lambda would compile them on every cold start)."""
    compiled: list[str] = []
    loader = importlib.machinery.SourceFileLoader
    compile_source = loader.source_to_code

    def source_to_code(self: Any, data: Any, path: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(path))
        return compile_source(self, data, path, *args, **kwargs)

    loader.source_to_code = source_to_code  # type: ignore[method-assign]
    return compiled


def snapshot_and_restore() -> list[str]:
    """What Lambda's runtime does after the init of a version published with SnapStart:
    the before-snapshot hooks, latest first (then the snapshot is taken), and, in an
    environment resumed from it, the after-restore hooks in order. The names of the hooks
    that ran, each marked with when."""
    hooks: Any = importlib.import_module("snapshot_restore_py")
    ran = []
    before = hooks.get_before_snapshot()
    while before:
        func, args, kwargs = before.pop()
        func(*args, **kwargs)
        ran.append(f"before snapshot: {func.__qualname__}")
    for func, args, kwargs in hooks.get_after_restore():
        func(*args, **kwargs)
        ran.append(f"after restore: {func.__qualname__}")
    return ran


def run(request: dict[str, Any]) -> dict[str, Any]:
    sys.path[:] = lambda_sys_path(list(request["sys_path"]))
    compiled = record_compilations()
    result: dict[str, Any] = {
        "function": request["function"],
        "machine": platform.machine(),
        "python": platform.python_version(),
        "invocations": [],
    }
    module_name, _, attr = str(request["handler"]).rpartition(".")
    started = time.monotonic()
    try:
        handler = getattr(importlib.import_module(module_name), attr)
    except Exception as exc:
        result["error"] = failure("import", exc)
        return result
    result["import_s"] = round(time.monotonic() - started, 2)
    if request["initialization_type"] == "snap-start":
        try:
            result["snapshot_hooks"] = snapshot_and_restore()
        except Exception as exc:
            result["error"] = failure("restore", exc)
            return result
    roots = [str(Path(p)) for p in request["sys_path"]]
    result["compiled"] = sorted({path for path in compiled if path.startswith(tuple(roots))})
    result["loaded_from_elsewhere"] = sorted(
        name
        for name, module in list(sys.modules.items())
        if "." not in name
        and getattr(module, "__file__", None)
        and Path(str(module.__file__)).resolve() != Path(__file__).resolve()  # this probe
        and not str(module.__file__).startswith(sys.base_prefix)
        and not any(str(module.__file__).startswith(root) for root in roots)
    )
    region = "us-east-1"
    for invocation in request["invocations"]:
        context = Context(
            request["function"],
            timeout_s=float(request["timeout_s"]),
            memory_mb=int(request["memory_mb"]),
            region=region,
        )
        started = time.monotonic()
        outcome: dict[str, Any] = {"name": invocation["name"]}
        try:
            outcome["response"] = handler(invocation["event"], context)
        except Exception as exc:
            outcome["error"] = failure("invoke", exc)
        outcome["seconds"] = round(time.monotonic() - started, 2)
        result["invocations"].append(outcome)
    return result


def main(argv: list[str]) -> int:
    request_path, result_path = Path(argv[1]), Path(argv[2])
    result = run(json.loads(request_path.read_text()))
    result_path.write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
