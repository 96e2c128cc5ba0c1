"""The image models whose prices we know: what each output image and input image costs,
the text token rates, and the sizes each model makes. Plain values, so the API Lambda
can show them (`GET /v1/config`) and check a size without importing the engine; a job's
recorded cost is reckoned from them too (`engine.pricing`).

`GEMINI_MODEL` names the model. One not in this table has no known price: `/v1/config`
says so (its prices are null, and the tab shows no estimate), a job records no cost, and
every size stays on offer (the model itself refuses one it does not make).

The tab's estimate before a click is the output image and each input image only. It
leaves out the prompt's text and the model's thinking (billed as output text), whose
counts only the answer tells; a job's recorded cost counts both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

#: An image size the API knows (`settings.ImageSize` is this one: settings reads this module).
ImageSize = Literal["1K", "2K", "4K"]

#: Every size the API knows, smallest first.
ALL_IMAGE_SIZES: tuple[ImageSize, ...] = get_args(ImageSize)

_PER_MILLION = 1 / 1_000_000


@dataclass(frozen=True)
class ModelPrices:
    """One model's list prices in US dollars, and the sizes it makes."""

    #: One output image, by size; its keys are the sizes the model makes.
    output_image_usd: Mapping[str, float]
    #: Tokens one output image counts as in the answer's `candidatesTokenCount`, by size.
    output_image_tokens: Mapping[str, int]
    #: Each input image (a reference, or a refine's image to edit), for the estimate.
    input_image_usd: float
    #: Tokens one input image counts as in `promptTokenCount`; None when the count varies
    #: with the image's pixels: then the images are billed as the prompt tokens they are.
    input_image_tokens: int | None
    #: The prompt's text (and, with `input_image_tokens` None, its images), per token.
    prompt_token_usd: float
    #: The answer's text and thinking, beyond its image, per token.
    text_output_token_usd: float

    @property
    def image_sizes(self) -> tuple[ImageSize, ...]:
        """The sizes the model makes, smallest first."""
        return tuple(size for size in ALL_IMAGE_SIZES if size in self.output_image_usd)


# Gemini 3 Pro Image, the default model. Sources: Google's pricing page
# (https://ai.google.dev/gemini-api/docs/pricing) as quoted on
# https://www.aifreeapi.com/en/posts/gemini-3-pro-image-preview-pricing (checked March
# 2026): $0.134 per 1K or 2K image, $0.24 per 4K image, about $0.0011 per input image;
# text $2 in and $12 out per million tokens (https://modelpedia.dev/google/gemini-3-pro-image-preview).
# The token counts (an output image 1,120 at 1K and 2K, 2,000 at 4K; an input image 560)
# are the ones this table had before; not found again here, they agree with the prices
# (1,120 and 2,000 tokens at $120 per million are $0.134 and $0.24; 560 at $2, $0.0011).
GEMINI_3_PRO_IMAGE = ModelPrices(
    output_image_usd={"1K": 0.134, "2K": 0.134, "4K": 0.24},
    output_image_tokens={"1K": 1120, "2K": 1120, "4K": 2000},
    input_image_usd=0.0011,
    input_image_tokens=560,
    prompt_token_usd=2.0 * _PER_MILLION,
    text_output_token_usd=12.0 * _PER_MILLION,
)

# Gemini 2.5 Flash Image. Source: Google's pricing page
# (https://ai.google.dev/gemini-api/docs/pricing) as quoted in
# https://discuss.ai.google.dev/t/issue-with-url-context-tooling/101173: input (text and
# image) $0.30 per million tokens; output $0.039 per image up to 1024x1024 px, "image
# output is priced at $30 per 1,000,000 tokens, with 1290 tokens consumed per image".
# Sizes: 1K only (no 2K/4K `imageSize`) per third-party references
# (https://git.usul.su/usulpro/banatie-service/commit/ef47653296103cbec0a50d9bab9659d1ac42e017);
# Google's own page saying so was not found.
# Not found: its text output rate (the page gives only the image output rate), so the
# answer's text is charged at $30 per million too, an upper bound (a 100-token reply
# adds $0.003); and its count per input image, which grows with the image's pixels. The
# estimate's input image is Google's tiling rule for Gemini 2.0 (258 tokens per 768 px
# tile, https://geminibyexample.com/027-calculate-input-tokens/) for a reference at
# `REFERENCE_MAX_LONG_SIDE`'s default 1536 px: at most 4 tiles, 1,032 tokens, $0.0003.
GEMINI_2_5_FLASH_IMAGE = ModelPrices(
    output_image_usd={"1K": 0.039},
    output_image_tokens={"1K": 1290},
    input_image_usd=0.0003,
    input_image_tokens=None,
    prompt_token_usd=0.30 * _PER_MILLION,
    text_output_token_usd=30.0 * _PER_MILLION,
)

#: The models we know, by the names `GEMINI_MODEL` may give them (a preview's name too).
MODEL_PRICES: Mapping[str, ModelPrices] = {
    "gemini-3-pro-image": GEMINI_3_PRO_IMAGE,
    "gemini-3-pro-image-preview": GEMINI_3_PRO_IMAGE,
    "gemini-2.5-flash-image": GEMINI_2_5_FLASH_IMAGE,
    "gemini-2.5-flash-image-preview": GEMINI_2_5_FLASH_IMAGE,
}


def prices_of(model: str) -> ModelPrices | None:
    """The model's prices, or None when we do not know them."""
    return MODEL_PRICES.get(model)


def image_sizes_of(model: str) -> tuple[ImageSize, ...]:
    """The sizes the model makes; every size for a model we do not know."""
    prices = prices_of(model)
    return prices.image_sizes if prices is not None else ALL_IMAGE_SIZES
