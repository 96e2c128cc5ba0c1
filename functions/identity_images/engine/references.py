"""Turn whatever an admin uploads into what Gemini should get.

A reference photo is accepted when its *content* is JPEG, PNG, WebP or HEIC/HEIF (the
file name and the claimed type are never consulted). It leaves here as a small JPEG:
EXIF orientation applied, any colour mode turned into sRGB, transparency flattened onto
white, downscaled so the long side is at most `ReferenceRules.max_long_side`, and with no
metadata at all (no EXIF, so no GPS; no ICC profile; no XMP).

Why: handed PIL images, the SDK re-encodes them as PNG, so five phone photos become a
request of tens of MB. Send `PreparedReference.data` with its `mime_type` through
`types.Part.from_bytes` instead.

A warm process keeps its most recently prepared references (`PreparedCache`, by content):
a job that sends the same photos again (another try with a new prompt, a re-run, a
regeneration of an unchanged folder) skips their preparation, the CPU-bound part of a
job's overhead.

Everything that cannot be used is refused with `ErrorCode.REFERENCE_INVALID`, a message
that names the file and a stable short reason in `details["reason"]` (see `Reason`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

import pillow_heif
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from PIL.MpoImagePlugin import MpoImageFile

from identity_images.engine import truncation
from identity_images.errors import ErrorCode, PipelineError

if TYPE_CHECKING:
    from identity_images.settings import Settings

pillow_heif.register_heif_opener()

JPEG_MIME: Final = "image/jpeg"

# Pillow's names for the accepted formats. MPO is how Pillow names a JPEG that carries
# extra pictures (many phone cameras write those); its first picture is a plain JPEG.
_ACCEPTED_FORMATS: Final = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF"})
_JPEG_FORMATS: Final = frozenset({"JPEG", "MPO"})
_ACCEPTED_TEXT: Final = "JPEG, PNG, WebP or HEIC/HEIF"
#: The MP Entry tag of an MPO's index: one entry a picture, the first one first.
_MP_ENTRIES: Final = 0xB002


class Reason(StrEnum):
    """The stable short reasons in `details["reason"]` of a refused reference."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TRUNCATED = "truncated"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class ReferenceRules:
    """What a reference may be, and what it becomes."""

    max_long_side: int = 1536
    jpeg_quality: int = 88
    max_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 80_000_000

    @classmethod
    def from_settings(cls, settings: Settings) -> ReferenceRules:
        return cls(
            max_long_side=settings.reference_max_long_side,
            jpeg_quality=settings.reference_jpeg_quality,
            max_bytes=settings.reference_max_bytes,
            max_pixels=settings.reference_max_pixels,
        )


@dataclass(frozen=True, slots=True)
class PreparedReference:
    """A reference ready for Gemini: `types.Part.from_bytes(data=..., mime_type=...)`."""

    name: str  # the file name / S3 key it came from
    data: bytes  # JPEG bytes, no metadata
    mime_type: str  # "image/jpeg"
    width: int
    height: int
    source_bytes: int  # size of what was uploaded


def prepare_reference(data: bytes, *, name: str, rules: ReferenceRules) -> PreparedReference:
    """Validate one uploaded file by its content and turn it into a small sRGB JPEG.

    Raises `PipelineError(ErrorCode.REFERENCE_INVALID)` for anything that is not a
    usable JPEG, PNG, WebP or HEIC/HEIF image; the limits are checked before decoding.
    """
    if not data:
        raise _invalid(name, Reason.EMPTY, "the file is empty")
    if len(data) > rules.max_bytes:
        raise _invalid(
            name,
            Reason.TOO_LARGE,
            f"{len(data)} bytes is over the limit of {rules.max_bytes} bytes",
            size=len(data),
            limit=rules.max_bytes,
        )
    image = _open(data, name=name, rules=rules)
    try:
        image = _decode(image, data, name=name, rules=rules)
        image = _to_rgb(image)
        out = io.BytesIO()
        # A fresh save with no exif/icc_profile arguments writes no metadata at all.
        image.info.clear()
        image.save(out, "JPEG", quality=rules.jpeg_quality, subsampling="4:2:0", optimize=False)
        width, height = image.size
    finally:
        image.close()
    return PreparedReference(
        name=name,
        data=out.getvalue(),
        mime_type=JPEG_MIME,
        width=width,
        height=height,
        source_bytes=len(data),
    )


class PreparedCache:
    """Recently prepared references, by the SHA-256 of the uploaded bytes and the rules.

    Only successes are kept (a refusal is raised again by preparing again). Bounded by the
    prepared JPEGs' bytes, least recently used out first: the default keeps about one
    job's references (five phone photos prepare to 1.8 MB), so it adds at most 2 MB to a
    worker's peak memory (on a hit, nothing: the job uses the kept copies). Thread-safe:
    `prepare_reference` runs in several threads."""

    def __init__(self, max_bytes: int = 2 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[bytes, ReferenceRules], PreparedReference] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(data: bytes, rules: ReferenceRules) -> tuple[bytes, ReferenceRules]:
        return hashlib.sha256(data).digest(), rules

    def get(self, key: tuple[bytes, ReferenceRules]) -> PreparedReference | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple[bytes, ReferenceRules], prepared: PreparedReference) -> None:
        size = len(prepared.data)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.data)
            while self._entries and self._bytes + size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.data)
            self._entries[key] = prepared
            self._bytes += size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


#: The process's cache (a warm Lambda keeps it between invocations).
PREPARED_CACHE: Final = PreparedCache()


def prepare_reference_cached(
    data: bytes, *, name: str, rules: ReferenceRules, cache: PreparedCache = PREPARED_CACHE
) -> PreparedReference:
    """`prepare_reference`, unless the same bytes were prepared under the same rules
    recently: then that result, under this `name`."""
    key = cache.key(data, rules)
    found = cache.get(key)
    if found is None:
        found = prepare_reference(data, name=name, rules=rules)
        cache.put(key, found)
    return found if found.name == name else dataclasses.replace(found, name=name)


def _open(data: bytes, *, name: str, rules: ReferenceRules) -> Image.Image:
    """Read the header only (Pillow is lazy) and check the format and the pixel count."""
    try:
        # Pillow refuses above 2 x `Image.MAX_IMAGE_PIXELS` (and warns above it, an error
        # where warnings are errors); below that, `rules.max_pixels` decides. Neither
        # Pillow's limit nor the warning filters are touched: they are process-wide.
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _invalid(name, Reason.TOO_MANY_PIXELS, "the image has too many pixels") from exc
    except UnidentifiedImageError as exc:
        if truncation.cut_short(data):  # a HEIF whose metadata lies past the cut
            raise _truncated(name) from exc
        raise _invalid(name, Reason.UNSUPPORTED_FORMAT, f"not a {_ACCEPTED_TEXT} image") from exc
    except Exception as exc:  # a plugin may raise anything on a bad header
        raise _decode_failure(name, data, exc) from exc

    if image.format not in _ACCEPTED_FORMATS:
        found = image.format or "unknown"
        image.close()
        raise _invalid(
            name,
            Reason.UNSUPPORTED_FORMAT,
            f"{found} is not accepted, only {_ACCEPTED_TEXT}",
            format=found,
        )
    width, height = image.size
    if width * height > rules.max_pixels:
        image.close()
        raise _invalid(
            name,
            Reason.TOO_MANY_PIXELS,
            f"{width}x{height} is over the limit of {rules.max_pixels} pixels",
            width=width,
            height=height,
            limit=rules.max_pixels,
        )
    return image


def _decode(image: Image.Image, data: bytes, *, name: str, rules: ReferenceRules) -> Image.Image:
    """Decode (a JPEG at a reduced scale when that suffices), downscale, apply EXIF
    orientation. The result is the same picture an image viewer shows, small."""
    long_side = rules.max_long_side
    if image.format in _JPEG_FORMATS:
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result stays at least as
        # large as the target: far less time and memory than a full decode.
        width, height = image.size
        scale = min(1.0, long_side / max(width, height))
        image.draft(image.mode, (max(1, round(width * scale)), max(1, round(height * scale))))
    try:
        image.load()
    except Exception as exc:  # decoders raise OSError, ValueError, EOFError…
        image.close()
        raise _decode_failure(name, data, exc) from exc
    if _decoded_but_cut(image, data):
        image.close()
        raise _truncated(name)

    image = _normalise_mode(image)
    # Hamming, not Lanczos: the resize was half of a phone photo's preparation, and
    # Hamming takes half as long. The difference (PSNR above 46 dB against a
    # full-resolution Lanczos resize) is smaller than the JPEG encoding's own (about 41 dB
    # at quality 88), and Pillow widens every filter with the scale, so nothing aliases.
    image.thumbnail((long_side, long_side), Image.Resampling.HAMMING, reducing_gap=3.0)
    # On the small image: cheaper. HEIF decoders already applied their own rotation and
    # pillow-heif reset the EXIF orientation to 1, so nothing is rotated twice.
    ImageOps.exif_transpose(image, in_place=True)
    return image


def _normalise_mode(image: Image.Image) -> Image.Image:
    """Bring unusual modes to one Pillow resamples well: L, LA, RGB, RGBA or CMYK."""
    mode = image.mode
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return image
    if mode.startswith("I"):
        # 16-bit (or 32-bit integer) grey: scale to 8 bits instead of clipping at 255.
        converted = image.convert("I").point(lambda v: v / 256).convert("L")
    elif mode in ("P", "PA"):
        transparent = mode == "PA" or "transparency" in image.info
        converted = image.convert("RGBA" if transparent else "RGB")
    elif mode == "1":
        converted = image.convert("L")
    elif mode.endswith("A") or mode in ("RGBa", "La"):
        converted = image.convert("RGBA")
    else:
        converted = image.convert("RGB")
    converted.info = dict(image.info)
    image.close()
    return converted


def _to_rgb(image: Image.Image) -> Image.Image:
    """Flatten alpha onto white and bring the colours into sRGB (through the embedded
    ICC profile when there is one: CMYK print files, Display P3 phone photos)."""
    if image.mode in ("RGBA", "LA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        flat.info = dict(image.info)
        if image.mode == "LA":  # the ICC profile of a grey image describes grey values
            flat = flat.convert("L")
            flat.info = dict(image.info)
        image.close()
        image = flat

    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            # A profile per call: `prepare_reference` runs in several threads at once.
            srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
            converted = ImageCms.profileToProfile(
                image, source, srgb, renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # a broken or mismatched profile: plain conversion below
        if converted is not None:
            image.close()
            return converted
    if image.mode != "RGB":
        converted = image.convert("RGB")
        image.close()
        return converted
    return image


def _decoded_but_cut(image: Image.Image, data: bytes) -> bool:
    """Whether a file that decoded without an error is cut short all the same: the PNG
    and MPO decoders stop once they have the first picture's pixels (`truncation`). Read
    from the file's structure, not decoded again."""
    if image.format == "PNG":
        return truncation.png_is_short(data)
    if isinstance(image, MpoImageFile) and image.mpinfo is not None:
        entries = image.mpinfo[_MP_ENTRIES]
        return truncation.mpo_is_short(data, (entry["DataOffset"] for entry in entries[1:]))
    return False


def _decode_failure(name: str, data: bytes, exc: BaseException) -> PipelineError:
    """Cut short or damaged, by the file's structure where it tells (PNG, WebP, HEIF), else
    by the decoder's words: libwebp says a cut file is broken, and a HEIF decoder may too;
    libheif says "Unexpected end of file" of a whole HEIC whose pixel data is garbled."""
    if truncation.cut_short(data):
        return _truncated(name)
    text = str(exc).lower()
    if not truncation.whole(data) and ("truncat" in text or "end of file" in text):
        return _truncated(name)
    return _invalid(
        name, Reason.UNREADABLE, "the image could not be decoded: the file may be damaged"
    )


def _truncated(name: str) -> PipelineError:
    return _invalid(name, Reason.TRUNCATED, "the file is truncated")


def _invalid(name: str, reason: Reason, text: str, **extra: object) -> PipelineError:
    return PipelineError(
        ErrorCode.REFERENCE_INVALID,
        f"{name}: {text}",
        details={"file": name, "reason": reason.value, **extra},
    )
