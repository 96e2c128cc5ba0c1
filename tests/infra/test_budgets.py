"""Every retry budget ends, with its own error, inside its function's timeout.

Each budget is derived from the settings the function gets in the synthesized template
(the rest are the code's defaults) and its timeout there: change a timeout, an attempt
count or a delay so that one no longer fits, and this fails.
"""

from __future__ import annotations

import pytest

from identity_images import budgets
from identity_images.settings import Settings
from infra.resource_spec import TIMEOUT_MARGIN_S
from tests.infra.conftest import Synthesized
from tests.infra.test_stack import environment, event_source_queues, function_id, refs

#: API Gateway's own limit on an integration: the API function must answer before it.
API_GATEWAY_TIMEOUT_S = 29


def settings_of(synth: Synthesized, name: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The function's settings as Lambda would read them: its environment, else defaults."""
    for field in Settings.model_fields:
        monkeypatch.delenv(field.upper(), raising=False)
    env = {k.lower(): v for k, v in environment(synth, name).items() if isinstance(v, str)}
    return Settings.model_validate({k: v for k, v in env.items() if k in Settings.model_fields})


def timeout_of(synth: Synthesized, name: str) -> int:
    return int(synth.props(function_id(synth, name))["Timeout"])


def trigger_batch_size(synth: Synthesized) -> int:
    (queue,) = event_source_queues(synth, "trigger")
    (mapping,) = [
        m["Properties"]
        for m in synth.of_type("AWS::Lambda::EventSourceMapping").values()
        if queue in refs(m["Properties"]["EventSourceArn"])
    ]
    return int(mapping["BatchSize"])


def fits(worst_s: float, timeout_s: float) -> bool:
    return worst_s + TIMEOUT_MARGIN_S <= timeout_s


def test_the_api_answers_host_unavailable_before_api_gateway_gives_up(
    synthesized: Synthesized, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_of(synthesized, "api", monkeypatch)
    timeout = timeout_of(synthesized, "api")
    assert timeout < API_GATEWAY_TIMEOUT_S
    assert fits(budgets.api_s(settings), timeout), budgets.django_read(settings)


def test_the_authorizer_gives_up_on_django_inside_its_timeout(
    synthesized: Synthesized, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_of(synthesized, "authorizer", monkeypatch)
    assert fits(budgets.introspection(settings).worst_s, timeout_of(synthesized, "authorizer"))


def test_a_trigger_batch_reading_a_hung_django_ends_inside_the_timeout(
    synthesized: Synthesized, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_of(synthesized, "trigger", monkeypatch)
    worst = budgets.trigger_s(settings, trigger_batch_size(synthesized))
    assert fits(worst, timeout_of(synthesized, "trigger")), worst


def test_the_worker_ends_gemini_django_and_the_callback_inside_its_timeout(
    synthesized: Synthesized, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_of(synthesized, "worker", monkeypatch)
    assert settings.gemini_timeout_s == 200  # the session's `-c geminiTimeoutS=200`
    timeout = timeout_of(synthesized, "worker")
    assert fits(budgets.worker_s(settings), timeout), budgets.worker_s(settings)
    # And the lease outlasts the run, so a live job is never taken over.
    assert settings.job_lease_s > timeout


def test_the_budget_is_the_sum_of_tries_and_capped_pauses() -> None:
    budget = budgets.RetryBudget(attempts=3, timeout_s=10, max_delay_s=5)
    assert budget.worst_s == 40


def test_defaults_alone_would_not_fit_the_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the API gets its own read settings: the defaults (3 x 10 s) do not fit 28 s."""
    for field in Settings.model_fields:
        monkeypatch.delenv(field.upper(), raising=False)
    assert not fits(budgets.api_s(Settings()), 28)
