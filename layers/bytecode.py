"""Bytecode for Lambda: compile the layers and the code with the runtime's Python.

Lambda's code folders are read-only (`/opt` for layers, `/var/task` for the code), so
Python can never keep a bytecode cache there: a package shipped as source only is
compiled again by every cold start, before it runs. For this project's handlers that
made their imports 2.3-2.6x slower (`make bench`, bytecode). So the layers and the
code ship their bytecode, compiled by a CPython of the runtime's version (bytecode is
the same on every platform, but not across minor versions):

- `unchecked-hash` pycs: the loader takes them without looking at the source (no
  `stat` per module), and they hold no timestamps, so a rebuild of the same sources is
  byte-for-byte the same;
- compiled as if the files were where Lambda puts them (`/opt/python`, `/var/task`), so
  tracebacks name the real paths.

The interpreter: `LAMBDA_PYTHON` when set, else `python3.13` on the PATH, else a pyenv
3.13. Without one, the build warns and ships source only (it still runs; it starts
slower).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

RUNTIME_VERSION = (3, 13)  # Lambda's python3.13 runtime; the layers' wheels are for it too
RUNTIME_DOTTED = ".".join(map(str, RUNTIME_VERSION))
RUNTIME_NAME = f"python{RUNTIME_DOTTED}"
LAYER_ROOT = "/opt/python"  # where Lambda puts a layer's python/ folder
TASK_ROOT = "/var/task"  # where Lambda puts the function's code


#: Never shipped: the caches and packaging metadata of a development checkout.
CHECKOUT_ONLY = ("__pycache__", ".mypy_cache", "*.pyc", "*.egg-info")


class BytecodeError(RuntimeError):
    """The runtime's Python could not compile a tree."""


def _version(python: Path) -> tuple[int, int] | None:
    try:
        done = subprocess.run(  # noqa: S603 - an interpreter we were pointed at
            [str(python), "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except OSError:
        return None
    major, _, minor = done.stdout.strip().partition(" ")
    return (int(major), int(minor)) if done.returncode == 0 and minor.isdigit() else None


def _pyenv_candidates() -> list[Path]:
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    pattern = f"{RUNTIME_DOTTED}.*/bin/{RUNTIME_NAME}"
    return sorted(root.glob(f"versions/{pattern}"), reverse=True)


def runtime_python() -> Path | None:
    """A CPython of the Lambda runtime's version, or None when this machine has none."""
    named = os.environ.get("LAMBDA_PYTHON")
    if named:
        if _version(Path(named)) != RUNTIME_VERSION:
            raise BytecodeError(f"LAMBDA_PYTHON={named} is not a working {RUNTIME_NAME}")
        return Path(named)
    on_path = shutil.which(RUNTIME_NAME)
    for candidate in [*([Path(on_path)] if on_path else []), *_pyenv_candidates()]:
        if _version(candidate) == RUNTIME_VERSION:
            return candidate
    return None


def copy_sources(source: Path, target: Path) -> None:
    """`source`'s files into `target`, without what only a checkout has."""
    shutil.copytree(
        source, target, ignore=shutil.ignore_patterns(*CHECKOUT_ONLY), dirs_exist_ok=True
    )


def compile_tree(tree: Path, deployed_at: str, python: Path) -> None:
    """Write `unchecked-hash` bytecode next to every source under `tree`, compiled as if
    `tree` were at `deployed_at` (what tracebacks show)."""
    done = subprocess.run(  # noqa: S603 - the runtime's interpreter, our arguments
        [
            str(python),
            "-m",
            "compileall",
            "-q",
            "-j0",
            "--invalidation-mode",
            "unchecked-hash",
            "-s",
            str(tree),
            "-p",
            deployed_at,
            str(tree),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BytecodeError(f"{python} could not compile {tree}:\n{done.stdout}{done.stderr}")


def no_runtime_python_warning(what: str) -> str:
    return (
        f"warning: no {RUNTIME_NAME} here (set LAMBDA_PYTHON): {what} ships without "
        "bytecode, so each cold start compiles it (imports 2-2.6x slower)"
    )
