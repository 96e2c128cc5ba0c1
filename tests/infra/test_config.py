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
        geminiTimeoutS="240",
        skipLayerBuild="true",
        workerMaxReceiveCount="3",
    )
    assert cfg.allowed_origins == ("https://a.example.com", "https://b.example.com")
    assert cfg.gemini_timeout_s == 240
    assert cfg.skip_layer_build is True
    assert cfg.worker_max_receive_count == 3


def test_the_worker_timeout_covers_every_gemini_attempt_within_lambdas_limit() -> None:
    assert config(geminiTimeoutS=60, geminiRetryAttempts=3).worker_timeout_s == (
        3 * 60 + WORKER_MARGIN_S
    )
    assert config(geminiTimeoutS=600).worker_timeout_s == LAMBDA_MAX_TIMEOUT_S


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
    ],
)
def test_bad_context_is_refused_with_a_clear_error(context: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="Bad CDK context"):
        config(**context)
