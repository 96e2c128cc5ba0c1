"""The functions' code asset: `functions/` as sources plus their bytecode.

Lambda cannot write a bytecode cache next to the code (`/var/task` is read-only), so a
source-only asset is compiled again by every cold start. The asset is bundled locally
(no Docker): the sources are copied and compiled by the runtime's Python
(`layers/bytecode.py`, as the layers are). Its hash is the sources' and whether they come
with bytecode: a synth on a machine without a Python 3.13 and one with it name different
assets, so a deploy never takes a source-only upload for the compiled one.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from layers import bytecode


def _sources(root: Path) -> Iterator[Path]:
    """The files `bytecode.copy_sources` ships: none under a name only a checkout has."""
    ignored = shutil.ignore_patterns(*bytecode.CHECKOUT_ONLY)
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and not ignored(str(path.parent), list(parts)):
            yield path


def source_hash(root: Path, *, compiled: bool) -> str:
    """SHA-256 over every shipped file's relative path and bytes, the runtime, and
    whether the asset holds bytecode."""
    digest = hashlib.sha256(f"{bytecode.RUNTIME_NAME} compiled={compiled}".encode())
    for path in _sources(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@jsii.implements(ILocalBundling)
class CompiledCode:
    """Copies the sources into the asset's folder and compiles them for the runtime."""

    def __init__(self, root: Path, python: Path | None) -> None:
        self.root = root
        self.python = python  # the runtime's version; None: sources only

    def try_bundle(self, output_dir: str, *_options: Any, **_keywords: Any) -> bool:
        # jsii passes the bundling options as one positional struct, where the typed
        # interface says keywords; neither is needed here.
        bytecode.copy_sources(self.root, Path(output_dir))
        if self.python is not None:
            bytecode.compile_tree(Path(output_dir), bytecode.TASK_ROOT, self.python)
        return True


def compiled_code(root: Path) -> lambda_.Code:
    """`root`'s Python package(s) with bytecode, as a Lambda code asset."""
    python = bytecode.runtime_python()
    if python is None:
        print(bytecode.no_runtime_python_warning("the functions' code"), file=sys.stderr)
    return lambda_.Code.from_asset(
        str(root),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=source_hash(root, compiled=python is not None),
        bundling=BundlingOptions(
            # Never pulled: local bundling always succeeds (Docker is not needed).
            image=DockerImage.from_registry("public.ecr.aws/sam/build-python3.13"),
            local=CompiledCode(root, python),
        ),
    )
