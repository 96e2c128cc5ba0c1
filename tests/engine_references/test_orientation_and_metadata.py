"""EXIF orientation is applied; nothing of the file's metadata reaches Gemini."""

from __future__ import annotations

import pillow_heif
import pytest

from identity_images.engine.references import ReferenceRules, prepare_reference
from tests.engine_references.images import (
    BLUE,
    RED,
    close_to,
    decoded,
    encode,
    exif_with,
    picture,
)

pillow_heif.register_heif_opener()


def _red_corner(data: bytes) -> str:
    out = decoded(data)
    w, h = out.size
    points = {
        "top_left": (5, 5),
        "top_right": (w - 6, 5),
        "bottom_left": (5, h - 6),
        "bottom_right": (w - 6, h - 6),
    }
    red = [corner for corner, xy in points.items() if close_to(out.getpixel(xy), RED)]
    blue = [corner for corner, xy in points.items() if close_to(out.getpixel(xy), BLUE)]
    assert len(red) == 1
    assert len(blue) == 3
    return red[0]


# `picture` is stored with red in the top-left quarter. Where red shows once turned:
# 6 = clockwise (top right), 8 = anticlockwise (bottom left), 3 = half turn.
@pytest.mark.parametrize(
    ("orientation", "size", "corner"),
    [
        (1, (400, 300), "top_left"),
        (3, (400, 300), "bottom_right"),
        (6, (300, 400), "top_right"),
        (8, (300, 400), "bottom_left"),
    ],
)
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_orientation_turns_the_picture(
    fmt: str, orientation: int, size: tuple[int, int], corner: str, rules: ReferenceRules
) -> None:
    data = encode(picture((400, 300)), fmt, exif=exif_with(orientation).tobytes())

    prepared = prepare_reference(data, name="phone.jpg", rules=rules)

    assert (prepared.width, prepared.height) == size
    assert _red_corner(prepared.data) == corner


def test_orientation_applies_to_a_downscaled_phone_photo(rules: ReferenceRules) -> None:
    data = encode(picture((4032, 3024)), "JPEG", exif=exif_with(6).tobytes())

    prepared = prepare_reference(data, name="IMG_0002.JPG", rules=rules)

    assert (prepared.width, prepared.height) == (1152, 1536)
    assert _red_corner(prepared.data) == "top_right"


@pytest.mark.parametrize(("orientation", "corner"), [(6, "top_right"), (8, "bottom_left")])
def test_a_rotated_heic_is_turned_exactly_once(
    orientation: int, corner: str, rules: ReferenceRules
) -> None:
    data = encode(picture((400, 300)), "HEIF", exif=exif_with(orientation).tobytes())

    prepared = prepare_reference(data, name="IMG_0003.HEIC", rules=rules)

    assert (prepared.width, prepared.height) == (300, 400)
    assert _red_corner(prepared.data) == corner


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_gps_and_every_other_metadata_is_dropped(fmt: str, rules: ReferenceRules) -> None:
    exif = exif_with(6, gps=True)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">PhoneMakerXMP</x:xmpmeta>'
    params: dict[str, object] = {"exif": exif.tobytes(), "xmp": xmp}
    if fmt == "JPEG":
        params["comment"] = b"PhoneMakerComment"
    data = encode(picture((400, 300)), fmt, **params)
    assert b"PhoneMaker" in data  # the input really carries it

    prepared = prepare_reference(data, name="located.jpg", rules=rules)

    out = decoded(prepared.data)
    assert len(out.getexif()) == 0
    for key in ("exif", "xmp", "icc_profile", "comment"):
        assert key not in out.info
    assert b"Exif" not in prepared.data
    assert b"PhoneMaker" not in prepared.data
