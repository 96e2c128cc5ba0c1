"""Where the app finds the code and the built layers (independent of the working dir)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = ROOT / "functions"
HOST_LIFECYCLE_DIR = ROOT / "infra" / "host_lifecycle"
