"""Regeneration inside a host's bucket (`BUCKET_PREFIX`): the notification covers only the
pipeline's reference folders, and the trigger reads identities only from those."""

from __future__ import annotations

import pytest

from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources
from tests.regeneration.helpers import regeneration_jobs, s3_records, trigger
from tests.support.aws_state import put_reference
from tests.support.fakes import TEST_USER_IDENTITY, jpeg_bytes
from tests.support.lambdas import drain, receive_all

ROOT = "identity-images/"

pytestmark = pytest.mark.usefixtures("regenerator")


@pytest.fixture
def settings(resources: Resources, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("REGENERATION_DEBOUNCE_S", "0")
    monkeypatch.setenv("BUCKET_PREFIX", ROOT)
    get_settings.cache_clear()
    return get_settings()


def test_only_references_under_the_root_regenerate(regeneration_queue: str) -> None:
    drain(regeneration_queue)  # the test event
    # The host's own objects, and a folder that looks like ours outside the root.
    put_reference(f"references/identities/{TEST_USER_IDENTITY}/host.jpg", jpeg_bytes(64, 48))
    put_reference(f"media/avatars/{TEST_USER_IDENTITY}.jpg", jpeg_bytes(64, 48))
    assert s3_records(receive_all(regeneration_queue)) == []

    put_reference(f"{ROOT}references/identities/{TEST_USER_IDENTITY}/p.jpg", jpeg_bytes(64, 48))
    event = receive_all(regeneration_queue)
    assert len(s3_records(event)) == 1
    assert trigger(event, regeneration_queue) == []
    (job,) = regeneration_jobs()
    assert job.identity_id == TEST_USER_IDENTITY
