"""The shipped bytecode, checked by the target interpreter: Lambda cannot write a
bytecode cache (its code folders are read-only), so every source in the code and the
layers must come with a pyc that Lambda's Python takes as it is: its magic number (the
interpreter's bytecode version) and `unchecked-hash` (no look at the source).

The check runs in the aarch64 interpreter, so the magic number and the cache file names
are its own, not the build machine's.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

from artifact_check.sysroot import Sysroot, interpreter_env

# Run by the target interpreter: every .py under the folders given, and what is wrong
# with its cached bytecode ("missing", "other version", "checks the source").
SCRIPT = """
import importlib.util, json, pathlib, sys
UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, check_source off
found = {}
for folder in sys.argv[1:]:
    for source in sorted(pathlib.Path(folder).rglob("*.py")):
        cached = pathlib.Path(importlib.util.cache_from_source(str(source)))
        if not cached.is_file():
            found[str(source)] = "missing"
            continue
        header = cached.read_bytes()[:8]
        if header[:4] != importlib.util.MAGIC_NUMBER:
            found[str(source)] = "compiled by another Python version"
        elif int.from_bytes(header[4:8], "little") != UNCHECKED_HASH:
            found[str(source)] = "not unchecked-hash (the loader would read the source)"
print(json.dumps(found))
"""


def stale_bytecode(sysroot: Sysroot, folders: Sequence[Path]) -> dict[str, str]:
    """Source file -> what is wrong with its bytecode, for every source under `folders`
    that Lambda's Python would have to compile again on each cold start."""
    done = subprocess.run(  # noqa: S603 - our interpreter and script
        sysroot.command("-c", SCRIPT, *map(str, folders)),
        env=interpreter_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    problems: dict[str, str] = json.loads(done.stdout)
    return problems
