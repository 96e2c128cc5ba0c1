"""Fixtures for the CLI tests: an environment pointing at the local Gemini server."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from local_stack.gemini_server import LocalGeminiServer

_GEMINI_ENV = (
    "GEMINI_API_KEY",
    "GEMINI_API_KEY_SECRET_ARN",
    "GEMINI_BASE_URL",
    "GEMINI_USE_VERTEX",
    "GEMINI_MODEL",
    "GOOGLE_API_KEY",
    "DEFAULT_ASPECT_RATIO",
    "DEFAULT_IMAGE_SIZE",
)


@pytest.fixture
def no_gemini_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _GEMINI_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def gemini_server(
    gemini_server: LocalGeminiServer, monkeypatch: pytest.MonkeyPatch, no_gemini_env: None
) -> LocalGeminiServer:
    """The per-test local Gemini server of `tests/conftest.py`, and an environment that
    points the CLI at it with fast retries."""
    monkeypatch.setenv("GEMINI_BASE_URL", gemini_server.url)
    monkeypatch.setenv("GEMINI_RETRY_ATTEMPTS", "2")
    monkeypatch.setenv("GEMINI_RETRY_INITIAL_DELAY_S", "0.01")
    monkeypatch.setenv("GEMINI_RETRY_MAX_DELAY_S", "0.05")
    return gemini_server


@pytest.fixture
def ref_paths(tmp_path: Path) -> list[Path]:
    """A large JPEG phone-like photo and a PNG."""
    jpeg = tmp_path / "face.jpg"
    Image.new("RGB", (3000, 4000), (200, 120, 90)).save(jpeg, format="JPEG", quality=95)
    png = tmp_path / "side.png"
    Image.new("RGB", (800, 600), (40, 90, 200)).save(png, format="PNG")
    return [jpeg, png]


class TtyStringIO(io.StringIO):
    """A stderr that says it is a terminal, so the CLI shows progress."""

    def isatty(self) -> bool:
        return True
