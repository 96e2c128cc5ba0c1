"""Each function requires the resource names it uses: a missing one fails when the
function builds its adapters, not on first use against a developer's default name."""

from __future__ import annotations

import pytest

from identity_images.settings import (
    API_RESOURCES,
    REAPER_RESOURCES,
    AuthSettings,
    MissingSettingsError,
    Settings,
)


def test_a_missing_resource_name_is_refused_naming_its_variable() -> None:
    given = Settings(bucket_name="b", jobs_table_name="t", jobs_queue_url="")
    with pytest.raises(MissingSettingsError, match="JOBS_QUEUE_URL, IDEMPOTENCY_TABLE_NAME"):
        given.require(API_RESOURCES)


def test_names_given_by_the_environment_are_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    names = {"BUCKET_NAME": "b", "JOBS_TABLE_NAME": "t", "JOBS_QUEUE_URL": "q", "JOBS_DLQ_URL": "d"}
    for name, value in names.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.require(REAPER_RESOURCES) is settings


def test_the_authorizer_settings_hold_nothing_of_gemini_or_the_resources() -> None:
    names = set(AuthSettings.model_fields)
    assert "jwt_algorithms" in names
    assert not {n for n in names if n.startswith("gemini") or n.endswith(("_name", "_url"))} - {
        "jwks_url",
        "django_introspect_url",
        "aws_endpoint_url",
    }
