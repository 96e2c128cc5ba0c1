"""The jobs tests' own fixtures; the moto server, resources, local Gemini, fake host and
worker are shared ones from `tests/conftest.py`."""

from __future__ import annotations

import pytest

from tests.jobs.helpers import REFS
from tests.support.aws_state import put_reference


@pytest.fixture
def api_app_ready(api_app: None) -> None:
    """The API app with the two references of `REFS` uploaded."""
    for key in REFS:
        put_reference(key)
