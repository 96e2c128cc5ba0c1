"""The Images tab's configuration: the limits and choices the API validates with, and
the prices of the model configured (none when we do not know them)."""

from __future__ import annotations

from typing import get_args

from identity_images.models.api import (
    EXTENSIONS_BY_TYPE,
    AcceptedType,
    ApiConfig,
    ImagePrice,
    UploadContentType,
)
from identity_images.prices import image_sizes_of, prices_of
from identity_images.settings import AspectRatio, Settings


def api_config(settings: Settings) -> ApiConfig:
    """Everything the tab needs before it sends anything, from the settings the API
    validates with."""
    prices = prices_of(settings.gemini_model)
    sizes = list(image_sizes_of(settings.gemini_model))
    return ApiConfig(
        max_reference_files=settings.upload_max_files,
        reference_max_bytes=settings.reference_max_bytes,
        accepted_types=[
            AcceptedType(mime_type=mime, extensions=EXTENSIONS_BY_TYPE[mime])
            for mime in get_args(UploadContentType)
        ],
        prompt_max_chars=settings.prompt_max_chars,
        aspect_ratios=list(get_args(AspectRatio)),
        default_aspect_ratio=settings.default_aspect_ratio,
        image_sizes=sizes,
        default_image_size=settings.default_image_size,
        model=settings.gemini_model,
        max_variants=settings.variants_max,
        prices=None
        if prices is None
        else [
            ImagePrice(image_size=size, estimated_usd=prices.output_image_usd[size])
            for size in sizes
        ],
        input_image_usd=None if prices is None else prices.input_image_usd,
        upload_url_expiry_s=settings.upload_url_expiry_s,
        output_url_expiry_s=settings.output_url_expiry_s,
    )
