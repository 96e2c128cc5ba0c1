"""The API Lambda's cold start stays small: no google-genai, no Pillow, and none of the
API's pydantic models built at import (they defer it to their first use)."""

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


BUILT = """
import json, sys
from identity_images.handlers import api
from identity_images.models.api import ApiModel

def built():
    pending, seen = list(ApiModel.__subclasses__()), {}
    while pending:
        model = pending.pop()
        seen[model.__name__] = model.__pydantic_complete__
        pending.extend(model.__subclasses__())
    return seen

at_import = built()
if sys.argv[1] == "openapi":
    api.openapi_json()
print(json.dumps({"at_import": at_import, "after": built()}))
"""


def _built(step: str) -> dict[str, dict[str, bool]]:
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", BUILT, step],
        capture_output=True,
        text=True,
        check=True,
        env={"POWERTOOLS_TRACE_DISABLED": "1", "PATH": ""},
    )
    found: dict[str, dict[str, bool]] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_the_api_handler_builds_none_of_its_models_at_import() -> None:
    at_import = _built("import")["at_import"]
    assert len(at_import) > 15
    assert sorted(name for name, built in at_import.items() if built) == []


def test_the_openapi_schema_builds_them_all() -> None:
    """The same probe sees them built once the schema was generated (the check can fail)."""
    after = _built("openapi")["after"]
    assert sorted(name for name, built in after.items() if not built) == []
