"""The option table, the cost estimate and the prompt: small pure functions."""

from __future__ import annotations

import pytest

from identity_images.engine.options import (
    ASPECT_RATIOS,
    IMAGE_SIZES,
    output_dimensions,
    validate_options,
)
from identity_images.engine.pricing import estimate_cost_usd
from identity_images.engine.prompt import build_prompt
from identity_images.errors import ErrorCode, PipelineError


def test_the_options_are_the_settings_literals() -> None:
    assert ASPECT_RATIOS == (
        "1:1",
        "2:3",
        "3:2",
        "3:4",
        "4:3",
        "4:5",
        "5:4",
        "9:16",
        "16:9",
        "21:9",
    )
    assert IMAGE_SIZES == ("1K", "2K", "4K")


@pytest.mark.parametrize(
    ("aspect_ratio", "image_size", "expected"),
    [
        ("16:9", "4K", (5504, 3072)),
        ("16:9", "1K", (1376, 768)),
        ("1:1", "2K", (2048, 2048)),
        ("21:9", "1K", (1584, 672)),
        ("9:16", "4K", (3072, 5504)),
    ],
)
def test_output_dimensions_follow_the_models_table(
    aspect_ratio: str, image_size: str, expected: tuple[int, int]
) -> None:
    assert output_dimensions(aspect_ratio, image_size) == expected


@pytest.mark.parametrize("aspect_ratio", ASPECT_RATIOS)
def test_every_size_keeps_its_aspect_ratio(aspect_ratio: str) -> None:
    w_ratio, h_ratio = (int(x) for x in aspect_ratio.split(":"))
    for size in IMAGE_SIZES:
        width, height = output_dimensions(aspect_ratio, size)
        assert abs(width / height - w_ratio / h_ratio) / (w_ratio / h_ratio) < 0.03


@pytest.mark.parametrize(
    ("aspect_ratio", "image_size", "field"),
    [("16:10", "1K", "aspect_ratio"), ("", "1K", "aspect_ratio"), ("1:1", "3K", "image_size")],
)
def test_validate_options_names_the_bad_field(
    aspect_ratio: str, image_size: str, field: str
) -> None:
    with pytest.raises(PipelineError) as caught:
        validate_options(aspect_ratio, image_size)
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
    assert caught.value.details["field"] == field


PRO = "gemini-3-pro-image"
FLASH = "gemini-2.5-flash-image"


def cost(
    model: str = PRO,
    *,
    image_size: str = "1K",
    input_images: int = 0,
    prompt_tokens: int = 0,
    output_tokens: int = 0,
    with_image: bool = True,
) -> float:
    """The recorded cost of a call to a model whose prices are known."""
    usd = estimate_cost_usd(
        model=model,
        image_size=image_size,
        input_images=input_images,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        with_image=with_image,
    )
    assert usd is not None
    return usd


def test_cost_is_the_output_image_plus_each_input_image() -> None:
    with_refs = cost(image_size="4K", input_images=5, prompt_tokens=5 * 560, output_tokens=2000)
    assert cost(image_size="1K") == pytest.approx(0.134)
    assert cost(image_size="2K") == pytest.approx(0.134)
    assert cost(image_size="4K") == pytest.approx(0.24)
    # The images' own tokens are not charged again as text.
    assert with_refs == pytest.approx(0.24 + 5 * 0.0011)


def test_cost_counts_text_and_thinking_tokens() -> None:
    base = cost(input_images=1, prompt_tokens=560, output_tokens=1120)
    more = cost(input_images=1, prompt_tokens=560 + 1000, output_tokens=1120 + 1000)
    assert more == pytest.approx(base + 1000 * 2e-6 + 1000 * 12e-6)


def test_an_answer_without_an_image_costs_its_tokens_alone() -> None:
    """A refusal or a text-only answer is a 200, so billed: its prompt (images and text)
    and whatever text and thinking it answered, no output image."""
    refused = cost(
        image_size="4K",
        input_images=3,
        prompt_tokens=3 * 560 + 40,
        output_tokens=200,
        with_image=False,
    )
    assert refused == pytest.approx(3 * 0.0011 + 40 * 2e-6 + 200 * 12e-6)
    assert cost(FLASH, prompt_tokens=1000, with_image=False) == pytest.approx(1000 * 0.30e-6)


def test_the_preview_name_costs_what_the_model_costs() -> None:
    assert cost("gemini-3-pro-image-preview", image_size="4K") == cost(image_size="4K")


def test_flash_image_costs_its_own_prices() -> None:
    """Gemini 2.5 Flash Image: $0.039 an image (1,290 tokens at $30 per million), and
    its prompt, images included, at $0.30 per million."""
    assert cost(FLASH, output_tokens=1290) == pytest.approx(0.039)
    with_refs = cost(FLASH, input_images=2, prompt_tokens=2 * 1032 + 50, output_tokens=1290)
    assert with_refs == pytest.approx(0.039 + (2 * 1032 + 50) * 0.30e-6, abs=1e-6)
    # Text beyond the image, at the only output rate Google gives for the model.
    assert cost(FLASH, output_tokens=1290 + 100) == pytest.approx(0.039 + 100 * 30e-6)


def test_a_model_without_known_prices_has_no_cost() -> None:
    assert (
        estimate_cost_usd(
            model="gemini-9-image",
            image_size="1K",
            input_images=1,
            prompt_tokens=600,
            output_tokens=1120,
        )
        is None
    )


@pytest.mark.parametrize(("model", "image_size"), [(PRO, "8K"), (FLASH, "2K"), (FLASH, "4K")])
def test_cost_rejects_a_size_the_model_does_not_make(model: str, image_size: str) -> None:
    with pytest.raises(ValueError, match=image_size):
        cost(model, image_size=image_size)


def test_prompt_carries_the_identity_and_the_extra_prompt() -> None:
    prompt = build_prompt(
        identity_name="  Ada   Lovelace ",
        identity_description="Mathematician.\r\n\r\n\r\n\r\nWrites about engines.",
        extra_prompt="  Victorian study, warm light  ",
    )

    assert "Identity: Ada Lovelace" in prompt
    assert "About this identity:\nMathematician.\n\nWrites about engines." in prompt
    assert prompt.endswith("Additional direction from the admin:\nVictorian study, warm light")
    assert "reference photos" in prompt


def test_prompt_leaves_out_empty_sections() -> None:
    prompt = build_prompt(identity_name="Ada", identity_description="  ", extra_prompt="")

    assert "About this identity" not in prompt
    assert "Additional direction" not in prompt
    assert prompt.rstrip().endswith("Identity: Ada")
