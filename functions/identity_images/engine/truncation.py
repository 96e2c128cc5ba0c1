"""Whether an image file was cut short, read from its own structure (nothing decoded).

Pillow refuses most cut files while it decodes them, but a decoder stops once it has the
pixels it needs, so some cut files decode without an error (Pillow 13, pillow-heif 1.8;
`tests/engine_references/test_truncated.py` holds every case):

- a PNG whose end is missing: the last bytes of its compressed pixels (up to about 20),
  its IEND chunk, chunks after the pixels, an APNG's later frames (`png_is_short`);
- an MPO (a JPEG with more pictures, as phones write them) cut in a later picture: the
  first one, which is used, is whole (`mpo_is_short`).

A JPEG, even cut just before its end marker, a WebP and a HEIF fail to decode when cut.
So does a PNG cut in its pixels. A HEIF whose metadata lies past the cut fails to *open*,
as if it were not an image: `cut_short` tells the two apart.

A decoder's words are no proof of a cut: libheif says "Unexpected end of file" of a HEIF
whose boxes are all there but whose pixel data is garbled (a length in it points past its
own end). A file `whole` by its structure that fails to decode is damaged, not cut short.

Bytes after a file's end are allowed (after a PNG's IEND, a JPEG's end marker, a RIFF's
or a HEIF's last box): some writers leave them, and every decoder ignores them.

The Images tab walks a HEIF's boxes the same way before it sends one (only Safari draws
HEIF): `web/src/pages/images/photos/heif.ts`, in step with `_heif_brands` and
`boxes_are_short` here. A change to one is made to the other (`test_truncated.py` reads
the page's HEIC fixture, cut where the page's test cuts it, with this one).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final, Literal

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_JPEG_START: Final = b"\xff\xd8"
_JPEG_END: Final = b"\xff\xd9"
_JPEG_SCAN: Final = 0xDA
_JPEG_APP2: Final = 0xE2
_MP_HEADER: Final = b"MPF\x00"
#: The ftyp brands of HEIF images (`mif1` also names AVIF: still an image file).
_HEIF_BRANDS: Final = frozenset({b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"})


def cut_short(data: bytes) -> bool:
    """Whether a PNG, WebP or HEIF file (told by its first bytes) ends before its own
    structure says it does: for a file that failed to open or decode, `truncated`
    rather than `unsupported_format` or `unreadable`."""
    if data.startswith(PNG_SIGNATURE):
        return png_is_short(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return riff_is_short(data)
    if _heif_brands(data) & _HEIF_BRANDS:
        return boxes_are_short(data)
    return False


def whole(data: bytes) -> bool:
    """Whether a PNG, WebP or HEIF file (told by its first bytes) holds all its structure
    says it does: a PNG's chunks up to IEND, a RIFF's size, a HEIF's boxes, each with its
    size, to the file's end. False where the structure cannot tell (another format; a last
    box sized "to the end of the file"; bytes after the end that are not a box): then what
    the decoder said of a cut is taken at its word."""
    if data.startswith(PNG_SIGNATURE):
        return not png_is_short(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return not riff_is_short(data)
    if _heif_brands(data) & _HEIF_BRANDS:
        return boxes_are_whole(data)
    return False


def png_is_short(data: bytes) -> bool:
    """Whether the chunks, followed by their lengths, run past the end before IEND."""
    end = len(data)
    at = len(PNG_SIGNATURE)
    while at + 8 <= end:
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        at += 12 + length  # length, type, body, CRC
        if at > end:
            return True
        if kind == b"IEND":
            return False
    return True


def riff_is_short(data: bytes) -> bool:
    """Whether a RIFF file (WebP) is shorter than its header says."""
    return len(data) < int.from_bytes(data[4:8], "little") + 8


def boxes_are_short(data: bytes) -> bool:
    """Whether the top-level boxes of an ISO media file (HEIF) run past the end."""
    return _how_boxes_end(data) == "short"


def boxes_are_whole(data: bytes) -> bool:
    """Whether the top-level boxes of an ISO media file (HEIF) each give their size and end
    together where the file does."""
    return _how_boxes_end(data) == "whole"


def _how_boxes_end(data: bytes) -> Literal["short", "whole", "to the end", "not boxes"]:
    """How the top-level boxes of an ISO media file end: past the file's end (a box's header
    or its size), together with it, with a last box that runs to the end wherever that is
    (size 0), or not as boxes at all (a size under 8)."""
    end = len(data)
    at = 0
    while at < end:
        if at + 8 > end:
            return "short"
        size = int.from_bytes(data[at : at + 4], "big")
        if size == 1:  # a 64-bit size follows the type
            if at + 16 > end:
                return "short"
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        elif size == 0:
            return "to the end"
        if size < 8:
            return "not boxes"
        at += size
    return "short" if at > end else "whole"


def _heif_brands(data: bytes) -> set[bytes]:
    """The major and compatible brands of an ISO media file's leading ftyp box."""
    if data[4:8] != b"ftyp":
        return set()
    size = min(int.from_bytes(data[:4], "big"), len(data))
    brands = {data[8:12]}
    brands.update(data[at : at + 4] for at in range(16, size - 3, 4))
    return brands


def mpo_is_short(data: bytes, later_offsets: Iterable[int]) -> bool:
    """Whether a later picture of an MPO file starts in the file but does not end in it.

    `later_offsets` are the MP entries' `DataOffset`s after the first one (relative to the
    MP header, as Pillow reads them). The entries' sizes are not trusted (Pillow writes
    wrong ones from the third picture on), and an offset that does not land on a JPEG
    start (a writer's mistake, or a cut before the picture) says nothing."""
    header = _mp_header(data)
    if header is None:
        return False
    for offset in later_offsets:
        start = header + offset
        if data[start : start + 2] == _JPEG_START and not _jpeg_ends(data, start):
            return True
    return False


def _mp_header(data: bytes) -> int | None:
    """Where the first picture's MP header (after APP2's `MPF\\0`) begins."""
    for marker, at in _jpeg_segments(data, 0):
        if marker == _JPEG_APP2 and data[at + 4 : at + 8] == _MP_HEADER:
            return at + 8
    return None


def _jpeg_ends(data: bytes, start: int) -> bool:
    """Whether the JPEG at `start` reaches its end marker: its header followed segment by
    segment up to the scan, then the first end marker after it (compressed data never
    holds one: a 0xFF there is followed by 0x00 or a restart marker)."""
    for marker, at in _jpeg_segments(data, start):
        if marker == _JPEG_SCAN:
            return data.find(_JPEG_END, at) != -1
    return False  # the header itself is cut


def _jpeg_segments(data: bytes, start: int) -> Iterator[tuple[int, int]]:
    """(marker, offset) of each segment of the JPEG at `start` up to its first scan;
    stops where the header is cut or is no JPEG header."""
    end = len(data)
    at = start + 2
    while at + 4 <= end and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # a fill byte before the marker
            at += 1
            continue
        yield marker, at
        if marker == _JPEG_SCAN:
            return
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
