"""The one place that builds the pipeline's keys, with and without a root prefix."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from identity_images.bucket_layout import BucketLayout, normalize_root
from identity_images.settings import Settings


def test_the_dedicated_bucket_keeps_todays_keys() -> None:
    layout = BucketLayout()
    assert layout.prefixes == ("uploads/", "references/identities/", "generated/", "prepared/")
    assert layout.upload_key("7", "u1", 1, "image/jpeg") == "uploads/7/u1/1.jpg"
    assert layout.reference_key("id-1", "r1", "image/png") == "references/identities/id-1/r1.png"
    assert layout.output_key("id-1", "j1", "image/png") == "generated/identities/id-1/j1.png"
    assert layout.preview_key("id-1", "j1", "image/jpeg") == (
        "generated/identities/id-1/j1.preview.jpg"
    )
    assert layout.small_key("id-1", "j1", "image/jpeg") == "generated/identities/id-1/j1.small.jpg"
    assert layout.large_key("id-1", "j1", "image/jpeg") == "generated/identities/id-1/j1.large.jpg"
    assert layout.prepared_reference_key("id-1", "j1", 2) == "prepared/identities/id-1/j1/2.jpg"


def test_every_key_starts_with_the_root() -> None:
    layout = BucketLayout("media/identity-images")
    assert layout.root == "media/identity-images/"
    keys = [
        layout.upload_prefix("7"),
        layout.upload_key("7", "u1", 1, "image/webp"),
        layout.reference_folder("id-1"),
        layout.reference_key("id-1", "r1", "image/heic"),
        layout.output_key("id-1", "j1", "image/jpeg"),
        layout.preview_key("id-1", "j1", "image/webp"),
        layout.small_key("id-1", "j1", "image/webp"),
        layout.large_key("id-1", "j1", "image/webp"),
        layout.prepared_reference_key("id-1", "j1", 0),
        *layout.prefixes,
    ]
    assert all(key.startswith("media/identity-images/") for key in keys)
    assert layout.output_key("id-1", "j1", "image/jpeg") == (
        "media/identity-images/generated/identities/id-1/j1.jpg"
    )


def test_identity_of_reads_only_its_own_roots_reference_folders() -> None:
    layout = BucketLayout("identity-images/")
    assert layout.identity_of("identity-images/references/identities/abc/p.jpg") == "abc"
    assert layout.identity_of("references/identities/abc/p.jpg") is None  # another root
    assert layout.identity_of("identity-images/generated/identities/abc/j.png") is None
    assert layout.identity_of("identity-images/references/identities/abc/") is None
    assert layout.identity_of("identity-images/references/identities/abc/d/p.jpg") is None
    assert BucketLayout().identity_of("identity-images/references/identities/a/p.jpg") is None


@pytest.mark.parametrize("root", ["../x", "a//b/../c", "a b/", "a/./b", "x/*"])
def test_a_prefix_that_is_not_plain_segments_is_refused(root: str) -> None:
    with pytest.raises(ValueError, match="not a bucket prefix"):
        normalize_root(root)


def test_settings_normalise_the_prefix_and_build_the_layout() -> None:
    assert Settings(bucket_prefix="/identity-images").bucket_prefix == "identity-images/"
    layout = Settings(bucket_prefix="identity-images").bucket_layout
    assert layout.references == "identity-images/references/identities/"
    assert Settings().bucket_layout == BucketLayout()
    with pytest.raises(ValidationError):
        Settings(bucket_prefix="../escape")


@pytest.mark.parametrize("root", ["", "identity-images/"])
def test_an_output_key_names_its_identity_and_job(root: str) -> None:
    layout = BucketLayout(root)
    assert layout.output_of(layout.output_key("11", "j1", "image/png")) == ("11", "j1")
    for other in (
        layout.preview_key("11", "j1", "image/jpeg"),
        layout.small_key("11", "j1", "image/jpeg"),
        layout.large_key("11", "j1", "image/jpeg"),
        layout.prepared_reference_key("11", "j1", 0),
        f"{root}generated/identities/11/deeper/j1.png",
        f"{root}generated/identities/11/j1",
        f"{root}generated/identities/../j1.png",
        "elsewhere/generated/identities/11/j1.png",
    ):
        assert layout.output_of(other) is None, other


@pytest.mark.parametrize("root", ["", "identity-images/"])
def test_a_prepared_reference_key_names_the_identity_it_was_kept_for(root: str) -> None:
    layout = BucketLayout(root)
    assert layout.prepared_of(layout.prepared_reference_key("11", "j1", 2)) == ("11", "j1")
    for other in (
        layout.output_key("11", "j1", "image/png"),
        f"{root}prepared/identities/11/j1/x/0.jpg",
        f"{root}prepared/identities/11/j1/0.png",
        f"{root}prepared/identities/11/../0.jpg",
    ):
        assert layout.prepared_of(other) is None, other


@pytest.mark.parametrize(
    "key",
    [
        "references/identities/abc\n/x.jpg",
        "references/identities/abc/x.jpg\n",
    ],
)
def test_a_reference_key_with_a_trailing_line_break_is_no_reference(key: str) -> None:
    """Python's `$` matches before a final "\\n": `abc\\n` would pass for an id and reach
    the host as one (which refuses it), or a name would be listed that cannot be deleted."""
    assert BucketLayout().identity_of(key) is None


@pytest.mark.parametrize(
    "key",
    [
        "generated/identities/abc\n/job.png",
        "generated/identities/abc/job\n.png",
    ],
)
def test_an_output_key_with_a_trailing_line_break_is_no_output(key: str) -> None:
    assert BucketLayout().output_of(key) is None


@pytest.mark.parametrize(
    "key",
    [
        "prepared/identities/abc\n/job/0.jpg",
        "prepared/identities/abc/job\n/0.jpg",
        "prepared/identities/abc/job/0.jpg\n",
    ],
)
def test_a_prepared_key_with_a_trailing_line_break_is_no_kept_photo(key: str) -> None:
    assert BucketLayout().prepared_of(key) is None


def test_a_root_segment_with_a_trailing_line_break_is_refused() -> None:
    with pytest.raises(ValueError, match="not a bucket prefix"):
        normalize_root("media\n/identity-images")
