"""What the pipeline knows of the host app, and the small interfaces it talks through.

The logic depends on these protocols only; `identity_images.adapters.django_host`
implements them over HTTP, and unit tests use fakes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

#: A user or identity id of the host: what reaches the host's URLs as one path segment.
#: Integers, UUIDs and slugs fit; `/`, `.`, `%` and anything else never reach the host.
#: The pattern is for pydantic (the request models' and the routes' id fields), whose
#: patterns run on Rust's regex: there `$` is the end of the text (`\Z` does not exist).
#: Python code checks with `is_host_id`: Python's `$` also matches before a final "\n".
HOST_ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
_HOST_ID = re.compile(HOST_ID_PATTERN)


def is_host_id(value: str) -> bool:
    """Whether all of `value` is one of the host's ids (`HOST_ID_PATTERN`, a fullmatch: no
    trailing "\n")."""
    return _HOST_ID.fullmatch(value) is not None


class Caller(BaseModel):
    """The admin calling the API: what the authorizer verified and passes on to the API
    Lambda as its context (`requestContext.authorizer`)."""

    model_config = ConfigDict(frozen=True)

    user_id: str = Field(min_length=1)
    username: str = ""
    is_staff: bool = False
    expires_at: int | None = Field(
        default=None,
        description="The token's `exp` (epoch seconds); None when the host decides "
        "(introspection).",
    )

    def authorizer_context(self) -> dict[str, str]:
        """What API Gateway hands the API Lambda: strings only. `exp` lets the API refuse
        a token that expired while the authorizer's answer was cached."""
        context = {
            "user_id": self.user_id,
            "username": self.username,
            "is_staff": "true" if self.is_staff else "false",
        }
        if self.expires_at is not None:
            context["exp"] = str(self.expires_at)
        return context

    @classmethod
    def from_authorizer_context(cls, context: Mapping[str, Any]) -> Caller:
        """The inverse of `authorizer_context`; raises `ValidationError` when the context
        names no user."""
        return cls(
            user_id=str(context.get("user_id") or ""),
            username=str(context.get("username") or ""),
            is_staff=str(context.get("is_staff", "")).lower() == "true",
            expires_at=context.get("exp") or None,
        )


class HostUser(BaseModel):
    """A user of the host app, as the Images tab's user selector shows it."""

    model_config = ConfigDict(frozen=True)

    id: str
    username: str
    display_name: str = ""
    is_test_user: bool = False
    is_staff: bool = False
    is_active: bool = True


class HostIdentity(BaseModel):
    """An identity of a host user: what the generated image is of."""

    model_config = ConfigDict(frozen=True)

    id: str
    user_id: str
    name: str
    description: str = ""
    image_path: str | None = Field(
        default=None, description="The current image's object key (or path) in the host."
    )
    image_url: str | None = Field(
        default=None,
        description="A URL the browser can show: the host may supply its own; the API gives "
        "a short-lived one when the image is in the pipeline's bucket.",
    )


class ImageAssignment(BaseModel):
    """The body of the signed "set image" callback: point an identity at an S3 key."""

    model_config = ConfigDict(frozen=True)

    identity_id: str
    image_path: str = Field(description="S3 key of the generated image, in the shared bucket.")
    generation_id: str
    content_type: str
    size: int = Field(ge=0, description="Bytes.")
    requested_at: datetime = Field(
        description="When this apply was asked for. The host keeps the newest decision: "
        "it refuses (409 `superseded`) an assignment older than the one it holds."
    )
    image_url: str | None = Field(
        default=None,
        description="Short-lived download URL of the image, for a host that copies it.",
    )


class HostDirectory(Protocol):
    """Reads from the host app. Raises `PipelineError` with `user_not_found`,
    `identity_not_found`, `host_unavailable` (retryable) or `host_rejected`, and
    `validation_error` for an id that is no host id (`is_host_id`).

    Ids have one spelling: a read answers an id only as the host spells it (`21`, not
    `021`; a lower-case UUID), and another spelling is `*_not_found`, so no caller keys
    one user or identity on two spellings."""

    def get_user(self, user_id: str) -> HostUser: ...

    def list_test_users(self) -> list[HostUser]: ...

    def list_identities(self, user_id: str) -> list[HostIdentity]: ...

    def get_identity(self, identity_id: str) -> HostIdentity: ...


class ImageCallback(Protocol):
    """Delivers an `ImageAssignment` to the host, signed, with retries.

    `delivery_id` is the Standard Webhooks `webhook-id`: the same for every retry of one
    assignment, so the host applies it once. Raises `PipelineError` (`host_rejected` for
    a final refusal, `host_unavailable` when retries ran out).
    """

    def deliver(self, assignment: ImageAssignment, *, delivery_id: str) -> None: ...
