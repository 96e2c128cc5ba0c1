import pytest
from pydantic import ValidationError

from identity_images.settings import Settings


def test_defaults_work_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_MODEL", raising=False)
    settings = Settings()
    assert settings.gemini_model == "gemini-3-pro-image"
    assert settings.default_aspect_ratio == "16:9"
    assert settings.default_image_size == "4K"
    assert settings.reference_max_long_side == 1536


def test_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_MODEL", "gemini-other")
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://a.example, https://b.example")
    settings = Settings()
    assert settings.gemini_model == "gemini-other"
    assert settings.allowed_origin_list == ["https://a.example", "https://b.example"]


def test_rejects_an_unknown_aspect_ratio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_ASPECT_RATIO", "7:3")
    with pytest.raises(ValidationError):
        Settings()
