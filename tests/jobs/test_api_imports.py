"""The API Lambda's cold start stays small: no google-genai, no Pillow."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import identity_images.handlers.api
heavy = sorted(
    name for name in sys.modules
    if name == "PIL" or name.startswith(("PIL.", "google.genai", "pillow_heif"))
    or name.startswith("identity_images.engine.")
)
print(json.dumps(heavy))
"""


def test_the_api_handler_imports_neither_genai_nor_pillow() -> None:
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        env={"POWERTOOLS_TRACE_DISABLED": "1", "PATH": ""},
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == []


def test_the_probe_would_see_them() -> None:
    """The same probe on the worker handler does see them (the check can fail)."""
    probe = PROBE.replace("handlers.api", "handlers.worker")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"POWERTOOLS_TRACE_DISABLED": "1", "PATH": ""},
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "identity_images.engine.generation" in loaded
