"""The Images tab's budgets: the page's JavaScript (gzipped) and the image bytes a history
of 20 generations loads.

- JavaScript: every `.js` file of the production build (`web/dist`, `make web-build`),
  gzipped at level 9 as a CDN would serve it. Target: at most 150 kB.
- History: the page shows each history item's `output.preview_url` (the worker's preview,
  `engine.preview.make_preview` with its defaults), falling back to the output itself only
  for jobs that have no preview. Measured on stand-in 4K outputs from the local Gemini
  server's renderer, against loading the full outputs. Target: at most 3 MB for 20.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from benchmarks import Figure, Report, megabytes

WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
TARGET_JS_GZIP_BYTES = 150_000
TARGET_HISTORY_BYTES = 3_000_000
HISTORY_ITEMS = 20
SAMPLES = 3  # distinct outputs rendered; the history repeats them


def javascript_gzip_bytes(dist: Path = WEB_DIST) -> tuple[int, int]:
    """(raw, gzipped) bytes of the build's JavaScript."""
    files = sorted((dist / "assets").glob("*.js"))
    if not files:
        raise SystemExit(f"{dist} has no build: run `make web-build` first (make bench does)")
    raw = [f.read_bytes() for f in files]
    return sum(map(len, raw)), sum(len(gzip.compress(b, compresslevel=9)) for b in raw)


def history_bytes() -> tuple[int, int]:
    """(full outputs, previews) bytes for a history of HISTORY_ITEMS 16:9 4K generations."""
    from identity_images.engine.options import output_dimensions
    from identity_images.engine.preview import make_preview
    from local_stack.gemini_image import draw_stand_in
    from tests.e2e.helpers import photo

    width, height = output_dimensions("16:9", "4K")
    full, previews = [], []
    for n in range(SAMPLES):
        output = draw_stand_in(
            width=width,
            height=height,
            prompt=f"history item {n}: smiling, outdoors, soft light",
            references=[photo(n), photo(n + 1)],
        )
        full.append(len(output.data))
        previews.append(len(make_preview(output.data).data))
    per_full, per_preview = sum(full) / SAMPLES, sum(previews) / SAMPLES
    return round(per_full * HISTORY_ITEMS), round(per_preview * HISTORY_ITEMS)


def run() -> Report:
    raw, gzipped = javascript_gzip_bytes()
    full, previews = history_bytes()
    return Report(
        name="web",
        title="Images tab budgets",
        figures=(
            Figure(
                "page JavaScript (React, TanStack Query, the page, the shell), gzipped",
                f"{raw / 1000:.0f} kB raw",
                f"{gzipped / 1000:.0f} kB",
                f"{gzipped / TARGET_JS_GZIP_BYTES:.0%} of the budget",
                f"<= {TARGET_JS_GZIP_BYTES // 1000} kB",
                gzipped <= TARGET_JS_GZIP_BYTES,
            ),
            Figure(
                f"images a history of {HISTORY_ITEMS} loads (16:9 4K outputs)",
                f"{megabytes(full)} (full outputs)",
                f"{megabytes(previews)} (previews)",
                f"{full / previews:.0f}x fewer bytes",
                f"<= {megabytes(TARGET_HISTORY_BYTES)}",
                previews <= TARGET_HISTORY_BYTES,
            ),
        ),
        notes=(
            "Stand-in outputs are flat drawings; real photos compress less, so the full "
            "outputs weigh more and the previews about the same (about 100 KB each).",
        ),
    )
