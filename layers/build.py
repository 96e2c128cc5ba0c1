"""Build the Lambda layers for the Lambda platform with pip; no Docker.

    python -m layers.build            # every layer
    python -m layers.build imaging    # one layer

Each `layers/<name>/requirements.txt` is installed with binary wheels only for
CPython 3.13 on manylinux aarch64 into `layers/build/<name>/python` (the path Lambda puts
on `sys.path`), tests and pip's bytecode caches are stripped, the layer is compiled by the
runtime's Python (`layers/bytecode.py`: Lambda cannot cache bytecode itself), and
`layers/build/<name>.sha256` records which requirements the build came from (the CDK app
refuses a stale build).
Prints each layer's unzipped size and each function's total (its layers plus the code)
and fails if a function is over Lambda's 250 MB unzipped limit.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from layers import bytecode

LAYERS_DIR = Path(__file__).resolve().parent
ROOT = LAYERS_DIR.parent
BUILD_DIR = LAYERS_DIR / "build"
FUNCTIONS_DIR = ROOT / "functions"

LAYERS = ("base", "imaging")
# Which layers each function gets (infra/ attaches the same ones).
FUNCTION_LAYERS: Mapping[str, Sequence[str]] = {
    "api": ("base",),
    "authorizer": ("base",),
    "trigger": ("base",),
    "reaper": ("base",),
    "worker": ("base", "imaging"),
}
PLATFORM_ARGS = (
    "--platform",
    "manylinux2014_aarch64",
    "--platform",
    "manylinux_2_28_aarch64",
    "--implementation",
    "cp",
    "--python-version",
    bytecode.RUNTIME_DOTTED,
    "--only-binary=:all:",
)
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
STRIP_DIRS = frozenset({"__pycache__", "tests"})
STRIP_SUFFIXES = (".pyc", ".pyo")


class LayerBuildError(RuntimeError):
    """pip failed, or a function would be over Lambda's size limit."""


@dataclass(frozen=True)
class FunctionSize:
    name: str
    layers: tuple[str, ...]
    size: int

    @property
    def fits(self) -> bool:
        return self.size <= LAMBDA_UNZIPPED_LIMIT


def requirements_file(name: str) -> Path:
    return LAYERS_DIR / name / "requirements.txt"


def digest(name: str) -> str:
    return hashlib.sha256(requirements_file(name).read_bytes()).hexdigest()


def pip_install(target: Path, *arguments: str) -> list[str]:
    """pip installing exactly what `arguments` name into `target`: no dependencies (each
    list is fully pinned), no bytecode (it is compiled for the runtime afterwards)."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--no-deps",
        "--target",
        str(target),
        *arguments,
    ]


def pip_command(name: str, target: Path) -> list[str]:
    """pip for the Lambda platform."""
    return pip_install(target, *PLATFORM_ARGS, "-r", str(requirements_file(name)))


def strip(site: Path) -> int:
    """Remove what Lambda never runs: bytecode caches, packages' test suites, scripts.

    Only `tests` folders inside a package are removed, never a top-level package.
    Returns the bytes removed.
    """
    removed = 0
    for path in sorted(site.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if not path.exists():
            continue
        nested = len(path.relative_to(site).parts) > 1
        if path.is_dir() and path.name in STRIP_DIRS and (nested or path.name != "tests"):
            removed += tree_size(path)
            shutil.rmtree(path)
        elif path.is_file() and path.suffix in STRIP_SUFFIXES:
            removed += path.stat().st_size
            path.unlink()
    scripts = site / "bin"
    if scripts.is_dir():
        removed += tree_size(scripts)
        shutil.rmtree(scripts)
    return removed


def tree_size(path: Path, exclude_dirs: Iterable[str] = ()) -> int:
    """Bytes of every file under `path` (what Lambda counts: unzipped size)."""
    skip = set(exclude_dirs)
    total = 0
    for file in path.rglob("*"):
        if skip.intersection(file.relative_to(path).parts):
            continue
        if file.is_file() and not file.is_symlink():
            total += file.stat().st_size
    return total


def build_layer(name: str, python: Path | None) -> int:
    """Install the layer afresh, compiled by `python` (the runtime's version; None: sources
    only); returns its unzipped size in bytes."""
    directory = BUILD_DIR / name
    stamp = BUILD_DIR / f"{name}.sha256"
    stamp.unlink(missing_ok=True)
    if directory.exists():
        shutil.rmtree(directory)
    site = directory / "python"
    site.mkdir(parents=True)
    result = subprocess.run(pip_command(name, site), check=False)  # noqa: S603
    if result.returncode != 0:
        raise LayerBuildError(f"pip could not install layers/{name}/requirements.txt")
    strip(site)
    if python is not None:
        bytecode.compile_tree(site, bytecode.LAYER_ROOT, python)
    stamp.write_text(digest(name) + "\n")
    return tree_size(directory)


def shipped_code_size(python: Path | None) -> int:
    """The code asset's unzipped size: `functions/` as `infra/compiled_code.py` ships it
    (its sources, and their bytecode when `python` compiles it)."""
    with tempfile.TemporaryDirectory(prefix="code-size-") as tmp:
        asset = Path(tmp) / "code"
        bytecode.copy_sources(FUNCTIONS_DIR, asset)
        if python is not None:
            bytecode.compile_tree(asset, bytecode.TASK_ROOT, python)
        return tree_size(asset)


def function_sizes(layer_sizes: Mapping[str, int], code_size: int) -> list[FunctionSize]:
    return [
        FunctionSize(name, tuple(layers), code_size + sum(layer_sizes[n] for n in layers))
        for name, layers in FUNCTION_LAYERS.items()
    ]


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):7.1f} MB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layers", nargs="*", metavar="LAYER", help=f"of {LAYERS}; default all")
    args = parser.parse_args(argv)
    wanted: list[str] = args.layers or list(LAYERS)
    unknown = sorted(set(wanted) - set(LAYERS))
    if unknown:
        parser.error(f"unknown layer(s) {unknown}; known: {list(LAYERS)}")
    python = bytecode.runtime_python()
    if python is None:
        print(bytecode.no_runtime_python_warning("every layer"), file=sys.stderr)
    for name in wanted:
        print(f"building layer {name} ...", flush=True)
        build_layer(name, python)
    sizes = {name: tree_size(BUILD_DIR / name) for name in LAYERS if (BUILD_DIR / name).is_dir()}
    code = shipped_code_size(python)
    print("\nlayer      unzipped")
    for name, size in sizes.items():
        print(f"{name:<10} {megabytes(size)}")
    print(f"{'code':<10} {megabytes(code)}  (functions/, as the code asset ships it)")
    print("\nfunction   unzipped   (code + layers; Lambda's limit is 250 MB)")
    too_big = []
    for function in function_sizes(sizes, code):
        if not set(function.layers) <= sizes.keys():
            continue
        flag = "ok" if function.fits else "OVER THE LIMIT"
        layers = "+".join(function.layers)
        print(f"{function.name:<10} {megabytes(function.size)}  {layers}  {flag}")
        if not function.fits:
            too_big.append(function.name)
    if too_big:
        print(f"error: over 250 MB unzipped: {', '.join(too_big)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
