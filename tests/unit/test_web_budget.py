"""benchmarks.web counts the page's JavaScript: all of it against the budget, and says what
the first screen loads (index.html's scripts and preloads), apart from a chunk loaded on
demand."""

from __future__ import annotations

import gzip
from pathlib import Path

from benchmarks.web import first_screen_gzip_bytes, javascript_gzip_bytes


def _build(dist: Path, scripts: dict[str, bytes], html: str) -> None:
    (dist / "assets").mkdir(parents=True)
    for name, body in scripts.items():
        (dist / "assets" / name).write_bytes(body)
    (dist / "index.html").write_text(html)


def _gz(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=9))


def test_the_first_screen_is_what_index_html_runs_and_preloads_not_a_lazy_chunk(
    tmp_path: Path,
) -> None:
    entry, vendor, lazy = b"import './vendor.js';" * 50, b"var react = 1;" * 80, b"x" * 900
    _build(
        tmp_path,
        {"index-a1.js": entry, "vendor-b2.js": vendor, "CompareDialog-c3.js": lazy},
        '<script type="module" crossorigin src="/assets/index-a1.js"></script>\n'
        '<link rel="modulepreload" crossorigin href="/assets/vendor-b2.js">\n'
        '<link rel="stylesheet" crossorigin href="/assets/index-d4.css">\n',
    )

    assert first_screen_gzip_bytes(tmp_path) == (len(entry) + len(vendor), _gz(entry) + _gz(vendor))
    assert javascript_gzip_bytes(tmp_path) == (
        len(entry) + len(vendor) + len(lazy),
        _gz(entry) + _gz(vendor) + _gz(lazy),
    )


def test_with_no_lazy_chunk_the_first_screen_is_all_of_it(tmp_path: Path) -> None:
    _build(
        tmp_path,
        {"index-a1.js": b"console.log(1);" * 40},
        '<script type="module" crossorigin src="/assets/index-a1.js"></script>',
    )

    assert first_screen_gzip_bytes(tmp_path) == javascript_gzip_bytes(tmp_path)
