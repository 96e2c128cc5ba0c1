"""The Images tab's budgets: the page's JavaScript (gzipped) and the image bytes a history
of 20 generations loads.

- JavaScript: every `.js` file of the production build (`web/dist`, `make web-build`),
  gzipped at level 9 as a CDN would serve it. Target: at most 150 kB, for all of it: a part
  loaded on demand (a lazy chunk) counts too. Said beside it, what the first screen loads:
  the scripts `index.html` runs and preloads (the entry and the chunks it imports); with no
  lazy chunk, all of it.
- History: a history row's thumbnail (192 CSS px at most) loads the item's small rendition
  (`output.small_url`, 384 px, the worker's `engine.preview.make_renditions` at the
  settings' defaults) on a 1x and a 2x screen alike; it loaded the 768 px preview before,
  and a job with neither shows the output itself. Measured on stand-in 4K outputs from the
  local Gemini server's renderer, against loading the full outputs and the previews.
  Target: at most 3 MB for 20.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from benchmarks import Figure, Report, megabytes

WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
TARGET_JS_GZIP_BYTES = 150_000
TARGET_HISTORY_BYTES = 3_000_000
HISTORY_ITEMS = 20
SAMPLES = 3  # distinct outputs rendered; the history repeats them


# A script index.html runs, or one it preloads (Vite's `modulepreload` of the entry's imports).
FIRST_SCREEN_SCRIPT = re.compile(
    r'<script\b[^>]*\bsrc="([^"]+\.js)"|<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+\.js)"'
)


def javascript_gzip_bytes(dist: Path = WEB_DIST) -> tuple[int, int]:
    """(raw, gzipped) bytes of the build's JavaScript."""
    files = sorted((dist / "assets").glob("*.js"))
    if not files:
        raise SystemExit(f"{dist} has no build: run `make web-build` first (make bench does)")
    return _sizes(files)


def first_screen_gzip_bytes(dist: Path = WEB_DIST) -> tuple[int, int]:
    """(raw, gzipped) bytes of the JavaScript the page loads before its first screen: what
    `index.html` runs and preloads, not a chunk loaded on demand."""
    html = (dist / "index.html").read_text()
    names = {Path(a or b).name for a, b in FIRST_SCREEN_SCRIPT.findall(html)}
    if not names:
        raise SystemExit(f"{dist / 'index.html'} loads no script")
    return _sizes([dist / "assets" / name for name in sorted(names)])


def _sizes(files: list[Path]) -> tuple[int, int]:
    raw = [f.read_bytes() for f in files]
    return sum(map(len, raw)), sum(len(gzip.compress(b, compresslevel=9)) for b in raw)


def history_bytes() -> tuple[int, int, int]:
    """(full outputs, previews, small renditions) bytes for a history of HISTORY_ITEMS 16:9
    4K generations."""
    from identity_images.engine.options import output_dimensions
    from identity_images.engine.preview import make_renditions
    from identity_images.settings import Settings
    from local_stack.gemini_image import draw_stand_in
    from tests.e2e.helpers import photo

    fields = Settings.model_fields
    sides = (fields["small_max_long_side"].default, fields["preview_max_long_side"].default)
    width, height = output_dimensions("16:9", "4K")
    full, previews, smalls = [], [], []
    for n in range(SAMPLES):
        output = draw_stand_in(
            width=width,
            height=height,
            prompt=f"history item {n}: smiling, outdoors, soft light",
            references=[photo(n), photo(n + 1)],
        )
        full.append(len(output.data))
        small, preview = make_renditions(output.data, long_sides=sides)
        previews.append(len(preview.data))
        smalls.append(len(small.data))

    def history_of(sizes: list[int]) -> int:
        return round(sum(sizes) / SAMPLES * HISTORY_ITEMS)

    return history_of(full), history_of(previews), history_of(smalls)


def run() -> Report:
    raw, gzipped = javascript_gzip_bytes()
    first_raw, first_gzipped = first_screen_gzip_bytes()
    full, previews, smalls = history_bytes()
    return Report(
        name="web",
        title="Images tab budgets",
        figures=(
            Figure(
                "page JavaScript (React, TanStack Query, the page, the shell), all of it, gzipped",
                f"{raw / 1000:.0f} kB raw",
                f"{gzipped / 1000:.0f} kB",
                f"{gzipped / TARGET_JS_GZIP_BYTES:.0%} of the budget",
                f"<= {TARGET_JS_GZIP_BYTES // 1000} kB",
                gzipped <= TARGET_JS_GZIP_BYTES,
            ),
            Figure(
                "of which the first screen loads (index.html's scripts and preloads), gzipped",
                f"{first_raw / 1000:.0f} kB raw",
                f"{first_gzipped / 1000:.0f} kB",
                "all of it"
                if first_gzipped == gzipped
                else f"{(gzipped - first_gzipped) / 1000:.0f} kB more loaded on demand",
            ),
            Figure(
                f"images a history of {HISTORY_ITEMS} loads (16:9 4K outputs)",
                f"{megabytes(full)} (full outputs)",
                f"{megabytes(smalls)} (small renditions)",
                f"{full / smalls:.0f}x fewer bytes; {previews / smalls:.1f}x fewer than the "
                f"previews it loaded before ({megabytes(previews)})",
                f"<= {megabytes(TARGET_HISTORY_BYTES)}",
                smalls <= TARGET_HISTORY_BYTES,
            ),
        ),
        notes=(
            "Stand-in outputs are flat drawings; real photos compress less, so the full "
            "outputs weigh more and the renditions about the same (a preview about 100 KB, "
            "a small rendition about a third of that).",
        ),
    )
