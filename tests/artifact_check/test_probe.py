"""The probe (one cold start) reports a missing module by name and runs the handler on
each event; the host turns a failed import into a message naming what to fix.

It also lists the modules it had to compile (no usable bytecode).

The probe runs here with this interpreter; `make verify-artifact` runs it on aarch64."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import snapshot_restore_py  # type: ignore[import-untyped]

from artifact_check import probe
from artifact_check.__main__ import import_failure
from artifact_check.package import LambdaFunction, Layer, Layout
from layers import bytecode


def cold_start(
    tmp_path: Path,
    handler: str,
    invocations: list[dict[str, Any]],
    initialization_type: str = "on-demand",
) -> Any:
    request = {
        "function": "demo",
        "handler": handler,
        # The runtime's folder last, as on Lambda: here, its SnapStart hooks.
        "sys_path": [str(tmp_path / "task"), str(runtime_folder(tmp_path))],
        "timeout_s": 10,
        "memory_mb": 128,
        "initialization_type": initialization_type,
        "invocations": invocations,
    }
    (tmp_path / "request.json").write_text(json.dumps(request))
    subprocess.run(  # noqa: S603 - this interpreter and the probe
        [sys.executable, "-I", "-S", probe.__file__, "request.json", "result.json"],
        cwd=tmp_path,
        check=True,
    )
    return json.loads((tmp_path / "result.json").read_text())


def runtime_folder(tmp_path: Path) -> Path:
    """A copy of the runtime's `snapshot_restore_py` (`make verify-artifact` unpacks it
    with the runtime's boto3)."""
    folder = tmp_path / "runtime"
    folder.mkdir(exist_ok=True)
    shutil.copy(snapshot_restore_py.__file__, folder)
    return folder


def write_module(tmp_path: Path, name: str, source: str) -> None:
    (tmp_path / "task").mkdir(exist_ok=True)
    (tmp_path / "task" / f"{name}.py").write_text(source)


def test_the_handler_runs_on_each_event_with_a_lambda_context(tmp_path: Path) -> None:
    write_module(
        tmp_path,
        "fn",
        "def handler(event, context):\n"
        "    if event.get('boom'):\n"
        "        raise ValueError('bad event')\n"
        "    return {'echo': event, 'name': context.function_name,\n"
        "            'left': context.get_remaining_time_in_millis() > 0}\n",
    )
    result = cold_start(
        tmp_path,
        "fn.handler",
        [{"name": "ok", "event": {"a": 1}}, {"name": "x", "event": {"boom": 1}}],
    )
    assert "error" not in result
    ok, bad = result["invocations"]
    assert ok["response"] == {"echo": {"a": 1}, "name": "demo", "left": True}
    assert bad["error"]["type"] == "ValueError"
    assert bad["error"]["message"] == "bad event"
    assert result["loaded_from_elsewhere"] == []


SNAPSHOT_HOOKS = """
from snapshot_restore_py import register_after_restore, register_before_snapshot

seen = []

@register_before_snapshot
def close_connections():
    seen.append("closed")

@register_after_restore
def reseed():
    seen.append("reseeded")

def handler(event, context):
    return seen
"""


def test_under_snap_start_the_runtimes_hooks_run_between_the_init_and_the_first_event(
    tmp_path: Path,
) -> None:
    write_module(tmp_path, "fn", SNAPSHOT_HOOKS)
    result = cold_start(
        tmp_path, "fn.handler", [{"name": "first", "event": {}}], initialization_type="snap-start"
    )
    assert result["snapshot_hooks"] == [
        "before snapshot: close_connections",
        "after restore: reseed",
    ]
    assert result["invocations"][0]["response"] == ["closed", "reseeded"]


def test_on_demand_no_snapshot_is_taken(tmp_path: Path) -> None:
    write_module(tmp_path, "fn", SNAPSHOT_HOOKS)
    result = cold_start(tmp_path, "fn.handler", [{"name": "first", "event": {}}])
    assert "snapshot_hooks" not in result
    assert result["invocations"][0]["response"] == []


def test_a_hook_that_raises_stops_the_cold_start_before_any_event(tmp_path: Path) -> None:
    write_module(
        tmp_path,
        "fn",
        "from snapshot_restore_py import register_after_restore\n\n"
        "register_after_restore(lambda: 1 / 0)\n\n"
        "def handler(event, context):\n    return 1\n",
    )
    result = cold_start(
        tmp_path, "fn.handler", [{"name": "never", "event": {}}], initialization_type="snap-start"
    )
    assert (result["error"]["kind"], result["error"]["type"]) == ("restore", "ZeroDivisionError")
    assert result["invocations"] == []


def test_a_missing_module_is_named_with_where_it_was_imported(tmp_path: Path) -> None:
    write_module(tmp_path, "fn", "import helper\n\ndef handler(event, context):\n    return 1\n")
    write_module(tmp_path, "helper", "import not_in_any_layer\n")
    result = cold_start(tmp_path, "fn.handler", [{"name": "never", "event": {}}])
    error = result["error"]
    assert error["type"] == "ModuleNotFoundError"
    assert error["module"] == "not_in_any_layer"
    assert error["where"].endswith("helper.py:1")
    assert result["invocations"] == []


def test_the_host_message_names_the_module_and_the_layers(tmp_path: Path) -> None:
    function = LambdaFunction(
        logical_id="ApiFunction",
        handler="identity_images.handlers.api.handler",
        code=tmp_path,
        layers=(Layer("LayersBase1234", tmp_path / "base"),),
        runtime="python3.13",
        architectures=("arm64",),
        timeout_s=29,
        memory_mb=1024,
    )
    layout = Layout(task=tmp_path / "task", opt=tmp_path / "opt", runtime=tmp_path / "rt")
    message = import_failure(
        function,
        layout,
        {"type": "ModuleNotFoundError", "module": "PIL", "where": "/var/task/x.py:3"},
    )
    assert "api: `import identity_images.handlers.api` fails on aarch64 Python 3.13" in message
    assert "its layers (base)" in message
    assert "missing module 'PIL' (imported at /var/task/x.py:3)" in message


def test_a_library_that_does_not_load_is_traced_to_its_wheel(tmp_path: Path) -> None:
    site = tmp_path / "base" / "python"
    (site / "fastlib").mkdir(parents=True)
    (site / "fastlib" / "_core.so").write_bytes(b"x")
    (site / "fastlib-1.0.dist-info").mkdir()
    (site / "fastlib-1.0.dist-info" / "RECORD").write_text("fastlib/_core.so,,\n")
    function = LambdaFunction(
        logical_id="WorkerFunction",
        handler="identity_images.handlers.worker.handler",
        code=tmp_path,
        layers=(Layer("LayersBase1234", tmp_path / "base"),),
        runtime="python3.13",
        architectures=("arm64",),
        timeout_s=600,
        memory_mb=2048,
    )
    layout = Layout(task=tmp_path / "task", opt=tmp_path / "opt", runtime=tmp_path / "rt")
    loaded = layout.opt / "python" / "fastlib" / "_core.so"
    message = import_failure(
        function,
        layout,
        {"type": "ImportError", "message": f"{loaded}: cannot open shared object file"},
    )
    assert "layer base: wheel fastlib 1.0 cannot be loaded" in message


def test_a_module_without_usable_bytecode_is_reported_as_compiled(tmp_path: Path) -> None:
    write_module(tmp_path, "fn", "def handler(event, context):\n    return 1\n")
    result = cold_start(tmp_path, "fn.handler", [])
    assert result["compiled"] == [str(tmp_path / "task" / "fn.py")]


def test_shipped_bytecode_leaves_nothing_to_compile(tmp_path: Path) -> None:
    write_module(tmp_path, "fn", "def handler(event, context):\n    return 1\n")
    bytecode.compile_tree(tmp_path / "task", "/var/task", Path(sys.executable))
    result = cold_start(tmp_path, "fn.handler", [])
    assert result["compiled"] == []
