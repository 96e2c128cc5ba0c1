"""A generation from the photos an earlier one kept (`POST /v1/generations` with its
prepared references' keys): the Images tab's "Edit settings" brings a history row's
photos back into the form, also after the uploads they came from expired. Only photos of
the same person are taken: kept for this identity, or another identity of its user."""

from __future__ import annotations

from typing import Any

import pytest

from identity_images.domain import HostIdentity
from local_stack.aws_resources import Resources
from tests.jobs.helpers import LAYOUT, generation_body, recorded_job
from tests.support.aws_state import job_count, messages_in, put_reference
from tests.support.fakes import (
    ADMIN_ID,
    ADMIN_IDENTITY,
    OTHER_ADMIN_ID,
    OTHER_ADMIN_IDENTITY,
    OTHER_USER_IDENTITY,
    TEST_USER_ID,
    TEST_USER_IDENTITY,
    FakeHost,
)
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")

ADMINS_OTHER_IDENTITY = "12"


def kept(identity_id: str, index: int = 0, *, owner: str = ADMIN_ID) -> str:
    """A prepared reference, as the worker keeps it, and the job that kept it, recorded
    as `owner`'s."""
    job = recorded_job(identity_id, owner)
    key = LAYOUT.prepared_reference_key(identity_id, job.id, index)
    put_reference(key, b"\xff\xd8kept")
    return key


def create(keys: list[str]) -> tuple[int, Any, dict[str, str]]:
    return call_api("POST", "/v1/generations", body=generation_body(reference_keys=keys))


def test_a_generation_takes_the_photos_an_earlier_one_of_its_identity_kept(
    resources: Resources,
) -> None:
    photos = [kept(ADMIN_IDENTITY, index=0), kept(ADMIN_IDENTITY, index=1)]
    status, job, _ = create(photos)
    assert status == 202, job
    assert job["reference_keys"] == photos
    assert messages_in(resources.jobs_queue_url) == 1


def test_kept_photos_and_new_uploads_go_together(resources: Resources) -> None:
    upload = f"uploads/{ADMIN_ID}/up9/0.jpg"
    put_reference(upload)
    photos = [kept(ADMIN_IDENTITY), upload]
    status, job, _ = create(photos)
    assert status == 202, job
    assert job["reference_keys"] == photos


def test_a_photo_kept_for_another_identity_of_the_same_user_is_taken(
    resources: Resources, host: FakeHost
) -> None:
    host.identities[ADMINS_OTHER_IDENTITY] = HostIdentity(
        id=ADMINS_OTHER_IDENTITY, user_id=ADMIN_ID, name="Ada at work"
    )
    photos = [kept(ADMINS_OTHER_IDENTITY)]
    status, job, _ = create(photos)
    assert status == 202, job
    assert job["identity_id"] == ADMIN_IDENTITY


@pytest.mark.parametrize(
    ("key", "why"),
    [
        (f"prepared/identities/{OTHER_USER_IDENTITY}/a1b2c3/0.jpg", "another user's identity"),
        ("prepared/identities/99/a1b2c3/0.jpg", "an identity the host does not know"),
        (f"prepared/identities/{ADMIN_IDENTITY}/a1b2c3/deeper/0.jpg", "not a kept photo's key"),
        (f"prepared/identities/{ADMIN_IDENTITY}/a1b2c3/0.png", "not a kept photo's name"),
        (f"prepared/identities/{ADMIN_IDENTITY}/../0.jpg", "a climb out of the prefix"),
    ],
)
def test_a_photo_that_is_not_this_persons_is_refused_and_changes_nothing(
    resources: Resources, key: str, why: str
) -> None:
    put_reference(key, b"\xff\xd8kept")
    status, body, _ = create([key])
    assert (status, body["error"]["code"]) == (422, "reference_invalid"), why
    assert body["error"]["details"] == {"field": "reference_keys", "key": key}
    assert job_count() == 0
    assert messages_in(resources.jobs_queue_url) == 0


def test_a_kept_photo_that_expired_is_not_found(resources: Resources) -> None:
    gone = LAYOUT.prepared_reference_key(ADMIN_IDENTITY, "a1b2c3", 0)
    status, body, _ = create([gone])
    assert (status, body["error"]["code"]) == (422, "reference_not_found")
    assert job_count() == 0


def test_a_photo_kept_by_a_job_of_another_admins_is_refused_after_the_identity_moved(
    resources: Resources, host: FakeHost
) -> None:
    """The other admin's jobs of an identity stay theirs after it moved to a test user
    (GET refuses them), and so do the photos they kept: reusing one for a test user's
    identity would show the caller that admin's photo."""
    theirs = kept(OTHER_ADMIN_IDENTITY, owner=OTHER_ADMIN_ID)
    host.identities[OTHER_ADMIN_IDENTITY] = host.identities[OTHER_ADMIN_IDENTITY].model_copy(
        update={"user_id": TEST_USER_ID}
    )
    for target in (OTHER_ADMIN_IDENTITY, TEST_USER_IDENTITY):
        status, body, _ = call_api(
            "POST",
            "/v1/generations",
            body=generation_body(user_id=TEST_USER_ID, identity_id=target, reference_keys=[theirs]),
        )
        assert (status, body["error"]["code"]) == (422, "reference_invalid"), target
        assert body["error"]["details"] == {"field": "reference_keys", "key": theirs}
    assert job_count() == 1  # only the job that kept it
    assert messages_in(resources.jobs_queue_url) == 0

    # A photo the test user's own job kept of it is taken.
    own = kept(OTHER_ADMIN_IDENTITY, owner=TEST_USER_ID)
    status, job, _ = call_api(
        "POST",
        "/v1/generations",
        body=generation_body(
            user_id=TEST_USER_ID, identity_id=TEST_USER_IDENTITY, reference_keys=[own]
        ),
    )
    assert status == 202, job


def test_a_photo_whose_job_is_no_longer_recorded_is_not_found(resources: Resources) -> None:
    """A job's record expires a little before the photos it kept: the photo is as good as
    gone."""
    orphan = LAYOUT.prepared_reference_key(ADMIN_IDENTITY, "a1b2c3", 0)
    put_reference(orphan, b"\xff\xd8kept")
    status, body, _ = create([orphan])
    assert (status, body["error"]["code"]) == (422, "reference_not_found")
    assert body["error"]["details"] == {"field": "reference_keys", "key": orphan}
    assert job_count() == 0


def test_a_key_that_pairs_a_job_with_another_identity_is_refused(
    resources: Resources, host: FakeHost
) -> None:
    """A job's photos are kept under its own identity: a key that names the job under
    another identity of the user was not written by the pipeline."""
    host.identities[ADMINS_OTHER_IDENTITY] = HostIdentity(
        id=ADMINS_OTHER_IDENTITY, user_id=ADMIN_ID, name="Ada at work"
    )
    real = kept(ADMIN_IDENTITY)
    named = LAYOUT.prepared_of(real)
    assert named is not None
    job_id = named[1]
    forged = LAYOUT.prepared_reference_key(ADMINS_OTHER_IDENTITY, job_id, 0)
    put_reference(forged, b"\xff\xd8kept")
    status, body, _ = create([forged])
    assert (status, body["error"]["code"]) == (422, "reference_invalid")
    assert "another identity" in body["error"]["message"]
    assert job_count() == 1
