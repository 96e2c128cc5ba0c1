"""The name a downloaded image gets: readable, ASCII, the real type's extension, and
distinct for the variants of one click (they finish in the same second)."""

from __future__ import annotations

from datetime import datetime

import pytest

from identity_images.logic.filenames import download_filename
from identity_images.models.jobs import Job

WHEN = datetime(2026, 11, 29, 17, 15, 0)


def test_a_download_is_named_by_the_identity_and_the_time() -> None:
    assert (
        download_filename("Ada Lovelace", WHEN, "image/png") == "ada-lovelace-2026-11-29-171500.png"
    )


def test_a_name_without_ascii_letters_still_gives_a_name() -> None:
    assert download_filename("张伟", WHEN, "image/jpeg") == "identity-2026-11-29-171500.jpg"


def test_each_variant_of_a_click_has_its_own_name() -> None:
    names = {download_filename("Ada", WHEN, "image/png", variant=n) for n in (1, 2, 3)}
    assert names == {f"ada-2026-11-29-171500-v{n}.png" for n in (1, 2, 3)}


def _job(batch_index: int | None = None, batch_size: int | None = None) -> Job:
    return Job.new(
        identity_id="11",
        identity_name="Ada",
        user_id="1",
        created_by="1",
        reference_keys=["uploads/1/u/1.jpg"],
        prompt="",
        aspect_ratio="1:1",
        image_size="1K",
        model="m",
        apply=False,
        batch_index=batch_index,
        batch_size=batch_size,
    )


@pytest.mark.parametrize(
    ("batch", "variant"),
    [
        ({}, None),
        ({"batch_index": 0, "batch_size": 1}, None),
        ({"batch_index": 0, "batch_size": 3}, 1),
        ({"batch_index": 2, "batch_size": 3}, 3),
    ],
)
def test_a_job_knows_its_variant_only_when_its_click_made_several(
    batch: dict[str, int], variant: int | None
) -> None:
    assert _job(**batch).variant == variant
