"""Files cut short are refused as `truncated`, also where Pillow's decoder stops before the
end and decodes them without an error; whole files are accepted, even with bytes after
their end. Which cuts Pillow catches by itself is in `engine/truncation.py`."""

from __future__ import annotations

import base64
import io
import random
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image

from identity_images.engine import truncation
from identity_images.engine.references import ReferenceRules, prepare_reference
from identity_images.errors import PipelineError
from tests.engine_references.images import encode, exif_with

pillow_heif.register_heif_opener()

REPO = Path(__file__).resolve().parents[2]


def _photo(size: tuple[int, int] = (320, 240)) -> Image.Image:
    """Noise (which compresses little, so every part of the file is large), the same on
    every call: a cut is at the same place in every run."""
    pixels = random.Random(str(size)).randbytes(size[0] * size[1] * 3)
    return Image.frombytes("RGB", size, pixels)


def _reason(data: bytes) -> str | None:
    """The refusal's reason, or None when the file is accepted."""
    try:
        prepare_reference(data, name="cut", rules=ReferenceRules())
    except PipelineError as error:
        return str(error.details["reason"])
    return None


def _png_with_text_after_its_pixels() -> bytes:
    """Some writers put metadata after the pixels, between the last IDAT and IEND."""
    png = encode(_photo(), "PNG")
    body = b"Comment\x00" + b"written after the pixels " * 20
    crc = zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF
    text = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", crc)
    return png[:-12] + text + png[-12:]


def _apng() -> bytes:
    photo = _photo()
    return encode(photo, "PNG", save_all=True, append_images=[photo.rotate(90)])


def _mpo() -> bytes:
    """A JPEG with a second picture, as phones write them (a depth map, a second view)."""
    return encode(_photo(), "MPO", save_all=True, append_images=[_photo((160, 120))])


def _mpo_cut_in_its_second_picture(keep: int) -> bytes:
    """The MPO up to `keep` bytes into its second picture."""
    mpo = Image.open(io.BytesIO(_mpo()))
    start = mpo._MpoImageFile__mpoffsets[1]  # type: ignore[attr-defined]
    return _mpo()[: start + keep]


def _heic_with_exif() -> bytes:
    """As phones write them: the EXIF item lies at the end, after the pixels."""
    return encode(_photo(), "HEIF", exif=exif_with(1).tobytes())


def _heic_whose_pixels_run_to_the_end() -> bytes:
    """Its last box, the pixels', sized 0: "to the end of the file", wherever that is. Its
    structure cannot tell a cut: the decoder's words do."""
    heic = bytearray(encode(_photo(), "HEIF"))
    at = heic.index(b"mdat") - 4
    heic[at : at + 4] = bytes(4)
    return bytes(heic)


Cut = Callable[[], bytes]

#: Cuts Pillow decodes without an error: each was accepted before `truncation`.
DECODED_THOUGH_CUT: dict[str, Cut] = {
    "png without its last byte": lambda: encode(_photo(), "PNG")[:-1],
    "png without its IEND chunk": lambda: encode(_photo(), "PNG")[:-12],
    "png without its zlib trailer": lambda: encode(_photo(), "PNG")[:-20],
    "apng cut in its second frame": lambda: _apng()[: len(_apng()) * 3 // 4],
    "mpo cut in its second picture": lambda: _mpo()[:-100],
    "mpo cut in its second picture's header": lambda: _mpo_cut_in_its_second_picture(40),
}

#: Cuts Pillow refuses by itself (kept so: the checks rely on it). A cut HEIF whose EXIF
#: lies past the cut failed to open, and was refused as `unsupported_format`.
REFUSED_BY_THE_DECODER: dict[str, Cut] = {
    "jpeg without its end marker": lambda: encode(_photo(), "JPEG")[:-2],
    "jpeg cut in its pixels": lambda: encode(_photo(), "JPEG")[:-500],
    "progressive jpeg cut between scans": lambda: encode(_photo(), "JPEG", progressive=True)[
        :-2000
    ],
    "large jpeg decoded at a reduced scale": lambda: encode(_photo((3000, 2000)), "JPEG")[:-2],
    "png cut in its pixels": lambda: encode(_photo(), "PNG")[:-1000],
    "png cut in a chunk after its pixels": lambda: _png_with_text_after_its_pixels()[:-40],
    "webp cut in its pixels": lambda: encode(_photo(), "WEBP")[:-100],
    "lossless webp cut in its exif": lambda: encode(
        _photo(), "WEBP", lossless=True, exif=exif_with(1).tobytes()
    )[:-8],
    "heic cut in its pixels": lambda: encode(_photo(), "HEIF")[:-100],
    "heic with exif cut in its pixels": lambda: _heic_with_exif()[:-100],
    "heic whose pixels run to the end, cut in them": lambda: _heic_whose_pixels_run_to_the_end()[
        :-100
    ],
}


@pytest.mark.parametrize("cut", DECODED_THOUGH_CUT.values(), ids=DECODED_THOUGH_CUT)
def test_a_cut_file_that_decodes_is_refused_as_truncated(cut: Cut) -> None:
    assert _reason(cut()) == "truncated"


@pytest.mark.parametrize("cut", REFUSED_BY_THE_DECODER.values(), ids=REFUSED_BY_THE_DECODER)
def test_a_cut_file_that_does_not_decode_is_refused_as_truncated(cut: Cut) -> None:
    assert _reason(cut()) == "truncated"


WHOLE: dict[str, Cut] = {
    "jpeg": lambda: encode(_photo(), "JPEG"),
    "png": lambda: encode(_photo(), "PNG"),
    "png with a chunk after its pixels": _png_with_text_after_its_pixels,
    "apng": _apng,
    "mpo": _mpo,
    "webp": lambda: encode(_photo(), "WEBP"),
    "heic": _heic_with_exif,
    "heic whose pixels run to the end": _heic_whose_pixels_run_to_the_end,
}


@pytest.mark.parametrize("after", [b"", b"\x00", b"\x00" * 7, b"\xff\xff\xff\xffjunk" * 8])
@pytest.mark.parametrize("whole", WHOLE.values(), ids=WHOLE)
def test_a_whole_file_is_accepted_with_bytes_after_its_end(whole: Cut, after: bytes) -> None:
    assert _reason(whole() + after) is None


def test_an_mpo_with_the_wrong_sizes_pillow_writes_is_accepted() -> None:
    """From the third picture on, Pillow writes each picture's offset as its size: the
    sizes are not trusted."""
    photo = _photo((160, 120))
    three = encode(photo, "MPO", save_all=True, append_images=[photo, photo])
    entries = Image.open(io.BytesIO(three)).mpinfo[0xB002]  # type: ignore[attr-defined]
    assert entries[2]["Size"] == entries[2]["DataOffset"] + 28  # past the end of the file

    assert _reason(three) is None


def test_an_mpo_whose_offset_misses_its_picture_is_accepted() -> None:
    """An offset that lands on no picture (a writer's mistake) says nothing of a cut."""
    mpo = _mpo()
    second = Image.open(io.BytesIO(mpo)).mpinfo[0xB002][1]  # type: ignore[attr-defined]
    entry = struct.pack("<II", second["Size"], second["DataOffset"])  # Pillow writes "II"
    assert mpo.count(entry) == 1
    wrong = mpo.replace(entry, struct.pack("<II", second["Size"], second["DataOffset"] + 7))

    assert _reason(wrong) is None


@pytest.mark.parametrize("whole", [WHOLE["png"], WHOLE["mpo"]], ids=["png", "mpo"])
def test_the_checks_decode_the_file_once(whole: Cut, monkeypatch: pytest.MonkeyPatch) -> None:
    """The end of the file is read from its structure, not by decoding it again."""
    data = whole()
    decoders: list[str] = []
    make = Image._getdecoder

    def counted(mode: str, decoder_name: str, *args: object) -> object:
        decoders.append(decoder_name)
        return make(mode, decoder_name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Image, "_getdecoder", counted)
    assert _reason(data) is None
    assert len(decoders) == 1


#: The real HEIC the Images tab's check of a HEIF's structure is tested on
#: (`web/src/pages/images/photos/heif.ts`, which walks its boxes as `truncation` does).
_PAGES_HEIC = REPO / "web" / "src" / "test" / "fixtures" / "heic.ts"


def _pages_heic() -> bytes:
    found = re.search(r'HEIC_BASE64 =\s*"([A-Za-z0-9+/=]+)"', _PAGES_HEIC.read_text())
    assert found is not None, _PAGES_HEIC
    return base64.b64decode(found[1])


def test_the_pages_heic_is_cut_short_where_the_page_says_it_is() -> None:
    """The page refuses a HEIC its boxes say is cut short before it is sent
    (`heifStructure.test.ts`): the worker finds the same of the same bytes, and refuses them
    as `truncated`; the whole one it accepts. A change to one check is made to the other."""
    heic = _pages_heic()
    assert not truncation.cut_short(heic)
    assert _reason(heic) is None
    for cut in (heic[:-100], heic[:-1], heic[:200], heic[:12]):
        assert truncation.cut_short(cut)
        assert _reason(cut) == "truncated"
    header = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    fake = header + random.Random(42).randbytes(195 * 1024)  # an admin's IMG_0042.HEIC
    assert truncation.cut_short(fake)
    assert _reason(fake) == "truncated"
