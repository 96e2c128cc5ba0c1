"""Who may act on what: the one rule every route applies, reads included.

The caller (an active admin of the host) may act on their own identities and on the test
users' identities, and on the jobs, references and outputs of those identities; on
nothing else (403 `forbidden`). Every route goes through one of these functions:

- `resolve_user` for a user id in a request (`me`, the caller, or a test user);
- `authorize_identity` for an identity id (references, history), `authorize_identity_of`
  for a new job's identity (of the user the request names): an identity the host does
  not have is refused as another admin's is (403), so no answer tells which ids exist;
- `authorize_generation` for a job read from the store: may the caller see it (get,
  cancel), `visible_generations` the same for a page of them (the history);
- `authorize_generation_change` for a route that changes the job's identity or makes new
  jobs from the job (apply, re-run, refine): the job must be visible and the identity's
  *current* owner the caller or a test user, since an identity can change owner after
  its jobs were made;
- `authorize_kept_photos` for the photos an earlier generation kept, sent again with a
  new job: only photos of the same person (kept for an identity of the job's user), kept
  by a job the caller may see.

docs/security.md describes the rule.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

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
    """`me` is the caller; any other id must be the caller or a test user, else 403,
    whether the host has such a user or not: a 404 `user_not_found` for an unknown id
    beside the 403 for a known one told any admin which user ids exist."""
    wanted = caller.user_id if user_id == ME else user_id
    try:
        user = host.get_user(wanted)
    except PipelineError as error:
        if error.code != ErrorCode.USER_NOT_FOUND or wanted == caller.user_id:
            raise
        raise _not_yours(user_id) from None
    if user.id != caller.user_id and not user.is_test_user:
        raise _not_yours(user_id)
    return user


def _not_yours(user_id: str) -> PipelineError:
    return PipelineError(
        ErrorCode.FORBIDDEN,
        f"User {user_id!r} is neither you nor a test user; act for yourself or a test user.",
        details={"field": "user_id", "user_id": user_id},
    )


def authorize_identity(identity_id: str, caller: Caller, host: HostDirectory) -> HostIdentity:
    """The identity, if it belongs to the caller or to a test user now; else 403
    `forbidden`, also when the host has no such identity: a 404 `identity_not_found` for
    an unknown id beside the 403 for another admin's told any admin which identity ids
    exist (as `resolve_user` for user ids)."""
    identity = _known_identity(identity_id, host)
    if identity is None:
        raise _not_yours_identity(identity_id)
    _check_identity_owner(identity, identity_id, caller, host)
    return identity


def authorize_identity_of(identity_id: str, user: HostUser, host: HostDirectory) -> HostIdentity:
    """The identity, if it belongs to `user` (already resolved by `resolve_user`); else 403
    `forbidden`, an unknown identity too (see `authorize_identity`)."""
    identity = _known_identity(identity_id, host)
    if identity is None or identity.user_id != user.id:
        raise PipelineError(
            ErrorCode.FORBIDDEN,
            f"User {user.id!r} has no identity {identity_id!r}.",
            details={"field": "identity_id", "identity_id": identity_id},
        )
    return identity


def _known_identity(identity_id: str, host: HostDirectory) -> HostIdentity | None:
    """The host's identity, or None when it has no such identity (another spelling of an
    id included)."""
    try:
        return host.get_identity(identity_id)
    except PipelineError as error:
        if error.code is not ErrorCode.IDENTITY_NOT_FOUND:
            raise
        return None


def _check_identity_owner(
    identity: HostIdentity, identity_id: str, caller: Caller, host: HostDirectory
) -> None:
    """403 `forbidden` unless `identity`'s owner now is the caller or a test user."""
    try:
        resolve_user(identity.user_id, caller, host)
    except PipelineError as error:
        if error.code not in (ErrorCode.FORBIDDEN, ErrorCode.USER_NOT_FOUND):
            raise
        raise _not_yours_identity(identity_id) from error


def _not_yours_identity(identity_id: str) -> PipelineError:
    """The one answer for an identity the caller may not act on, whether the host has it
    or not: its words are true of both."""
    return PipelineError(
        ErrorCode.FORBIDDEN,
        f"Neither you nor a test user has an identity {identity_id!r}.",
        details={"field": "identity_id", "identity_id": identity_id},
    )


def authorize_generation(caller: Caller, job: Job, host: HostDirectory) -> None:
    """Raise 403 `forbidden` unless `caller` may see `job` (get it, list it, cancel it).

    A job is visible when its recorded owner (`job.user_id`, the identity's owner when
    the job was made) is the caller or a test user. So a caller's own job costs no call to
    the host; another owner is looked up to see whether they are (still) a test user. An
    owner the host no longer knows is refused: nothing proves the caller may see the job.
    A route that changes the identity or makes jobs from this one also needs
    `authorize_generation_change`.
    """
    if not _owner_visible(job.user_id, caller, host):
        raise PipelineError(
            ErrorCode.FORBIDDEN,
            f"Generation {job.id!r} is of an identity that is neither yours nor a test user's.",
            details={"generation_id": job.id},
        )


def authorize_generation_change(caller: Caller, job: Job, host: HostDirectory) -> HostIdentity:
    """The job's identity as the host has it now, if `caller` may see `job` and may act
    on that identity now (else 403 `forbidden`; 404 `identity_not_found` once the host has
    no such identity).

    For apply, re-run and refine: they change the identity's image or make new jobs of
    it. The recorded owner is not enough: after an identity moved from a test user to
    another admin, its old jobs are still the test user's, and applying one would change
    that admin's identity. New jobs record the owner returned here (`identity.user_id`).

    Unlike `authorize_identity`, an identity the host no longer has is 404: the caller may
    see the job, which names the identity, so the answer tells no one which ids exist, and
    it says what happened (the identity was deleted in the host), as a save's callback
    says it (`identity_not_found`)."""
    authorize_generation(caller, job, host)
    identity = host.get_identity(job.identity_id)
    _check_identity_owner(identity, job.identity_id, caller, host)
    return identity


def visible_generations(caller: Caller, jobs: Iterable[Job], host: HostDirectory) -> list[Job]:
    """The jobs `authorize_generation` lets `caller` see, in order; the rest are left out.

    The history lists an identity's jobs, whoever owned it when each was made: after an
    identity moved from another admin to a test user, the jobs made while it was that
    admin's stay theirs (GET refuses them, so the list must not show them). Each distinct
    other owner is looked up once per call."""
    visible = _owners_visible_to(caller, host)
    return [job for job in jobs if visible(job.user_id)]


def _owners_visible_to(caller: Caller, host: HostDirectory) -> Callable[[str], bool]:
    """`_owner_visible` for `caller`, each owner looked up once (for one request)."""
    seen: dict[str, bool] = {}

    def visible(owner_id: str) -> bool:
        if owner_id not in seen:
            seen[owner_id] = _owner_visible(owner_id, caller, host)
        return seen[owner_id]

    return visible


def _owner_visible(owner_id: str, caller: Caller, host: HostDirectory) -> bool:
    """Is a job recorded as `owner_id`'s visible to `caller`: the caller's own, or a user
    the host (still) knows as a test user."""
    if owner_id == caller.user_id:
        return True
    try:
        owner = host.get_user(owner_id)
    except PipelineError as error:
        if error.code != ErrorCode.USER_NOT_FOUND:
            raise
        return False
    return owner.is_test_user


def authorize_kept_photos(
    keys: Iterable[str],
    identity: HostIdentity,
    caller: Caller,
    host: HostDirectory,
    *,
    kept_by: Callable[[str], tuple[str, str] | None],
    job_of: Callable[[str], Job | None],
) -> None:
    """A photo an earlier generation kept (a prepared reference; `kept_by(key)` names the
    identity it was kept for and the job that kept it, None for any other key) may make
    `identity`'s image only if it is of the same person, kept for `identity` or another
    identity of its user, and kept by a job the caller may see (`authorize_generation`'s
    rule): after an identity moved from another admin to a test user, the photos that
    admin's jobs kept stay theirs, as the jobs do.

    Another person's face, an identity the host no longer knows or a job the caller may
    not see is refused (422 `reference_invalid`); a job no longer recorded (its record
    expires a little before its photos) is 422 `reference_not_found`."""
    owners: dict[str, str | None] = {identity.id: identity.user_id}
    jobs: dict[str, Job | None] = {}
    visible = _owners_visible_to(caller, host)
    for key in keys:
        kept = kept_by(key)
        if kept is None:
            continue
        kept_identity, job_id = kept
        if kept_identity not in owners:
            try:
                owners[kept_identity] = host.get_identity(kept_identity).user_id
            except PipelineError as error:
                if error.code is not ErrorCode.IDENTITY_NOT_FOUND:
                    raise
                owners[kept_identity] = None
        if owners[kept_identity] != identity.user_id:
            raise PipelineError(
                ErrorCode.REFERENCE_INVALID,
                f"Reference {key!r} was kept for another user's identity; another "
                "person's face must not make this image.",
                details={"field": "reference_keys", "key": key},
            )
        if job_id not in jobs:
            jobs[job_id] = job_of(job_id)
        job = jobs[job_id]
        if job is None:
            raise PipelineError(
                ErrorCode.REFERENCE_NOT_FOUND,
                f"Reference {key!r} was kept by a generation that is no longer recorded.",
                details={"field": "reference_keys", "key": key},
            )
        if job.identity_id != kept_identity:
            raise PipelineError(
                ErrorCode.REFERENCE_INVALID,
                f"Reference {key!r} names a generation of another identity.",
                details={"field": "reference_keys", "key": key},
            )
        if not visible(job.user_id):
            raise PipelineError(
                ErrorCode.REFERENCE_INVALID,
                f"Reference {key!r} was kept by a generation that is neither yours nor a "
                "test user's.",
                details={"field": "reference_keys", "key": key},
            )
