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


def test_cost_is_the_output_image_plus_each_input_image() -> None:
    one_k = estimate_cost_usd(image_size="1K", input_images=0, prompt_tokens=0, output_tokens=0)
    four_k = estimate_cost_usd(image_size="4K", input_images=0, prompt_tokens=0, output_tokens=0)
    with_refs = estimate_cost_usd(
        image_size="4K", input_images=5, prompt_tokens=5 * 560, output_tokens=2000
    )
    assert one_k == pytest.approx(0.134)
    assert estimate_cost_usd(
        image_size="2K", input_images=0, prompt_tokens=0, output_tokens=0
    ) == pytest.approx(one_k)
    assert four_k == pytest.approx(0.24)
    # The images' own tokens are not charged again as text.
    assert with_refs == pytest.approx(0.24 + 5 * 0.0011)


def test_cost_counts_text_and_thinking_tokens() -> None:
    base = estimate_cost_usd(image_size="1K", input_images=1, prompt_tokens=560, output_tokens=1120)
    more = estimate_cost_usd(
        image_size="1K", input_images=1, prompt_tokens=560 + 1000, output_tokens=1120 + 1000
    )
    assert more == pytest.approx(base + 1000 * 2e-6 + 1000 * 12e-6)


def test_cost_rejects_an_unknown_size() -> None:
    with pytest.raises(ValueError, match="8K"):
        estimate_cost_usd(image_size="8K", input_images=0, prompt_tokens=0, output_tokens=0)


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
