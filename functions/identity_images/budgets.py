"""How long each retried call may take at worst, from the settings alone.

Every call that is retried (Django reads, the image callback, Gemini) gives up with its
own error after `attempts` tries of at most `timeout_s` each, with at most `max_delay_s`
between tries (a `Retry-After` is honoured only up to that cap). That worst case must end
inside the calling function's timeout with a margin, or the function is killed first and
the caller sees a timeout (API Gateway: 504 `internal_error`) instead of the error.
`tests/infra/test_budgets.py` derives each budget from the settings every function gets in
the synthesized template and checks it against that function's timeout.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity_images.settings import Settings

#: Django reads one trigger record makes at most: the identity, then its owner.
TRIGGER_READS_PER_RECORD = 2


@dataclass(frozen=True)
class RetryBudget:
    attempts: int
    timeout_s: float
    max_delay_s: float

    @property
    def worst_s(self) -> float:
        """Every attempt at its full timeout, every pause at its cap."""
        return self.attempts * self.timeout_s + (self.attempts - 1) * self.max_delay_s


def django_read(settings: Settings) -> RetryBudget:
    return RetryBudget(
        settings.django_read_attempts, settings.django_timeout_s, settings.django_retry_max_delay_s
    )


def callback(settings: Settings) -> RetryBudget:
    return RetryBudget(
        settings.callback_max_attempts,
        settings.django_timeout_s,
        settings.callback_retry_max_delay_s,
    )


def gemini(settings: Settings) -> RetryBudget:
    return RetryBudget(
        settings.gemini_retry_attempts, settings.gemini_timeout_s, settings.gemini_retry_max_delay_s
    )


def introspection(settings: Settings) -> RetryBudget:
    """The authorizer asks Django once: a retry would not fit its 10 s."""
    return RetryBudget(1, settings.django_timeout_s, 0.0)


def api_s(settings: Settings) -> float:
    """A route gives up with `host_unavailable` after one read's budget when Django hangs."""
    return django_read(settings).worst_s


def trigger_s(settings: Settings, batch_size: int) -> float:
    """Every record of a batch reading Django at its worst."""
    return batch_size * TRIGGER_READS_PER_RECORD * django_read(settings).worst_s


def worker_s(settings: Settings) -> float:
    """One invocation: the identity from Django, Gemini, then the callback."""
    return django_read(settings).worst_s + gemini(settings).worst_s + callback(settings).worst_s
