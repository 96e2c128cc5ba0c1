"""A generation from the photos an earlier one kept (`POST /v1/generations` with its
prepared references' keys): the Images tab's "Edit settings" brings a history row's
photos back into the form, also after the uploads they came from expired. Only photos of
the same person are taken: kept for this identity, or another identity of its user."""

from __future__ import annotations

from typing import Any

import pytest

from identity_images.domain import HostIdentity
from local_stack.aws_resources import Resources
from tests.jobs.helpers import LAYOUT, generation_body
from tests.support.aws_state import job_count, messages_in, put_reference
from tests.support.fakes import ADMIN_ID, ADMIN_IDENTITY, OTHER_USER_IDENTITY, FakeHost
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")

ADMINS_OTHER_IDENTITY = "12"


def kept(identity_id: str, job_id: str = "a1b2c3", index: int = 0) -> str:
    """A prepared reference, as the worker keeps it."""
    key = LAYOUT.prepared_reference_key(identity_id, job_id, index)
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
