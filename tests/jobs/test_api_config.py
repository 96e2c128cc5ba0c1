"""`GET /v1/config` (in the users router, `handlers/routes/users.py`): what the Images tab
must know before it sends anything, and that the limits it announces are the ones the API
enforces. REST proxy events through `handlers.api.handler`."""

from __future__ import annotations

import pytest

from identity_images.settings import get_settings
from local_stack.aws_resources import Resources
from tests.jobs.helpers import REF, generation_body
from tests.support.aws_state import put_reference
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")


def test_config_is_the_settings_the_api_validates_with(
    monkeypatch: pytest.MonkeyPatch, resources: Resources
) -> None:
    monkeypatch.setenv("VARIANTS_MAX", "3")
    monkeypatch.setenv("UPLOAD_MAX_FILES", "4")
    monkeypatch.setenv("PROMPT_MAX_CHARS", "500")
    get_settings.cache_clear()
    status, config, _ = call_api("GET", "/v1/config")
    assert status == 200
    assert config["max_variants"] == 3
    assert config["max_reference_files"] == 4
    assert config["prompt_max_chars"] == 500
    assert config["reference_max_bytes"] == 15 * 1024 * 1024
    assert (config["default_aspect_ratio"], config["default_image_size"]) == ("16:9", "4K")
    assert "16:9" in config["aspect_ratios"]
    assert config["image_sizes"] == ["1K", "2K", "4K"]
    assert config["model"] == "gemini-3-pro-image"
    types = {t["mime_type"]: t["extensions"] for t in config["accepted_types"]}
    assert types["image/heic"] == [".heic"]
    assert types["image/heif"] == [".heif"]
    assert types["image/jpeg"] == [".jpg", ".jpeg"]
    prices = {p["image_size"]: p["estimated_usd"] for p in config["prices"]}
    assert prices == {"1K": 0.134, "2K": 0.134, "4K": 0.24}

    # The limits it announces are the ones enforced.
    put_reference(REF)
    status, body, _ = call_api(
        "POST", "/v1/generation-batches", body=generation_body(count=4, prompt="x" * 10)
    )
    assert (status, body["error"]["details"]["field"]) == (422, "count")
    status, body, _ = call_api("POST", "/v1/generations", body=generation_body(prompt="x" * 501))
    assert (status, body["error"]["details"]["field"]) == (422, "prompt")


def test_config_follows_the_model_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gemini 2.5 Flash Image makes 1K only, at its own price: the tab offers and
    estimates that, not Gemini 3 Pro Image's sizes and prices."""
    monkeypatch.setenv("GEMINI_MODEL", "gemini-2.5-flash-image")
    get_settings.cache_clear()
    status, config, _ = call_api("GET", "/v1/config")
    assert status == 200
    assert config["model"] == "gemini-2.5-flash-image"
    assert (config["image_sizes"], config["default_image_size"]) == (["1K"], "1K")
    assert config["prices"] == [{"image_size": "1K", "estimated_usd": 0.039}]
    assert config["input_image_usd"] == 0.0003


def test_config_of_a_model_without_known_prices_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """No confident wrong number: null prices (the tab shows no estimate), and every size
    on offer, the model itself refusing one it does not make."""
    monkeypatch.setenv("GEMINI_MODEL", "gemini-9-image")
    get_settings.cache_clear()
    status, config, _ = call_api("GET", "/v1/config")
    assert status == 200
    assert config["model"] == "gemini-9-image"
    assert (config["prices"], config["input_image_usd"]) == (None, None)
    assert (config["image_sizes"], config["default_image_size"]) == (["1K", "2K", "4K"], "4K")
