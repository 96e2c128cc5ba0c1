"""Preparation is safe in threads (the generation engine uses them), and the benchmark's
own pieces do what its figures claim."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageCms

from benchmarks import Figure, Report
from benchmarks.__main__ import write_readme
from benchmarks.references import ORIENTATIONS, PHOTO_SIZE, phone_photo
from identity_images.engine.references import ReferenceRules, prepare_reference
from tests.engine_references.images import decoded, encode, exif_with, picture


def test_preparing_in_threads_gives_the_same_bytes_as_one_at_a_time(
    rules: ReferenceRules,
) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    uploads = [
        encode(picture((900 + i * 40, 700)), fmt, exif=exif_with(6).tobytes(), icc_profile=srgb)
        for i, fmt in enumerate(["JPEG", "PNG", "WEBP", "JPEG", "PNG", "WEBP"] * 2)
    ]

    def prepare(data: bytes) -> bytes:
        return prepare_reference(data, name="t", rules=rules).data

    one_at_a_time = [prepare(data) for data in uploads]
    with ThreadPoolExecutor(max_workers=4) as pool:
        in_threads = list(pool.map(prepare, uploads))

    assert in_threads == one_at_a_time


def test_the_benchmark_photo_is_a_rotated_phone_photo_within_budget(
    rules: ReferenceRules,
) -> None:
    data = phone_photo(seed=0, orientation=ORIENTATIONS[0])
    stored = Image.open(io.BytesIO(data))
    assert stored.size == PHOTO_SIZE
    assert stored.getexif()[0x0112] == 6

    prepared = prepare_reference(data, name="IMG_0000.jpg", rules=rules)

    assert (prepared.width, prepared.height) == (1152, 1536)
    assert decoded(prepared.data).size == (1152, 1536)
    assert len(prepared.data) * len(ORIENTATIONS) <= 2_500_000


def test_a_report_is_met_only_when_every_target_is() -> None:
    hit = Figure("a", "1 s", "0.1 s", "10x", ">= 10x", met=True)
    info = Figure("b", "", "5 MB", "note")
    miss = Figure("c", "1 MB", "2 MB", "2x more", "<= 1 MB", met=False)

    assert Report("x", "X", (hit, info)).met
    assert not Report("x", "X", (hit, info, miss)).met
    table = Report("x", "X", (hit, miss), notes=("a note",)).markdown()
    assert "| a | 1 s | 0.1 s | 10x | >= 10x | yes |" in table
    assert "| **NO** |" in table
    assert table.endswith("- a note")


def test_write_readme_replaces_only_the_reports_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# T\n<!-- bench:x:start -->\nold\n<!-- bench:x:end -->\n## After\n"
        "<!-- bench:y:start -->\nkeep\n<!-- bench:y:end -->\n"
    )
    report = Report("x", "New title", (Figure("m", "1", "2", "2x"),))

    assert write_readme(report, readme)
    text = readme.read_text()
    assert "old" not in text
    assert "**New title**" in text
    assert text.startswith("# T\n<!-- bench:x:start -->\n**New title**")
    assert "## After\n<!-- bench:y:start -->\nkeep\n" in text
    assert not write_readme(Report("z", "Z", ()), readme)
