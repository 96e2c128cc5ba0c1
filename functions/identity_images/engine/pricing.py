"""What one image generation cost, in US dollars, from the answer's usage metadata.

Gemini bills per token. For the image model the output image (a fixed token count per
size) and each input image dominate, at the list prices of the model called
(`prices`); the rest is text: the prompt's, and the answer's text and thinking tokens
(`thoughtsTokenCount`, counted apart from `candidatesTokenCount` and billed at the
output text rate). The draft images the model thinks with are not billed apart. An
answer without an image (a refusal, text only: 200, so billed) costs its tokens alone. A
model whose prices we do not know has no cost: None, never a guess.
"""

from __future__ import annotations

from identity_images.prices import ModelPrices, prices_of

__all__ = ["estimate_cost_usd"]


def estimate_cost_usd(
    *,
    model: str,
    image_size: str,
    input_images: int,
    prompt_tokens: int,
    output_tokens: int,
    with_image: bool = True,
) -> float | None:
    """The estimated price of one call to `model`: output image (`with_image`: the answer
    has one) + input images + the text tokens; None for a model whose prices we do not
    know.

    `prompt_tokens` and `output_tokens` are the usage metadata's counts; the parts of
    them already priced per image (the images' own tokens) are not charged twice.
    """
    prices = prices_of(model)
    if prices is None:
        return None
    if image_size not in prices.output_image_usd:
        raise ValueError(f"{model} makes no {image_size!r} image")
    image_tokens = prices.output_image_tokens[image_size] if with_image else 0
    cost = (
        (prices.output_image_usd[image_size] if with_image else 0.0)
        + _input_cost(prices, input_images=input_images, prompt_tokens=prompt_tokens)
        + prices.text_output_token_usd * max(0, output_tokens - image_tokens)
    )
    return round(cost, 6)


def _input_cost(prices: ModelPrices, *, input_images: int, prompt_tokens: int) -> float:
    """The prompt's text and its images: each image at its price when its token count is
    fixed, else every prompt token (images too) at the prompt's rate."""
    if prices.input_image_tokens is None:
        return prices.prompt_token_usd * max(0, prompt_tokens)
    images = max(0, input_images)
    text_in = max(0, prompt_tokens - images * prices.input_image_tokens)
    return prices.input_image_usd * images + prices.prompt_token_usd * text_in
