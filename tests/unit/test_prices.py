"""The table of the image models we know (`identity_images.prices`), and what follows
from it for a model that is in it and one that is not: the sizes on offer, the default
size, and the size check the API and the engine apply."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import ValidationError

from identity_images.errors import ErrorCode, PipelineError
from identity_images.generation_rules import check_image_size
from identity_images.prices import (
    ALL_IMAGE_SIZES,
    MODEL_PRICES,
    image_sizes_of,
    prices_of,
)
from identity_images.settings import ImageSize, Settings


def test_every_size_is_the_settings_literal() -> None:
    assert get_args(ImageSize) == ALL_IMAGE_SIZES


@pytest.mark.parametrize("model", sorted(MODEL_PRICES))
def test_each_model_prices_and_counts_the_sizes_it_makes(model: str) -> None:
    prices = MODEL_PRICES[model]
    assert prices.image_sizes, "a model makes some size"
    assert set(prices.output_image_usd) <= set(ALL_IMAGE_SIZES)
    assert set(prices.output_image_tokens) == set(prices.output_image_usd)
    assert all(usd > 0 for usd in prices.output_image_usd.values())
    assert prices.input_image_usd > 0
    assert prices.prompt_token_usd > 0
    assert prices.text_output_token_usd > 0


def test_the_default_model_is_priced_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_MODEL", raising=False)
    prices = prices_of(Settings().gemini_model)
    assert prices is not None
    assert prices.image_sizes == ("1K", "2K", "4K")
    assert dict(prices.output_image_usd) == {"1K": 0.134, "2K": 0.134, "4K": 0.24}
    assert prices.input_image_usd == 0.0011


@pytest.mark.parametrize("model", ["gemini-2.5-flash-image", "gemini-2.5-flash-image-preview"])
def test_flash_image_makes_1k_at_its_own_price(model: str) -> None:
    prices = prices_of(model)
    assert prices is not None
    assert prices.image_sizes == ("1K",)
    assert dict(prices.output_image_usd) == {"1K": 0.039}
    assert dict(prices.output_image_tokens) == {"1K": 1290}
    assert prices.prompt_token_usd == pytest.approx(0.30e-6)


def test_a_model_not_in_the_table_has_no_prices_and_every_size() -> None:
    assert prices_of("gemini-9-image") is None
    assert image_sizes_of("gemini-9-image") == ALL_IMAGE_SIZES


def test_the_size_check_names_the_model_and_its_sizes() -> None:
    check_image_size("gemini-2.5-flash-image", "1K")
    check_image_size("gemini-3-pro-image", "4K")
    check_image_size("gemini-9-image", "4K")  # not known: the model decides
    with pytest.raises(PipelineError) as caught:
        check_image_size("gemini-2.5-flash-image", "2K")
    assert caught.value.code is ErrorCode.IMAGE_SIZE_UNSUPPORTED
    assert caught.value.details == {
        "image_size": "2K",
        "model": "gemini-2.5-flash-image",
        "allowed": ["1K"],
    }


@pytest.mark.parametrize(
    ("model", "default"),
    [("gemini-3-pro-image", "4K"), ("gemini-2.5-flash-image", "1K"), ("gemini-9-image", "4K")],
)
def test_the_default_size_is_the_models_largest(
    monkeypatch: pytest.MonkeyPatch, model: str, default: str
) -> None:
    monkeypatch.delenv("DEFAULT_IMAGE_SIZE", raising=False)
    monkeypatch.setenv("GEMINI_MODEL", model)
    assert Settings().default_image_size == default


def test_a_default_size_the_model_does_not_make_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GEMINI_MODEL", "gemini-2.5-flash-image")
    monkeypatch.setenv("DEFAULT_IMAGE_SIZE", "4K")
    with pytest.raises(ValidationError, match=r"gemini-2\.5-flash-image makes no 4K image"):
        Settings()
    monkeypatch.setenv("DEFAULT_IMAGE_SIZE", "1K")
    assert Settings().default_image_size == "1K"
