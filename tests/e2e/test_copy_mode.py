"""End to end, over HTTP only, a host fitted the other way: the pipeline keeps its keys
under a root prefix (as in a host's bucket) and the example host runs `IMAGE_MODE=copy`
with a file-system storage, so applying an image downloads it from the callback's
short-lived URL and saves it through the host's own storage and `upload_to`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import RunningStack, serve_stack
from tests.e2e.helpers import identity_image_path, login, photo, pick_identity, upload, wait_for

pytestmark = pytest.mark.e2e

ROOT = "identity-images/"


@pytest.fixture(scope="module")
def copy_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    data_dir = tmp_path_factory.mktemp("local-data-copy")
    env = {
        "BUCKET_PREFIX": ROOT,
        "IDENTITY_IMAGE_MODE": "copy",
        "MEDIA_STORAGE": "files",
        "MEDIA_ROOT": str(data_dir / "media"),
    }
    with serve_stack(data_dir, env) as running:
        yield running


def test_an_applied_image_is_copied_into_the_hosts_file_storage(copy_stack: RunningStack) -> None:
    access = login(copy_stack, "admin", "admin-password")
    admin = httpx.Client(
        base_url=f"{copy_stack.api_url}/v1",
        headers={"Authorization": f"Bearer {access}"},
        timeout=30,
    )
    user_id, identity = pick_identity(admin, "test-bob")
    keys = upload(admin, [photo(n) for n in range(2)])
    assert all(key.startswith(f"{ROOT}uploads/") for key in keys), keys

    created = admin.post(
        "/generations",
        json={
            "identity_id": identity["id"],
            "user_id": user_id,
            "reference_keys": keys,
            "aspect_ratio": "1:1",
            "image_size": "1K",
            "apply": True,
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert created.status_code == 202, created.text
    job_id = created.json()["id"]

    def applied() -> dict[str, object] | None:
        job: dict[str, object] = admin.get(f"/generations/{job_id}").json()
        apply = job["apply"]
        assert isinstance(apply, dict)
        return (
            job if job["status"] == "failed" or apply["status"] in ("applied", "failed") else None
        )

    job = wait_for(f"generation {job_id} to be applied", applied)
    assert job["apply"]["status"] == "applied", job
    output = job["output"]
    assert output["key"].startswith(f"{ROOT}generated/identities/{identity['id']}/")

    # The host's name follows its own upload_to ("identities/"), not the pipeline's key,
    # and the file is in the host's storage with the pipeline's bytes.
    name = identity_image_path(copy_stack, identity["id"])
    assert name is not None
    assert name.startswith(f"identities/{job_id}."), name
    copied = (copy_stack.data_dir / "media" / name).read_bytes()
    assert copied == httpx.get(output["url"]).content

    # The Images tab's listing shows the host's copy: the host's own absolute URL (not the
    # pipeline's bucket), which a browser on the tab's origin loads without credentials.
    listed = admin.get(f"/users/{user_id}/identities")
    assert listed.status_code == 200, listed.text
    (current,) = [i for i in listed.json()["identities"] if i["id"] == identity["id"]]
    assert current["image_path"] == name
    assert current["image_url"] == f"{copy_stack.django_url}/media/{name}"
    shown = httpx.get(current["image_url"], headers={"Origin": copy_stack.web_url})
    assert shown.status_code == 200
    assert shown.headers["Content-Type"] == output["mime_type"]
    assert shown.content == copied
