"""What API Gateway does with a REST `REQUEST` Lambda authorizer's answer.

- the identity source (the `Authorization` header) missing: 401 without calling it;
- it raises `Exception("Unauthorized")`: 401;
- it returns a policy: the policy is cached per identity-source value for the TTL and
  evaluated against each request's method ARN (an explicit Deny wins, no matching Allow
  is a deny), so a policy that names one route denies the next route from the cache;
- it returns something malformed (no principal, nested context): 500.

The authorizer `context` reaches the API Lambda stringified (`true`, `42`), as on AWS.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Decision(StrEnum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit_deny"
    IMPLICIT_DENY = "implicit_deny"


class AuthorizerConfigurationError(Exception):
    """The authorizer's answer is not one API Gateway accepts (it answers 500)."""


@dataclass(frozen=True)
class AuthorizerResult:
    principal_id: str
    statements: tuple[Mapping[str, Any], ...]
    context: Mapping[str, str]

    @classmethod
    def parse(cls, output: Any) -> AuthorizerResult:
        if not isinstance(output, Mapping):
            raise AuthorizerConfigurationError("authorizer output is not an object")
        principal = output.get("principalId")
        policy = output.get("policyDocument")
        if not isinstance(principal, str | int) or not isinstance(policy, Mapping):
            raise AuthorizerConfigurationError("principalId or policyDocument missing")
        statements = policy.get("Statement")
        if isinstance(statements, Mapping):
            statements = [statements]
        if not isinstance(statements, list) or not all(isinstance(s, Mapping) for s in statements):
            raise AuthorizerConfigurationError("policyDocument.Statement is not a list")
        return cls(str(principal), tuple(statements), stringify_context(output.get("context")))

    def decide(self, method_arn: str) -> Decision:
        allowed = False
        for statement in self.statements:
            if not _any_matches(statement.get("Action"), "execute-api:Invoke", ignore_case=True):
                continue
            if not _any_matches(statement.get("Resource"), method_arn):
                continue
            effect = str(statement.get("Effect", "")).lower()
            if effect == "deny":
                return Decision.EXPLICIT_DENY
            if effect == "allow":
                allowed = True
        return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY

    def request_context(self) -> dict[str, str]:
        """`requestContext.authorizer` of the proxy event."""
        return {**self.context, "principalId": self.principal_id}


def stringify_context(context: Any) -> dict[str, str]:
    """API Gateway passes only flat string/number/boolean values, as strings."""
    if context is None:
        return {}
    if not isinstance(context, Mapping):
        raise AuthorizerConfigurationError("authorizer context is not an object")
    out: dict[str, str] = {}
    for key, value in context.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[str(key)] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            out[str(key)] = str(value)
        else:
            raise AuthorizerConfigurationError(f"authorizer context {key!r} is not flat")
    return out


def _any_matches(patterns: Any, value: str, *, ignore_case: bool = False) -> bool:
    items = [patterns] if isinstance(patterns, str) else patterns
    if not isinstance(items, list):
        return False
    return any(
        isinstance(p, str) and _wildcard(p, ignore_case).fullmatch(value) is not None for p in items
    )


def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """IAM wildcards: `*` any run of characters, `?` one character, a line break
    included (`re.DOTALL`): a path with `%0A` in it is still under `/*/*`, which an admin
    was refused (403) for."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


class AuthorizerCache:
    """Policies by identity-source value, for `ttl_s` seconds (0 turns caching off)."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, tuple[float, AuthorizerResult]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> AuthorizerResult | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, result = entry
            if self._clock() >= expires:
                del self._entries[key]
                return None
            return result

    def put(self, key: str, result: AuthorizerResult) -> None:
        if self._ttl_s <= 0:
            return
        with self._lock:
            self._entries[key] = (self._clock() + self._ttl_s, result)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
