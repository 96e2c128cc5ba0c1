from __future__ import annotations

import pytest

from identity_images.engine.references import ReferenceRules


@pytest.fixture
def rules() -> ReferenceRules:
    return ReferenceRules()


@pytest.fixture
def small_rules() -> ReferenceRules:
    """Small limits, so tests cross them with small files."""
    return ReferenceRules(max_long_side=256, max_bytes=200_000, max_pixels=1_000_000)
