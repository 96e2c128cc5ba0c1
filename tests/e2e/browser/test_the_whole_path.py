"""An admin's whole way through the tab, and a member kept out of it.

An admin logs in, picks a test user and an identity, adds three photos (one an EXIF-rotated
portrait, one HEIC), reloads (the thumbnails come back), writes a prompt, asks for two
variants, watches them run, compares them, saves one (the Django identity's image becomes that
output), downloads it, re-runs, generates again from the photos a generation kept, and sees a
blocked prompt's message; axe finds no violation. `make screenshot` copies the screenshot of
the finished page to docs/images-tab.png (IMAGES_TAB_SCREENSHOT).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Locator, Page, expect

from tests.e2e.browser.measures import axe_violations, box_of, shape_of, style
from tests.e2e.browser.steps import (
    JOB_TIMEOUT_MS,
    finished_click,
    heic,
    job_rows,
    jpeg,
    log_in,
    saved,
    variant,
)
from tests.e2e.conftest import RunningStack
from tests.e2e.helpers import identity_image_path, login, pick_identity, wait_for

pytestmark = pytest.mark.e2e

EXPECTED_16_9_1K = (1376, 768)

# Records every progress text a result card shows (jobs may run faster than a poll).
WATCH_PROGRESS = """() => {
  window.__progress = [];
  const seen = new Set();
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('article')) {
      // each card's words as they change: its stage and its timer among them
      const text = el.textContent.trim();
      if (!seen.has(text)) { seen.add(text); window.__progress.push(text); }
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def _thumbnail(page: Page, name: str) -> Locator:
    """The thumbnail on the tile of the photo `name` (its picture is unnamed: the tile's words
    name it)."""
    return page.locator("li[data-photo-id]").filter(has_text=name).locator("img")


def _job_by_id(jobs: list[dict[str, Any]], job_id: str) -> dict[str, Any]:
    return next(job for job in jobs if job["id"] == job_id)


def test_member_sees_no_images_tab(stack: RunningStack, browser: Browser) -> None:
    """A member (not staff) sees no Images link and no Generate: "Admins only" instead."""
    page = browser.new_page()
    log_in(page, stack, "member", "member-password")
    navbar = page.get_by_role("navigation", name="Main")
    expect(navbar.get_by_role("link", name="Home")).to_be_visible()
    expect(navbar.get_by_role("link", name="Images")).to_have_count(0)
    expect(page.get_by_text("Admins only")).to_be_visible()
    expect(page.get_by_role("button", name="Generate", exact=True)).to_have_count(0)


def test_admin_generates_saves_downloads_reruns(
    stack: RunningStack, browser: Browser, tmp_path: Path
) -> None:
    """From photos to a saved, downloaded, re-run image, as an admin goes: a photo whose
    thumbnail is lost or turned on a reload, progress not shown while a click runs, Compare's
    divider off the click, the identity's image not the one saved, a download that is no
    image, a re-run, a generation from kept photos or a blocked prompt that goes wrong, or an
    accessibility violation on the way, fails here."""
    admin = httpx.Client(
        base_url=f"{stack.api_url}/v1",
        headers={"Authorization": f"Bearer {login(stack, 'admin', 'admin-password')}"},
        timeout=30,
    )
    # test-bob: the HTTP-only test of the same session stack works on test-alice.
    user_id, identity = pick_identity(admin, "test-bob")
    history_url = "/generations"

    def listed() -> list[dict[str, Any]]:
        """The identity's whole history, as the API lists it, page after page (the other
        tests' jobs for this identity fill more than the first)."""
        items: list[dict[str, Any]] = []
        params = {"identity_id": identity["id"], "limit": "100"}
        while True:
            answer = admin.get(history_url, params=params).json()
            items += answer["items"]
            if not answer["next_cursor"]:
                return items
            params["cursor"] = answer["next_cursor"]

    earlier = {job["id"] for job in listed()}
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    log_in(page, stack, "admin", "admin-password")
    expect(page.get_by_role("link", name="Images")).to_have_attribute("aria-current", "page")

    # Whose image: a test user, then one of their identities.
    user_select = page.get_by_role("combobox", name="User", exact=True)
    expect(user_select).to_be_enabled()
    user_select.select_option(value=user_id)
    identity_select = page.get_by_role("combobox", name="Identity", exact=True)
    expect(identity_select).to_be_enabled()
    identity_select.select_option(value=identity["id"])

    # Three photos: a JPEG, an EXIF-rotated portrait, and a HEIC without a MIME type.
    photos: list[FilePayload] = [
        {
            "name": "front.jpg",
            "mimeType": "image/jpeg",
            "buffer": jpeg((800, 600), (60, 90, 160)),
        },
        {
            "name": "portrait.jpg",
            "mimeType": "image/jpeg",
            "buffer": jpeg((900, 600), (150, 90, 160), orientation=6),
        },
        {"name": "side.heic", "mimeType": "", "buffer": heic()},
    ]
    page.get_by_label("Reference photos", exact=True).set_input_files(photos)
    expect(page.get_by_role("img", name="side.heic (no preview)")).to_be_visible()
    expect(_thumbnail(page, "portrait.jpg")).to_be_visible()
    generate = page.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled(timeout=30_000)
    expect(page.get_by_text("3 / 5")).to_be_visible()

    # A reload keeps the photos, each JPEG with its thumbnail (a small copy the page kept).
    page.wait_for_function(
        """() => JSON.parse(sessionStorage.getItem("identity-images.photos") ?? "[]")
                 .filter((photo) => photo.smallCopy).length === 2"""
    )
    page.reload()
    # 160 px on the long side, the portrait upright as its EXIF says.
    for name, size in (("front.jpg", [160, 120]), ("portrait.jpg", [107, 160])):
        thumbnail = _thumbnail(page, name)
        expect(thumbnail).to_have_attribute("src", re.compile(r"^data:image/jpeg;base64,"))
        expect(thumbnail).to_have_js_property("complete", True)
        assert thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]") == size
    expect(page.get_by_role("img", name="side.heic (no preview)")).to_be_visible()
    expect(generate).to_be_enabled()

    # Prompt, size, two variants; Ctrl+Enter generates (not Generate's click: the keyboard's
    # way is the one checked here, and the progress is watched from before it).
    prompt = page.get_by_role("textbox", name="Prompt", exact=True)
    prompt.fill("smiling, outdoors, soft light")
    expect(page.get_by_text("29 / 2000")).to_be_visible()
    page.get_by_role("combobox", name="Size", exact=True).select_option("1K")
    page.get_by_role("combobox", name="Variants", exact=True).select_option("2")
    expect(page.get_by_text("2 images, 16:9 at 1K")).to_be_visible()
    page.evaluate(WATCH_PROGRESS)
    prompt.press("Control+Enter")

    # Watch progress (every state the cards showed), then both previews.
    first, second = variant(page, 1, 2), variant(page, 2, 2)
    for card in (first, second):
        expect(card.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
        expect(card.get_by_role("button", name="Save to identity")).to_be_enabled()
        expect(card.get_by_role("link", name="Download")).to_be_visible()
    shown: list[str] = page.evaluate("window.__progress")
    progress = re.compile(r"(Waiting in the queue|Preparing|Generating).*\d+\xa0s")
    assert any(progress.search(text) for text in shown), shown

    # Compare lays the two one over the other: a click on the picture puts the divider there,
    # the second variant right of it, and the keyboard moves it (End: the first one whole).
    first.get_by_role("button", name="Compare").click()
    dialog = page.get_by_role("dialog", name="Compare the variants")
    dialog.get_by_role("button", name="Overlaid").click()
    divider = dialog.get_by_role("slider", name="Divider between Variant 1 of 2 and Variant 2 of 2")
    area = box_of(divider)
    page.mouse.click(area["x"] + area["width"] * 0.25, area["y"] + area["height"] / 2)
    assert 23 <= int(divider.input_value()) <= 27, divider.input_value()
    over = dialog.get_by_role("img", name="Variant 2 of 2")
    clip = over.evaluate("picture => getComputedStyle(picture).clipPath")
    assert re.fullmatch(r"inset\(0(px)? 0(px)? 0(px)? 2[3-7]%\)", clip), clip
    divider.press("End")
    expect(divider).to_have_value("100")
    assert axe_violations(page) == []
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # Save the first: the Django identity's image is that output.
    saved(first)
    jobs = listed()
    ours = [job for job in jobs if job["id"] not in earlier]
    assert len(ours) == 2, ours
    applied = [job for job in ours if job["apply"]["status"] == "applied"]
    assert len(applied) == 1, jobs
    saved_key = applied[0]["output"]["key"]
    assert identity_image_path(stack, identity["id"]) == saved_key
    # And the page shows the identity with it (read again from the host once saved).
    current = page.get_by_role("img", name=f"{identity['name']}, as it looks now")
    expect(current).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(current).to_have_attribute("src", re.compile(re.escape(applied[0]["id"])))
    # From the history, the other variant compares as on its card: with its click's other
    # variant (the saved one, the current image), opening as last chosen: overlaid.
    history = page.get_by_role("region", name="History")
    # Its own row, by its job: other tests' clicks of two for this identity are in the history too.
    (other_id,) = (job["id"] for job in ours if job not in applied)
    other = history.locator(f'li[data-job-id="{other_id}"]')
    other.get_by_role("button", name="Compare").click()
    dialog = page.get_by_role("dialog", name="Compare the variants")
    expect(dialog.get_by_role("button", name="Overlaid")).to_have_attribute("aria-pressed", "true")
    divider = dialog.get_by_role("slider", name="Divider between Variant 1 of 2 and Variant 2 of 2")
    expect(divider).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # Download it: the file is the image, with a name a person would keep.
    with page.expect_download() as download_info:
        first.get_by_role("link", name="Download").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with Image.open(path) as image:
        assert image.size == EXPECTED_16_9_1K
        assert path.suffix.lstrip(".").upper().replace("JPG", "JPEG") == image.format

    # The finished page: no accessibility violation; its screenshot for the README.
    assert axe_violations(page) == []
    shot = tmp_path / "images-tab.png"
    page.screenshot(path=str(shot), full_page=True)
    if target := os.environ.get("IMAGES_TAB_SCREENSHOT"):
        shutil.copyfile(shot, target)

    # Re-run the saved generation from the history: a new job, same settings. The pane shows
    # that variant: the re-run joins its click, right after it.
    count = len(jobs)
    job_rows(page).first.get_by_role("button", name="Re-run").click()
    wait_for("the re-run", lambda: len(listed()) > count)
    joined = page.get_by_role("article", name="Re-run of variant 1")
    expect(joined.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(page.get_by_role("region", name="Result").get_by_role("article")).to_have_count(3)
    # One image alone: on a 1366 by 768 laptop the window's height holds the landscape picture
    # back: its card, narrower than the pane, sits in the pane's middle.
    [alone] = finished_click(page, generate)
    # The saved variant's settings again (two variants), for Edit settings below.
    page.get_by_role("combobox", name="Variants", exact=True).select_option("2")
    page.set_viewport_size({"width": 1366, "height": 768})
    pane = box_of(page.get_by_role("region", name="Result"))
    placed = box_of(alone)
    left = placed["x"] - pane["x"]
    right = pane["x"] + pane["width"] - placed["x"] - placed["width"]
    assert left > 40, (pane, placed)
    assert left == pytest.approx(right, abs=2), (pane, placed)
    page.set_viewport_size({"width": 1440, "height": 1000})

    # The Saved view: every result once saved (another test may have saved one of this
    # identity's too, pages down the history), the one just saved first, as a picture.
    saved_jobs = [job for job in listed() if job["apply"]["applied_at"]]
    assert saved_jobs, listed()
    history.get_by_role("button", name="Saved", exact=True).click()
    tiles = history.get_by_role("list", name="Results").get_by_role("listitem")
    expect(tiles).to_have_count(len(saved_jobs))
    expect(tiles.first.get_by_text("Saved to identity", exact=True)).to_be_visible()
    expect(tiles.first.locator("img")).to_be_visible()
    history.get_by_role("button", name="All generations", exact=True).click()

    # Edit settings on the saved variant: the form holds its settings and photos already,
    # and says so (nothing to undo), but the three copies it kept take the uploads' places;
    # a new prompt on them makes a new image from those kept photos.
    # (A variant's Edit settings is its click's, at the top of the click's row.)
    saved_click = history.locator("li[data-click]").filter(has_text="Saved to identity")
    # The saved variant framed green among its siblings, as its tile is in Saved.
    saved_variant = saved_click.locator("li[data-job-id]").filter(has_text="Saved to identity")
    assert style(saved_variant, "borderTopColor") == "rgb(21, 128, 61)"
    saved_click.get_by_role("button", name=re.compile(r"^Edit settings,")).click()
    expect(
        page.get_by_text("The form holds the settings and photos from the generation")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Undo", exact=True)).to_have_count(0)
    known = {job["id"] for job in listed()}
    [from_kept] = finished_click(
        page, generate, prompt="the same photos, in the evening", ratio="9:16"
    )
    new = wait_for(
        "the generation from kept photos",
        lambda: [job for job in listed() if job["id"] not in known],
    )
    newest = new[0]
    assert len(newest["reference_keys"]) == 3
    assert all(key.startswith("prepared/") for key in newest["reference_keys"]), newest
    # A portrait is shown in its own shape, narrowed to fit the card's height: no bars.
    output = wait_for("its output", lambda: _job_by_id(listed(), newest["id"]).get("output"))
    assert shape_of(from_kept.get_by_role("img")) == pytest.approx(
        output["width"] / output["height"], rel=0.02
    ), output
    # So it is beside the current (16:9) image in Compare.
    from_kept.get_by_role("button", name="Compare").click()
    dialog = page.get_by_role("dialog", name="Compare with the current image")
    expect(dialog.get_by_role("img", name=f"Current: {identity['name']}")).to_be_visible()
    compared = dialog.get_by_role("img").last
    expect(compared).to_be_visible()
    assert shape_of(compared) == pytest.approx(output["width"] / output["height"], rel=0.02)
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # A blocked prompt gets its own plain message.
    prompt.fill("[simulate:prompt_blocked] something Gemini refuses")
    page.get_by_role("combobox", name="Variants", exact=True).select_option("1")
    page.get_by_role("combobox", name="Aspect ratio", exact=True).select_option("16:9")
    generate.click()
    result = page.get_by_role("article", name="New image")
    refused = result.filter(has_text="Gemini refused the prompt")
    expect(refused).to_be_visible(timeout=JOB_TIMEOUT_MS)
    # The way on right under why, not a wide picture's height below it: no picture to keep.
    why = box_of(refused.get_by_text("Gemini refused the prompt"))
    way = box_of(refused.get_by_role("button", name=re.compile(r"^Edit settings,")))
    assert 0 < way["y"] - (why["y"] + why["height"]) < 120, (why, way)
