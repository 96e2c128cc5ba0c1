"""Packaged imports: each handler imported from the artefact as Lambda lays it out, the
code and the layers shipped as sources only (what Lambda got before) and with their
bytecode (`layers/bytecode.py`).

Lambda's code folders are read-only, so a source-only artefact is compiled on every cold
start; this measures what that costs. The layers' pinned requirements are installed for
this machine's Python (pip, from PyPI; the same versions as the aarch64 layers), the
functions' code copied beside them, and both compiled by the build's own
`compile_tree` for the "with bytecode" layout. Each import runs in a fresh interpreter
that sees only that layout and the standard library (`-S`, no site-packages) and may not
write bytecode (`PYTHONDONTWRITEBYTECODE`, as on Lambda's read-only disk). boto3 comes
with the runtime on Lambda; here it is installed beside the layers, compiled in both
layouts.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import Figure, Report, seconds
from benchmarks.cold_start import HANDLERS, LAMBDA_LIKE_ENV, RUNTIME_PROVIDED
from layers import bytecode
from layers.build import FUNCTION_LAYERS, FUNCTIONS_DIR, pip_install, requirements_file

RUNS = 5
# Shipping bytecode must at least halve the packaged import of each function someone
# waits for (the reaper runs on a schedule).
TARGET_SPEEDUP = 2.0
WAITED_FOR = ("api", "authorizer", "trigger", "worker")

TIMED_IMPORT = (
    "import time\nstart = time.perf_counter()\nimport {module}\nprint(time.perf_counter() - start)"
)


def _pip_install(target: Path, *arguments: str) -> None:
    """The layers' way (`layers.build.pip_install`), for this machine's platform."""
    done = subprocess.run(  # noqa: S603 - this interpreter's pip, our arguments
        pip_install(target, *arguments), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"pip could not install {arguments}:\n{done.stderr[-3000:]}")


def lay_out(folder: Path) -> dict[str, Path]:
    """Source-only folders: `task` (the code), one per layer, `runtime` (boto3)."""
    folders = {"task": folder / "task", "runtime": folder / "runtime"}
    bytecode.copy_sources(FUNCTIONS_DIR, folders["task"])
    for layer in sorted({name for layers in FUNCTION_LAYERS.values() for name in layers}):
        folders[layer] = folder / layer
        _pip_install(folders[layer], "-r", str(requirements_file(layer)))
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in RUNTIME_PROVIDED]
    _pip_install(folders["runtime"], *pins)  # what Lambda's runtime ships beside boto3 too
    bytecode.compile_tree(folders["runtime"], "/var/runtime", Path(sys.executable))
    return folders


def compiled_copy(folders: dict[str, Path], into: Path) -> dict[str, Path]:
    """The same folders in `into`, the code and the layers compiled as the build does."""
    copies = {}
    for name, folder in folders.items():
        copies[name] = into / name
        shutil.copytree(folder, copies[name])
        if name != "runtime":  # compiled in both layouts, as the runtime ships it
            deployed_at = bytecode.TASK_ROOT if name == "task" else bytecode.LAYER_ROOT
            bytecode.compile_tree(copies[name], deployed_at, Path(sys.executable))
    return copies


def timed_import(function: str, folders: dict[str, Path]) -> float:
    path = [folders["task"], *(folders[n] for n in FUNCTION_LAYERS[function]), folders["runtime"]]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
        **LAMBDA_LIKE_ENV,
        "PYTHONPATH": os.pathsep.join(map(str, path)),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, our probe
        [sys.executable, "-S", "-s", "-c", TIMED_IMPORT.format(module=HANDLERS[function])],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"importing {function} from the layout failed:\n{done.stderr}")
    return float(done.stdout.split()[-1])


def run() -> Report:
    with tempfile.TemporaryDirectory(prefix="bench-bytecode-") as tmp:
        sources = lay_out(Path(tmp) / "sources")
        compiled = compiled_copy(sources, Path(tmp) / "compiled")
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(RUNS):  # round robin: the machine's load touches both alike
            for function in HANDLERS:
                for layout, folders in (("sources", sources), ("compiled", compiled)):
                    times.setdefault((function, layout), []).append(timed_import(function, folders))
    median = {key: statistics.median(values) for key, values in times.items()}
    figures = []
    for function in HANDLERS:
        before, after = median[(function, "sources")], median[(function, "compiled")]
        speedup = before / after
        figures.append(
            Figure(
                f"import {function} from the artefact",
                f"{seconds(before)} (sources only)",
                f"{seconds(after)} (with bytecode)",
                f"{speedup:.1f}x faster; {seconds(before - after)} less per cold start",
                f">= {TARGET_SPEEDUP:.1f}x" if function in WAITED_FOR else "",
                speedup >= TARGET_SPEEDUP if function in WAITED_FOR else None,
            )
        )
    return Report(
        "bytecode",
        "Cold start: importing from the artefact, sources only against with bytecode",
        tuple(figures),
        (
            f"Median of {RUNS} fresh Python {sys.version.split()[0]} interpreters per "
            "layout and handler, taken in turn; each sees only the code folder, its "
            "function's layers and boto3 (no site-packages) and writes no bytecode, as on "
            "Lambda's read-only disk. Tracing off; the layers' pins from PyPI for this "
            "machine. Lambda runs Python 3.13: its bytecode is compiled by a 3.13 at build "
            "time (`layers/bytecode.py`); this run compiles with its own Python.",
        ),
    )


if __name__ == "__main__":
    print(run().markdown())
