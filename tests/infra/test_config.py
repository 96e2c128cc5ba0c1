"""CDK context: strings from `-c` become typed values; nonsense is refused up front."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App

from infra.config import LAMBDA_MAX_TIMEOUT_S, WORKER_MARGIN_S, ConfigError, InfraConfig


def config(**context: Any) -> InfraConfig:
    return InfraConfig.from_context(App(context=context))


def test_defaults_synthesize_without_any_context() -> None:
    cfg = config()
    assert cfg.stage == "dev"
    assert cfg.allowed_origins == ("http://localhost:5173",)
    assert cfg.skip_layer_build is False
    assert cfg.worker_max_receive_count == 5


def test_command_line_strings_become_typed_values() -> None:
    cfg = config(
        allowedOrigins="https://a.example.com, https://b.example.com",
        geminiTimeoutS="200",
        skipLayerBuild="true",
        workerMaxReceiveCount="3",
    )
    assert cfg.allowed_origins == ("https://a.example.com", "https://b.example.com")
    assert cfg.gemini_timeout_s == 200
    assert cfg.skip_layer_build is True
    assert cfg.worker_max_receive_count == 3


def test_the_worker_timeout_covers_every_retried_call_within_lambdas_limit() -> None:
    """Every Gemini try and pause (30 s), a Django read (3 x 10 s + 2 x 5 s), the
    callback (5 x 10 s + 4 x 8 s), the margin and 3 s to spare."""
    gemini = 3 * 60 + 2 * 30
    assert config(geminiTimeoutS=60, geminiRetryAttempts=3).worker_timeout_s == (
        gemini + 40 + 82 + WORKER_MARGIN_S + 3
    )
    with pytest.raises(ConfigError, match="more than Lambda's 900 s limit"):
        config(geminiTimeoutS=250, geminiRetryAttempts=3)
    assert config(geminiTimeoutS=600, geminiRetryAttempts=1).worker_timeout_s <= (
        LAMBDA_MAX_TIMEOUT_S
    )


@pytest.mark.parametrize(
    "context",
    [
        {"allowedOrigins": "*"},
        {"allowedOrigins": "admin.example.com"},
        {"allowedOrigins": "https://admin.example.com/path"},
        {"allowedOrigins": " , "},
        {"stage": "Prod"},
        {"geminiTimeoutS": str(LAMBDA_MAX_TIMEOUT_S)},
        {"geminiTimeoutS": "0"},
        {"authMode": "basic"},
        {"workerMaxReceiveCount": "0"},
        {"apiProvisionedConcurrency": "-1"},
        {"apiProvisionedConcurrency": "11"},
        {"apiProvisionedConcurrency": "one"},
        {"apiSnapStart": "sometimes"},
    ],
)
def test_bad_context_is_refused_with_a_clear_error(context: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="Bad CDK context"):
        config(**context)


@pytest.mark.parametrize(
    ("context", "snap_start"),
    [
        ({}, True),
        ({"apiSnapStart": "false"}, False),
        ({"apiProvisionedConcurrency": "1"}, False),
        ({"apiProvisionedConcurrency": "0", "apiSnapStart": "true"}, True),
    ],
)
def test_snap_start_is_on_unless_turned_off_or_replaced_by_provisioned_concurrency(
    context: dict[str, str], snap_start: bool
) -> None:
    assert config(**context).click_snap_start is snap_start
