"""The reaper tests' own fixtures: the reaper the handler uses, and the job's reference in
the bucket for every test. The moto server, resources, local Gemini, fake host and worker
are shared ones from `tests/conftest.py`."""

from __future__ import annotations

import pytest

from identity_images.handlers import reaper as reaper_handler
from identity_images.logic.reaper import Reaper, build_reaper
from identity_images.settings import Settings
from tests.jobs.reaper.helpers import REFS
from tests.support.aws_state import put_reference


@pytest.fixture
def reaper(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Reaper:
    built = build_reaper(settings)
    monkeypatch.setattr(reaper_handler, "get_reaper", lambda: built)
    return built


@pytest.fixture(autouse=True)
def _references(api_app: None) -> None:
    for key in REFS:
        put_reference(key)
