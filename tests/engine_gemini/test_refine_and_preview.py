"""A refine's request (the image to edit first, an edit prompt) and the output's preview."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFile, ImageFilter

from identity_images.engine.generation import (
    EDIT_IMAGE_MIN_LONG_SIDE,
    MAX_IMAGES_PER_REQUEST,
    GenerationRequest,
    ReferenceFile,
    generate_identity_image,
)
from identity_images.engine.preview import make_preview, make_renditions
from identity_images.engine.prompt import build_prompt
from identity_images.engine.references import ReferenceRules
from identity_images.errors import ErrorCode, PipelineError
from tests.engine_gemini.conftest import jpeg_bytes
from tests.support.fakes import RecordingProvider

RULES = ReferenceRules(max_long_side=512, max_bytes=2_000_000)


def png_bytes(size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (90, 140, 200, 128) if mode == "RGBA" else (90, 140, 200)).save(
        out, "PNG"
    )
    return out.getvalue()


def photo_like_png(size: tuple[int, int] = (5504, 3072)) -> bytes:
    """Noise, shapes and a blur: compresses like a photo, unlike a flat colour."""
    rng = random.Random(7)
    small = Image.effect_noise((size[0] // 8, size[1] // 8), 60).convert("RGB")
    image = small.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        r = rng.randrange(40, 600)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(3))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def request(**overrides: object) -> GenerationRequest:
    values: dict[str, object] = {
        "identity_name": "Ada Lovelace",
        "identity_description": "",
        "prompt": "Soft light",
        "references": [ReferenceFile("prepared/identities/1/p/0.jpg", jpeg_bytes((200, 30, 30)))],
        "aspect_ratio": "16:9",
        "image_size": "4K",
        "edit_image": ReferenceFile("generated/identities/1/p.png", png_bytes((4000, 2250))),
        "instruction": "Make the background darker",
    }
    values.update(overrides)
    return GenerationRequest(**values)  # type: ignore[arg-type]


def test_a_refine_sends_the_image_to_edit_first_with_an_edit_prompt() -> None:
    provider = RecordingProvider()
    stages: list[str] = []
    result = generate_identity_image(
        request(), provider=provider, rules=RULES, on_stage=stages.append
    )
    [sent] = provider.sent
    assert [ref.name for ref in sent] == [
        "generated/identities/1/p.png",
        "prepared/identities/1/p/0.jpg",
    ]
    edit = sent[0]
    # Larger than a reference (the edit keeps its detail), and a JPEG like them.
    assert max(edit.width, edit.height) == EDIT_IMAGE_MIN_LONG_SIDE
    assert edit.mime_type == "image/jpeg"
    # The image to edit is not one of the identity's references.
    assert [ref.name for ref in result.references] == ["prepared/identities/1/p/0.jpg"]
    [prompt] = provider.prompts
    assert "Edit the FIRST attached image" in prompt
    assert "Make the background darker" in prompt
    assert "Soft light" in prompt
    assert stages == ["generating"]


def test_an_edit_image_over_the_reference_byte_limit_is_still_accepted() -> None:
    big = photo_like_png((2600, 1500))
    rules = ReferenceRules(max_long_side=512, max_bytes=200_000)
    assert len(big) > rules.max_bytes
    provider = RecordingProvider()
    generate_identity_image(
        request(
            edit_image=ReferenceFile("generated/x.png", big),
            references=[ReferenceFile("r.jpg", jpeg_bytes((1, 2, 3)))],
        ),
        provider=provider,
        rules=rules,
    )
    assert len(provider.sent[0]) == 2


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"instruction": "  "}, ErrorCode.VALIDATION_ERROR, "instruction"),
        (
            {"references": [ReferenceFile("x.jpg", b"x")] * MAX_IMAGES_PER_REQUEST},
            ErrorCode.TOO_MANY_IMAGES,
            "references",
        ),
    ],
    ids=["no-instruction", "too-many-with-the-edit"],
)
def test_a_bad_refine_calls_nothing(
    overrides: dict[str, object], code: ErrorCode, field: str
) -> None:
    provider = RecordingProvider()
    with pytest.raises(PipelineError) as caught:
        generate_identity_image(request(**overrides), provider=provider, rules=RULES)
    assert caught.value.code is code
    assert caught.value.details["field"] == field
    assert provider.prompts == []


def test_a_plain_prompt_is_not_an_edit() -> None:
    prompt = build_prompt(identity_name="Ada", identity_description="", extra_prompt="x")
    assert "Edit the FIRST" not in prompt
    assert "edit the admin asks" not in prompt


# --- previews ------------------------------------------------------------------------
def test_the_preview_of_a_4k_photo_is_small() -> None:
    preview = make_preview(photo_like_png(), max_long_side=768)
    assert preview.mime_type == "image/jpeg"
    assert (preview.width, preview.height) == (768, 429)
    assert len(preview.data) < 150_000
    with Image.open(io.BytesIO(preview.data)) as image:
        assert image.format == "JPEG"
        assert image.size == (768, 429)
        assert "exif" not in image.info


def test_renditions_of_a_4k_photo_come_from_one_decode_in_the_sizes_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker's three (small, preview, large): the 4K PNG's pixels are read once."""
    data = photo_like_png()
    with Image.open(io.BytesIO(data)) as source:
        assert max(source.size) > 1536
        shape = source.width / source.height
    decoded: list[tuple[int, int]] = []
    load = ImageFile.ImageFile.load

    def counted(image: ImageFile.ImageFile) -> Any:
        if image.tile:  # pixels still to read from the file
            decoded.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counted)
    small, preview, large = make_renditions(data, long_sides=(384, 768, 1536))
    monkeypatch.undo()
    assert decoded == [(5504, 3072)]
    long_sides = [max(r.width, r.height) for r in (small, preview, large)]
    assert long_sides == [384, 768, 1536]
    for rendition in (small, preview, large):
        assert abs(rendition.width / rendition.height - shape) < 0.01
        with Image.open(io.BytesIO(rendition.data)) as image:
            assert (image.format, image.mode) == ("JPEG", "RGB")
            assert image.size == (rendition.width, rendition.height)
    assert len(small.data) < len(preview.data) < len(large.data) < len(data) / 10


def test_a_webp_preview_of_a_transparent_png_is_flattened() -> None:
    preview = make_preview(png_bytes((1000, 1000), "RGBA"), max_long_side=300, fmt="webp")
    assert preview.mime_type == "image/webp"
    with Image.open(io.BytesIO(preview.data)) as image:
        assert image.format == "WEBP"
        assert image.mode == "RGB"
        assert image.size == (300, 300)


def _half_transparent(mode: str) -> bytes:
    """1600x900: the left half transparent (red underneath), the right half opaque blue."""
    image = Image.new("RGBA", (1600, 900), (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (800, 0, 1600, 900))
    out = io.BytesIO()
    if mode == "RGB+tRNS":  # one colour keyed transparent, no alpha channel
        flat = Image.new("RGB", image.size, (255, 0, 0))
        flat.paste((0, 0, 255), (800, 0, 1600, 900))
        flat.save(out, "PNG", transparency=(255, 0, 0))
    elif mode == "P":
        image.quantize(colors=4, method=Image.Quantize.FASTOCTREE).save(out, "PNG")
    else:
        image.convert(mode).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "RGB+tRNS"])
def test_transparency_is_white_in_the_preview_whatever_the_mode(mode: str) -> None:
    preview = make_preview(_half_transparent(mode), max_long_side=400)
    with Image.open(io.BytesIO(preview.data)) as image:
        assert (image.mode, image.size) == ("RGB", (400, 225))
        left, right = image.getpixel((100, 112)), image.getpixel((300, 112))
    assert isinstance(left, tuple)
    assert isinstance(right, tuple)
    assert min(left) > 235, left  # white, not the red under the transparent pixels
    if mode.startswith("RGB") or mode == "P":
        assert right[2] > 200, right  # still blue
        assert right[0] < 40, right
    else:  # grey with alpha: blue's luminance
        assert max(right) < 60, right


@pytest.mark.parametrize("mode", ["RGB", "L", "I;16"])
def test_an_opaque_output_of_any_mode_gives_an_rgb_preview(mode: str) -> None:
    image = Image.new("RGB", (1600, 900), (40, 120, 200)).convert(mode)
    out = io.BytesIO()
    image.save(out, "PNG")
    preview = make_preview(out.getvalue(), max_long_side=400)
    assert (preview.width, preview.height) == (400, 225)
    with Image.open(io.BytesIO(preview.data)) as shown:
        assert shown.mode == "RGB"


def test_a_small_output_is_not_enlarged() -> None:
    preview = make_preview(jpeg_bytes((10, 20, 30), (400, 300)), max_long_side=768)
    assert (preview.width, preview.height) == (400, 300)


def test_an_unreadable_output_is_a_retryable_internal_error() -> None:
    with pytest.raises(PipelineError) as caught:
        make_preview(b"not an image")
    assert caught.value.code is ErrorCode.INTERNAL_ERROR
    assert caught.value.retryable
