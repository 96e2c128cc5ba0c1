"""State survives a clean restart of `identity-images serve` with the same data folder:
Django's users and identities, the secrets (an old token still works), the jobs and the
generated images in the bucket."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from local_stack.stack import FUNCTIONS_ENVIRONMENT_FILE
from tests.e2e.conftest import serve_stack
from tests.e2e.helpers import login, photo, pick_identity, upload, wait_for

pytestmark = pytest.mark.e2e


def test_jobs_outputs_and_tokens_survive_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with serve_stack(data_dir) as first:
        access = login(first, "admin", "admin-password")
        headers = {"Authorization": f"Bearer {access}"}
        with httpx.Client(base_url=f"{first.api_url}/v1", headers=headers, timeout=30) as api:
            user_id, identity = pick_identity(api, "test-bob")
            keys = upload(api, [photo(1)])
            created = api.post(
                "/generations",
                json={
                    "identity_id": identity["id"],
                    "user_id": user_id,
                    "reference_keys": keys,
                    "aspect_ratio": "1:1",
                    "image_size": "1K",
                },
            )
            assert created.status_code == 202, created.text
            job_id = created.json()["id"]
            wait_for(
                f"generation {job_id}",
                lambda: api.get(f"/generations/{job_id}").json()["status"] == "succeeded",
            )
            output_key = api.get(f"/generations/{job_id}").json()["output"]["key"]
    # Stopped, it leaves no environment for `make invoke` to act on.
    assert not (data_dir / FUNCTIONS_ENVIRONMENT_FILE).exists()

    # At once, on the same ports (connections of the first run linger in TIME_WAIT), with
    # the same token: the JWT secret was kept, and so was Django's database.
    with (
        serve_stack(data_dir, ports=first.ports) as second,
        httpx.Client(base_url=f"{second.api_url}/v1", headers=headers, timeout=30) as api,
    ):
        job = api.get(f"/generations/{job_id}")
        assert job.status_code == 200, job.text
        assert job.json()["status"] == "succeeded"
        assert job.json()["output"]["key"] == output_key
        image = httpx.get(job.json()["output"]["url"])
        assert image.status_code == 200
        assert image.content[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1")
        history = api.get("/generations", params={"identity_id": identity["id"]})
        assert job_id in [item["id"] for item in history.json()["items"]]
