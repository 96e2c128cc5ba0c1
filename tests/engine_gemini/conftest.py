"""Fixtures for the Gemini adapter tests: settings that point the real SDK at the
per-test local Gemini-compatible server (`gemini_server`, from `tests/conftest.py`) with
fast retries, and prepared references."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from identity_images.engine.gemini import GeminiImageProvider
from identity_images.engine.references import PreparedReference, ReferenceRules, prepare_reference
from identity_images.settings import Settings
from local_stack.gemini_server import LocalGeminiServer

SettingsFactory = Callable[..., Settings]
ProviderFactory = Callable[..., GeminiImageProvider]


@pytest.fixture
def make_settings(gemini_server: LocalGeminiServer) -> SettingsFactory:
    """Settings aimed at the local server; keyword arguments override any field."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "gemini_api_key": None,
            "gemini_api_key_secret_arn": None,
            "gemini_use_vertex": False,
            "gemini_base_url": gemini_server.url,
            "gemini_timeout_s": 20.0,
            "gemini_retry_attempts": 3,
            "gemini_retry_initial_delay_s": 0.01,
            "gemini_retry_max_delay_s": 0.05,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def make_provider(make_settings: SettingsFactory) -> ProviderFactory:
    def make(**overrides: Any) -> GeminiImageProvider:
        return GeminiImageProvider.from_settings(make_settings(**overrides))

    return make


def jpeg_bytes(color: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG", quality=90)
    return out.getvalue()


REFERENCE_COLORS: tuple[tuple[int, int, int], ...] = ((220, 40, 40), (40, 60, 220))


@pytest.fixture
def references() -> list[PreparedReference]:
    """Two prepared references: a red photo and a blue one."""
    return [
        prepare_reference(jpeg_bytes(color), name=f"ref{i}.jpg", rules=ReferenceRules())
        for i, color in enumerate(REFERENCE_COLORS)
    ]
