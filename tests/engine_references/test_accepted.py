"""What is accepted: each format, decided by content, brought to a small RGB JPEG."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image, ImageCms

from identity_images.engine.references import JPEG_MIME, ReferenceRules, prepare_reference
from identity_images.settings import Settings
from tests.engine_references.images import BLUE, RED, WHITE, close_to, decoded, encode, picture

pillow_heif.register_heif_opener()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_each_accepted_format_becomes_a_jpeg(fmt: str, rules: ReferenceRules) -> None:
    data = encode(picture((640, 480)), fmt)

    prepared = prepare_reference(data, name=f"photo.{fmt.lower()}", rules=rules)

    out = decoded(prepared.data)
    assert out.format == "JPEG"
    assert out.mode == "RGB"
    assert prepared.mime_type == JPEG_MIME
    assert (prepared.width, prepared.height) == out.size == (640, 480)
    assert prepared.source_bytes == len(data)
    assert prepared.name == f"photo.{fmt.lower()}"
    assert close_to(out.getpixel((10, 10)), RED)
    assert close_to(out.getpixel((630, 470)), BLUE)


def test_a_multi_picture_jpeg_from_a_phone_is_accepted(rules: ReferenceRules) -> None:
    first, depth = picture((400, 300)), Image.new("RGB", (200, 150), (9, 9, 9))
    data = encode(first, "MPO", save_all=True, append_images=[depth])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    prepared = prepare_reference(data, name="IMG_0001.JPG", rules=rules)

    assert (prepared.width, prepared.height) == (400, 300)
    assert close_to(decoded(prepared.data).getpixel((10, 10)), RED)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("PNG", "photo.jpg"), ("JPEG", "scan.gif"), ("HEIF", "IMG_1234.txt"), ("WEBP", "noext")],
)
def test_the_name_does_not_decide_the_format(fmt: str, name: str, rules: ReferenceRules) -> None:
    prepared = prepare_reference(encode(picture((300, 200)), fmt), name=name, rules=rules)

    assert decoded(prepared.data).format == "JPEG"
    assert prepared.name == name


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((3000, 2000), (1536, 1024)),
        ((2000, 3000), (1024, 1536)),
        ((4032, 3024), (1536, 1152)),
        ((1536, 100), (1536, 100)),
        ((800, 600), (800, 600)),
    ],
)
def test_downscales_so_the_long_side_fits_and_never_upscales(
    size: tuple[int, int], expected: tuple[int, int], rules: ReferenceRules
) -> None:
    prepared = prepare_reference(encode(picture(size), "JPEG"), name="a.jpg", rules=rules)

    assert (prepared.width, prepared.height) == decoded(prepared.data).size == expected


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_the_long_side_setting_applies_to_every_format(fmt: str) -> None:
    rules = ReferenceRules(max_long_side=300)

    prepared = prepare_reference(encode(picture((1200, 900)), fmt), name="a", rules=rules)

    assert (prepared.width, prepared.height) == (300, 225)
    out = decoded(prepared.data)
    assert close_to(out.getpixel((5, 5)), RED)
    assert close_to(out.getpixel((295, 220)), BLUE)


def test_a_big_jpeg_is_shrunk_and_much_smaller_than_what_was_uploaded(
    rules: ReferenceRules,
) -> None:
    noisy = Image.effect_noise((4032, 3024), 40).convert("RGB")
    data = encode(noisy, "JPEG", quality=95)

    prepared = prepare_reference(data, name="big.jpg", rules=rules)

    assert (prepared.width, prepared.height) == (1536, 1152)
    assert len(prepared.data) * 4 < len(data)


def test_quality_follows_the_rules() -> None:
    data = encode(Image.effect_noise((600, 400), 40).convert("RGB"), "PNG")

    low = prepare_reference(data, name="a.png", rules=ReferenceRules(jpeg_quality=50))
    high = prepare_reference(data, name="a.png", rules=ReferenceRules(jpeg_quality=95))

    assert len(low.data) < len(high.data)


def test_rules_come_from_the_settings() -> None:
    settings = Settings(
        reference_max_long_side=1024,
        reference_jpeg_quality=80,
        reference_max_bytes=1000,
        reference_max_pixels=5000,
    )

    assert ReferenceRules.from_settings(settings) == ReferenceRules(
        max_long_side=1024, jpeg_quality=80, max_bytes=1000, max_pixels=5000
    )


def test_default_rules_match_the_default_settings() -> None:
    assert ReferenceRules.from_settings(Settings()) == ReferenceRules()


# --- colour modes -----------------------------------------------------------------------


def _prepared_pixel(image: Image.Image, fmt: str = "PNG", **params: object) -> tuple[int, ...]:
    prepared = prepare_reference(encode(image, fmt, **params), name="m", rules=ReferenceRules())
    out = decoded(prepared.data)
    assert out.mode == "RGB"
    assert "icc_profile" not in out.info
    pixel = out.getpixel((out.width // 2, out.height // 2))
    assert isinstance(pixel, tuple)
    return pixel


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_transparency_is_flattened_onto_white(fmt: str) -> None:
    clear = Image.new("RGBA", (64, 64), (255, 0, 0, 0))

    assert close_to(_prepared_pixel(clear, fmt), WHITE, tolerance=8)


def test_half_transparent_black_becomes_grey() -> None:
    assert close_to(_prepared_pixel(Image.new("RGBA", (64, 64), (0, 0, 0, 128))), (127,) * 3, 8)


def test_grey_with_alpha_is_flattened_onto_white() -> None:
    assert close_to(_prepared_pixel(Image.new("LA", (64, 64), (0, 0))), WHITE, tolerance=8)


def test_grey_becomes_rgb() -> None:
    assert close_to(_prepared_pixel(Image.new("L", (64, 64), 100)), (100,) * 3, 8)


def test_one_bit_becomes_rgb() -> None:
    assert close_to(_prepared_pixel(Image.new("1", (64, 64), 1)), WHITE, 8)


def test_a_palette_image_keeps_its_colours() -> None:
    palette = Image.new("RGB", (64, 64), (0, 128, 0)).quantize(colors=4)
    assert palette.mode == "P"

    assert close_to(_prepared_pixel(palette), (0, 128, 0), 12)


def test_a_palette_image_with_a_transparent_colour_is_flattened_onto_white() -> None:
    palette = Image.new("P", (64, 64), 0)
    palette.putpalette([255, 0, 0] + [0, 0, 0] * 255)

    assert close_to(_prepared_pixel(palette, transparency=0), WHITE, 8)


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    mid = Image.new("I;16", (64, 64), 32768)  # half of the 16-bit range: mid grey

    assert close_to(_prepared_pixel(mid), (128,) * 3, 8)


def test_cmyk_becomes_rgb() -> None:
    cyan = Image.new("CMYK", (64, 64), (255, 0, 0, 0))

    assert close_to(_prepared_pixel(cyan, "JPEG"), (0, 255, 255), 24)


def test_cmyk_with_a_profile_that_does_not_fit_still_becomes_rgb() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    cyan = Image.new("CMYK", (64, 64), (255, 0, 0, 0))

    assert close_to(_prepared_pixel(cyan, "JPEG", icc_profile=srgb), (0, 255, 255), 24)


def test_an_embedded_colour_profile_is_applied_and_dropped() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    orange = Image.new("RGB", (64, 64), (230, 120, 20))

    assert close_to(_prepared_pixel(orange, "JPEG", icc_profile=srgb), (230, 120, 20), 10)


def test_a_broken_colour_profile_is_ignored() -> None:
    orange = Image.new("RGB", (64, 64), (230, 120, 20))

    pixel = _prepared_pixel(orange, "PNG", icc_profile=b"not a profile")

    assert close_to(pixel, (230, 120, 20), 10)
