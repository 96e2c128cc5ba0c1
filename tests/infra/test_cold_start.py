"""The base-layer functions (api, authorizer, trigger, reaper) must not load the imaging
libraries: their layer does not have them, and they would slow every cold start."""

from __future__ import annotations

import pytest

from benchmarks.cold_start import BASE_LAYER_ONLY, HANDLERS, HEAVY, probe


@pytest.mark.parametrize("name", BASE_LAYER_ONLY)
def test_base_layer_handlers_load_neither_google_genai_nor_pillow(name: str) -> None:
    sample = probe(HANDLERS[name])
    assert not sample.missing, f"{HANDLERS[name]} is missing"
    assert sample.heavy == (), f"{name} loads {sample.heavy}"


def test_the_probe_sees_heavy_modules_when_they_are_loaded() -> None:
    sample = probe("PIL.Image")
    assert not sample.missing
    assert "PIL" in sample.heavy
    assert set(sample.heavy) <= set(HEAVY)


def test_the_probe_reports_a_missing_module() -> None:
    assert probe("identity_images.handlers.no_such_handler").missing
