"""Who may act on what: the one rule every route applies, reads included.

The caller (an active admin of the host) may act on their own identities and on the test
users' identities, and on the jobs, references and outputs of those identities; on
nothing else (403 `forbidden`). Every route goes through one of these functions:

- `resolve_user` for a user id in a request (`me`, the caller, or a test user);
- `authorize_identity` for an identity id (identities, references, history);
- `authorize_generation` for a job read from the store (get, apply, and any later route
  that acts on one job: cancel, refine, variants ...).

docs/security.md describes the rule.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from identity_images.domain import Caller, HostDirectory, HostIdentity, HostUser
from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.jobs import Job

ME = "me"
#: Seconds of clock difference tolerated between the token issuer and the API.
EXPIRY_LEEWAY_S = 10


# --- the caller -----------------------------------------------------------------------
def check_not_expired(caller: Caller, *, now: float | None = None) -> None:
    """401 `unauthorized` once the caller's token has expired.

    API Gateway caches the authorizer's Allow per token for its TTL (5 minutes), so a
    token that expires in between would keep working until the cache entry does; the
    authorizer passes the token's `exp` on, and the API refuses it here. A caller with no
    `exp` (the `introspect` mode: the host decides) is not refused here.
    """
    if caller.expires_at is None:
        return
    current = time.time() if now is None else now
    if current > caller.expires_at + EXPIRY_LEEWAY_S:
        raise PipelineError(ErrorCode.UNAUTHORIZED, "The token has expired; log in again.")


class ActiveAdminCheck:
    """Is the caller still an active staff user of the host?

    The token says the caller was an admin when it was issued (up to its lifetime ago),
    and the authorizer's answer is cached per token. So the API asks the host
    (`HostDirectory.get_user`) again: on every write, always; on a read, unless the host
    said yes for this user less than `ttl_s` seconds ago (`CALLER_CHECK_TTL_S`). Only yes
    answers are remembered, per process (a warm Lambda).
    """

    MAX_ENTRIES = 1024

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._confirmed: dict[str, float] = {}
        self._lock = threading.Lock()

    def check(self, caller: Caller, host: HostDirectory, *, write: bool) -> None:
        """Return if the caller is an active admin; 401 if the host no longer knows them
        or they are inactive, 403 `forbidden` if they are no longer staff."""
        if not write and self._fresh(caller.user_id):
            return
        try:
            user = host.get_user(caller.user_id)
        except PipelineError as error:
            if error.code != ErrorCode.USER_NOT_FOUND:
                raise
            self._forget(caller.user_id)
            raise PipelineError(
                ErrorCode.UNAUTHORIZED, "The host app no longer knows this user."
            ) from error
        if not user.is_active:
            self._forget(caller.user_id)
            raise PipelineError(ErrorCode.UNAUTHORIZED, "This user has been deactivated.")
        if not user.is_staff:
            self._forget(caller.user_id)
            raise PipelineError(
                ErrorCode.FORBIDDEN,
                "Only admins may use this API; you are no longer one.",
                details={"user_id": caller.user_id},
            )
        self._remember(caller.user_id)

    def _fresh(self, user_id: str) -> bool:
        with self._lock:
            confirmed = self._confirmed.get(user_id)
            return confirmed is not None and self._clock() - confirmed < self.ttl_s

    def _remember(self, user_id: str) -> None:
        if self.ttl_s <= 0:
            return
        with self._lock:
            if len(self._confirmed) >= self.MAX_ENTRIES:
                self._confirmed.clear()
            self._confirmed[user_id] = self._clock()

    def _forget(self, user_id: str) -> None:
        with self._lock:
            self._confirmed.pop(user_id, None)


# --- what the caller may act on ---------------------------------------------------------


def resolve_user(user_id: str, caller: Caller, host: HostDirectory) -> HostUser:
    """`me` is the caller; any other id must be the caller or a test user (else 403)."""
    user = host.get_user(caller.user_id if user_id == ME else user_id)
    if user.id != caller.user_id and not user.is_test_user:
        raise PipelineError(
            ErrorCode.FORBIDDEN,
            f"User {user_id!r} is not a test user; act for yourself or a test user.",
            details={"field": "user_id", "user_id": user_id},
        )
    return user


def authorize_identity(identity_id: str, caller: Caller, host: HostDirectory) -> HostIdentity:
    """The identity, if it belongs to the caller or to a test user (else 403; 404
    `identity_not_found` if the host has no such identity)."""
    identity = host.get_identity(identity_id)
    try:
        resolve_user(identity.user_id, caller, host)
    except PipelineError as error:
        if error.code not in (ErrorCode.FORBIDDEN, ErrorCode.USER_NOT_FOUND):
            raise
        raise PipelineError(
            ErrorCode.FORBIDDEN,
            f"Identity {identity_id!r} belongs to a user who is neither you nor a test user.",
            details={"field": "identity_id", "identity_id": identity_id},
        ) from error
    return identity


def authorize_generation(caller: Caller, job: Job, host: HostDirectory) -> None:
    """Raise 403 `forbidden` unless `caller` may act on `job`.

    The job's identity must belong to the caller or to a test user. The owner is the one
    recorded on the job when it was created (`job.user_id`, checked against the identity
    then), so a caller's own job costs no call to the host; another owner is looked up to
    see whether they are (still) a test user. An owner the host no longer knows is
    refused: nothing proves the caller may see the job.
    """
    if job.user_id == caller.user_id:
        return
    try:
        owner = host.get_user(job.user_id)
    except PipelineError as error:
        if error.code != ErrorCode.USER_NOT_FOUND:
            raise
        owner = None
    if owner is None or not owner.is_test_user:
        raise PipelineError(
            ErrorCode.FORBIDDEN,
            f"Generation {job.id!r} is of an identity that is neither yours nor a test user's.",
            details={"generation_id": job.id},
        )
