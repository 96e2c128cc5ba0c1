"""The name a person would keep for a downloaded image."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from urllib.parse import quote

from identity_images.media_types import extension_for


def download_filename(
    name: str, when: datetime, mime_type: str, *, variant: int | None = None
) -> str:
    """`{name as an ASCII slug}-{YYYY-MM-DD-HHMMSS}[-v{variant}].{extension of the actual
    type}`, e.g. `ada-lovelace-2026-11-29-171500.png`, or `…-171500-v2.png` for the second
    variant of a click (its variants finish in the same second)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = "".join(c if c.isalnum() else "-" for c in folded.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:60].strip("-") or "identity"
    suffix = f"-v{variant}" if variant is not None else ""
    return f"{slug}-{when.strftime('%Y-%m-%d-%H%M%S')}{suffix}.{extension_for(mime_type)}"


def attachment(filename: str) -> str:
    """A `Content-Disposition` that downloads under `filename` (RFC 6266, both forms)."""
    return f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
