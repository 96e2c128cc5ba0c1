"""A warm process prepares the same photo once: `PreparedCache` and
`prepare_reference_cached`."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from identity_images.engine import references as engine_references
from identity_images.engine.generation import GenerationRequest, ReferenceFile, _prepare_all
from identity_images.engine.references import (
    PreparedCache,
    ReferenceRules,
    prepare_reference,
    prepare_reference_cached,
)
from identity_images.errors import PipelineError
from tests.engine_references.images import encode, picture


def _photo(width: int = 1200) -> bytes:
    return encode(picture((width, 900)), "JPEG", quality=90)


def test_the_same_bytes_are_prepared_once_and_give_the_same_result(
    rules: ReferenceRules, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = PreparedCache()
    calls: list[str] = []
    real = engine_references.prepare_reference

    def counting(data: bytes, *, name: str, rules: ReferenceRules) -> object:
        calls.append(name)
        return real(data, name=name, rules=rules)

    monkeypatch.setattr(engine_references, "prepare_reference", counting)
    data = _photo()

    first = prepare_reference_cached(data, name="uploads/a.jpg", rules=rules, cache=cache)
    again = prepare_reference_cached(data, name="uploads/b.jpg", rules=rules, cache=cache)

    assert calls == ["uploads/a.jpg"]
    assert (cache.hits, cache.misses) == (1, 1)
    assert again.data == first.data == prepare_reference(data, name="x", rules=rules).data
    assert again.name == "uploads/b.jpg"  # named as this time's file
    assert first.name == "uploads/a.jpg"


def test_other_bytes_or_other_rules_are_prepared_again(rules: ReferenceRules) -> None:
    cache = PreparedCache()
    data = _photo()
    small = dataclasses.replace(rules, max_long_side=400)

    big = prepare_reference_cached(data, name="a", rules=rules, cache=cache)
    smaller = prepare_reference_cached(data, name="a", rules=small, cache=cache)
    other = prepare_reference_cached(_photo(1100), name="a", rules=rules, cache=cache)

    assert (cache.misses, cache.hits) == (3, 0)
    assert (big.width, smaller.width, other.width) == (1200, 400, 1100)


def test_a_refused_file_is_refused_every_time(rules: ReferenceRules) -> None:
    cache = PreparedCache()
    for _ in range(2):
        with pytest.raises(PipelineError):
            prepare_reference_cached(b"not an image", name="bad.jpg", rules=rules, cache=cache)
    assert len(cache) == 0


def test_the_cache_stays_within_its_bytes_least_recently_used_out(
    rules: ReferenceRules,
) -> None:
    photos = [_photo(1000 + 50 * i) for i in range(3)]
    sizes = [len(prepare_reference(p, name="x", rules=rules).data) for p in photos]
    cache = PreparedCache(max_bytes=sizes[0] + sizes[1] + sizes[2] - 1)

    prepare_reference_cached(photos[0], name="0", rules=rules, cache=cache)
    prepare_reference_cached(photos[1], name="1", rules=rules, cache=cache)
    prepare_reference_cached(photos[0], name="0", rules=rules, cache=cache)  # 0 used last
    prepare_reference_cached(photos[2], name="2", rules=rules, cache=cache)  # 1 goes

    assert cache.get(cache.key(photos[1], rules)) is None
    assert cache.get(cache.key(photos[0], rules)) is not None
    assert cache.get(cache.key(photos[2], rules)) is not None
    too_big = PreparedCache(max_bytes=sizes[0] - 1)
    prepare_reference_cached(photos[0], name="0", rules=rules, cache=too_big)
    assert len(too_big) == 0


def test_threads_share_the_cache_safely(rules: ReferenceRules) -> None:
    cache = PreparedCache(max_bytes=64 * 1024 * 1024)
    photos = [_photo(1000 + 40 * (i % 4)) for i in range(16)]

    def prepare(data: bytes) -> bytes:
        return prepare_reference_cached(data, name="t", rules=rules, cache=cache).data

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(prepare, photos))

    assert results == [prepare_reference(p, name="t", rules=rules).data for p in photos]
    assert len(cache) == 4
    assert cache.hits + cache.misses == 16


def test_a_generation_sending_the_same_photos_again_skips_their_preparation(
    rules: ReferenceRules,
) -> None:
    engine_references.PREPARED_CACHE.clear()
    files = [ReferenceFile(name=f"uploads/{i}.jpg", data=_photo(900 + 60 * i)) for i in range(3)]
    request = GenerationRequest(
        identity_name="Ada",
        identity_description="",
        prompt="",
        references=files,
        aspect_ratio="1:1",
        image_size="1K",
    )
    hits_before = engine_references.PREPARED_CACHE.hits

    first = _prepare_all(request.references, rules)
    renamed = [ReferenceFile(name=f"prepared/{i}.jpg", data=f.data) for i, f in enumerate(files)]
    second = _prepare_all(renamed, rules)

    assert engine_references.PREPARED_CACHE.hits - hits_before == 3
    assert [p.data for p in second] == [p.data for p in first]
    assert [p.name for p in second] == [f.name for f in renamed]
