"""A succeeded generation's URLs as the generations router (`handlers/routes/generations.py`)
answers them: preview, output, download (as an attachment) and prepared references, all
presigned when read, none of them stored in the jobs table."""

from __future__ import annotations

import httpx
import pytest

from identity_images.adapters import aws
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources
from tests.jobs.helpers import REF, create_one, succeed_with_preview
from tests.support.fakes import ADMIN_IDENTITY
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")


def test_a_succeeded_job_gives_preview_download_and_reference_urls(
    resources: Resources, settings: Settings
) -> None:
    job = create_one()
    succeed_with_preview(job["id"])
    status, done, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert status == 200
    output = done["output"]
    assert httpx.get(output["preview_url"]).content == b"jpg"
    assert httpx.get(output["url"]).content == b"png"
    assert output["filename"].startswith("ada-")
    assert output["filename"].endswith(".png")
    download = httpx.get(output["download_url"])
    assert download.content == b"png"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="{output["filename"]}"' in disposition
    (ref,) = done["prepared_references"]
    assert ref["index"] == 0
    assert ref["source_key"] == REF
    assert httpx.get(ref["preview_url"]).content == b"ref"

    _, page, _ = call_api("GET", "/v1/generations", query={"identity_id": ADMIN_IDENTITY})
    assert page["items"][0]["output"]["preview_url"]


def test_the_table_never_stores_urls(resources: Resources) -> None:
    job = create_one()
    succeed_with_preview(job["id"])
    call_api("GET", f"/v1/generations/{job['id']}")
    item = aws.dynamodb().get_item(
        TableName=get_settings().jobs_table_name, Key={"job_id": {"S": job["id"]}}
    )["Item"]
    assert set(item["output"]["M"]).isdisjoint({"url", "preview_url", "download_url"})
    assert "preview" in item["output"]["M"]
    for ref in item["prepared_references"]["L"]:
        assert "preview_url" not in ref["M"]
