"""What is refused: a stable code, a reason, the file named, and nothing decoded."""

from __future__ import annotations

import random
import warnings

import pillow_heif
import pytest
from PIL import Image, ImageFile

from identity_images.engine import truncation
from identity_images.engine.references import ReferenceRules, prepare_reference
from identity_images.errors import ErrorCode, PipelineError
from tests.engine_references.images import encode, picture, png_claiming

pillow_heif.register_heif_opener()


def _refusal(data: bytes, rules: ReferenceRules, name: str = "upload.bin") -> PipelineError:
    with pytest.raises(PipelineError) as caught:
        prepare_reference(data, name=name, rules=rules)
    error = caught.value
    assert error.code is ErrorCode.REFERENCE_INVALID
    assert not error.retryable
    assert error.message.startswith(f"{name}: ")
    assert error.details["file"] == name
    return error


def test_an_empty_file_is_refused(rules: ReferenceRules) -> None:
    assert _refusal(b"", rules).details["reason"] == "empty"


def test_text_is_not_an_image(rules: ReferenceRules) -> None:
    error = _refusal(b"name,email\nada,ada@example.com\n", rules, name="people.jpg")

    assert error.details["reason"] == "unsupported_format"
    assert error.message.startswith("people.jpg: not a JPEG, PNG, WebP or HEIC/HEIF image")


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PPM"])
def test_other_image_formats_are_refused_even_named_jpg(fmt: str, rules: ReferenceRules) -> None:
    error = _refusal(encode(picture((64, 64)), fmt), rules, name="photo.jpg")

    assert error.details["reason"] == "unsupported_format"
    assert error.details["format"] == fmt
    assert fmt in error.message


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_a_truncated_file_is_refused(fmt: str, rules: ReferenceRules) -> None:
    whole = encode(Image.effect_noise((320, 240), 40).convert("RGB"), fmt)

    error = _refusal(whole[: len(whole) * 2 // 3], rules, name=f"cut.{fmt.lower()}")

    assert error.details["reason"] == "truncated"


def test_a_jpeg_missing_only_its_last_bytes_is_refused(rules: ReferenceRules) -> None:
    whole = encode(Image.effect_noise((320, 240), 40).convert("RGB"), "JPEG")

    assert _refusal(whole[:-2], rules).details["reason"] == "truncated"


def test_corrupt_image_data_is_refused(rules: ReferenceRules) -> None:
    whole = bytearray(encode(Image.effect_noise((320, 240), 40).convert("RGB"), "PNG"))
    start = whole.index(b"IDAT") + 4
    whole[start : start + 64] = b"\xff" * 64  # garbage where the compressed pixels begin

    assert _refusal(bytes(whole), rules).details["reason"] == "unreadable"


def _heic_with_garbled_pixels(offset: int) -> bytes:
    """A real HEIC whose boxes are all there, each of its size, but whose pixel data (its
    `mdat` box's body from `offset` on) is noise of the same length."""
    heic = bytearray(encode(Image.effect_noise((320, 240), 40).convert("RGB"), "HEIF"))
    at = heic.index(b"mdat") - 4
    size = int.from_bytes(heic[at : at + 4], "big")
    start, end = at + 8 + offset, at + size
    heic[start:end] = random.Random(7).randbytes(end - start)
    return bytes(heic)


@pytest.mark.parametrize("offset", [0, 4], ids=["from its first length", "after it"])
def test_a_heic_whole_in_its_boxes_whose_pixels_cannot_be_decoded_is_damaged_not_cut(
    offset: int, rules: ReferenceRules
) -> None:
    """libheif says "Unexpected end of file" of pixel data whose first length points past its
    own end: the admin read "the file is truncated" of a file that was all there. The
    structure tells the two apart: a file cut short is `truncated`, one whole in structure
    that does not decode is `unreadable`, "may be damaged"."""
    damaged = _heic_with_garbled_pixels(offset)
    assert truncation.whole(damaged)
    assert not truncation.cut_short(damaged)

    error = _refusal(damaged, rules, name="IMG_0042.HEIC")

    assert error.details["reason"] == "unreadable"
    assert error.message == "IMG_0042.HEIC: the image could not be decoded: the file may be damaged"
    # Cut short, the same file is still said to be.
    cut = _refusal(damaged[:-100], rules, name="IMG_0042.HEIC")
    assert cut.details["reason"] == "truncated"
    assert cut.message == "IMG_0042.HEIC: the file is truncated"


def test_a_decompression_bomb_is_refused_from_its_header(rules: ReferenceRules) -> None:
    # 100000 x 100000 claimed, 64 bytes of pixel data: decoding would fail, short of pixels.
    bomb = png_claiming(100_000, 100_000)
    assert len(bomb) < 200

    error = _refusal(bomb, rules, name="bomb.png")

    assert error.details["reason"] == "too_many_pixels"
    assert error.message.startswith("bomb.png: ")


def test_over_the_pixel_limit_but_under_pillows_own_is_refused(rules: ReferenceRules) -> None:
    # 81 million pixels: over the rule (80 M), under Pillow's warning threshold (89 M).
    error = _refusal(png_claiming(9000, 9000), rules)

    assert error.details["reason"] == "too_many_pixels"
    assert error.details["limit"] == rules.max_pixels


def test_between_pillows_warning_and_its_own_refusal_is_refused(rules: ReferenceRules) -> None:
    # 100 million pixels: Pillow only warns (above 89 M); the rule refuses.
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert _refusal(png_claiming(10_000, 10_000), rules).details["reason"] == "too_many_pixels"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # where warnings are errors, still the same refusal
        assert _refusal(png_claiming(10_000, 10_000), rules).details["reason"] == "too_many_pixels"


def test_the_pixel_limit_is_a_rule(small_rules: ReferenceRules) -> None:
    assert _refusal(png_claiming(1001, 1000), small_rules).details["reason"] == "too_many_pixels"
    # Just under the limit it is decoded, and so found short of pixels: damaged, its chunks
    # being all there, not cut short.
    assert _refusal(png_claiming(1000, 1000), small_rules).details["reason"] == "unreadable"


def test_a_file_over_the_byte_limit_is_refused_before_reading_it(
    small_rules: ReferenceRules,
) -> None:
    valid = encode(Image.effect_noise((600, 600), 60).convert("RGB"), "PNG")
    assert len(valid) > small_rules.max_bytes

    error = _refusal(valid, small_rules, name="huge.png")

    assert error.details["reason"] == "too_large"
    assert error.details["size"] == len(valid)
    assert error.details["limit"] == small_rules.max_bytes


def test_exactly_the_byte_limit_is_accepted() -> None:
    data = encode(picture((64, 64)), "PNG")

    prepared = prepare_reference(data, name="a.png", rules=ReferenceRules(max_bytes=len(data)))

    assert prepared.source_bytes == len(data)


def test_refusals_leave_pillow_and_warnings_as_they_were(rules: ReferenceRules) -> None:
    limit, truncated_ok = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    filters = list(warnings.filters)

    for data in (png_claiming(100_000, 100_000), png_claiming(9000, 9000), b"junk"):
        with pytest.raises(PipelineError):
            prepare_reference(data, name="x", rules=rules)

    assert limit == Image.MAX_IMAGE_PIXELS
    assert ImageFile.LOAD_TRUNCATED_IMAGES is truncated_ok is False
    assert warnings.filters == filters
