"""The Images tab in a real browser: Playwright drives Debian's chromium (no browser
download) against `identity-images serve`, which serves the built tab (web/dist).

An admin logs in, picks a test user and an identity, adds three photos (one an
EXIF-rotated portrait, one HEIC), reloads (the thumbnails come back), writes a prompt,
asks for two variants, watches them run, saves one (the Django identity's image becomes
that output), downloads it, re-runs, and sees a blocked prompt's message; axe finds no
violation; a member sees no tab; four portrait variants fit one laptop screen. `make
screenshot` copies the screenshot of the finished page to docs/images-tab.png.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pillow_heif
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import (
    Browser,
    FilePayload,
    FloatRect,
    Locator,
    Page,
    expect,
    sync_playwright,
)

from tests.e2e.conftest import RunningStack
from tests.e2e.helpers import identity_image_path, login, pick_identity, wait_for

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
JOB_TIMEOUT_MS = 120_000
EXPECTED_16_9_1K = (1376, 768)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: apt-get install chromium (.ci/run does)")
    if not (REPO / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: run `make web-build` (make test does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        yield launched
        launched.close()


def _jpeg(size: tuple[int, int], colour: tuple[int, int, int], *, orientation: int = 1) -> bytes:
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w // 4, h // 5, 3 * w // 4, 4 * h // 5), fill=(230, 190, 160))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif.tobytes())
    return out.getvalue()


def _heic() -> bytes:
    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (640, 480), (90, 140, 90))
    ImageDraw.Draw(image).ellipse((200, 100, 440, 380), fill=(225, 185, 150))
    out = io.BytesIO()
    image.save(out, "HEIF", quality=80)
    return out.getvalue()


def _log_in(page: Page, stack: RunningStack, username: str, password: str) -> None:
    page.goto(f"{stack.web_url}/images")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


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


def _shape_of(image: Locator) -> float:
    """Width over height of the box the page draws `image` in."""
    box = image.bounding_box()
    assert box is not None
    return box["width"] / box["height"]


def _job_by_id(jobs: list[dict[str, Any]], job_id: str) -> dict[str, Any]:
    return next(job for job in jobs if job["id"] == job_id)


def _variant(page: Page, n: int, of: int) -> Locator:
    return page.get_by_role("article", name=f"Variant {n} of {of}")


def test_member_sees_no_images_tab(stack: RunningStack, browser: Browser) -> None:
    page = browser.new_page()
    _log_in(page, stack, "member", "member-password")
    navbar = page.get_by_role("navigation", name="Main")
    expect(navbar.get_by_role("link", name="Home")).to_be_visible()
    expect(navbar.get_by_role("link", name="Images")).to_have_count(0)
    expect(page.get_by_text("Admins only")).to_be_visible()
    expect(page.get_by_role("button", name="Generate", exact=True)).to_have_count(0)
    page.close()


def test_the_page_fits_a_320_px_phone_without_a_sideways_scroll(
    stack: RunningStack, browser: Browser
) -> None:
    """WCAG's reflow width: the navigation bar and the tab fit 320 px (the bar was 331 px:
    Log out past the edge)."""
    page = browser.new_page(viewport={"width": 320, "height": 640})
    _log_in(page, stack, "admin", "admin-password")
    page.get_by_role("combobox", name="User", exact=True).select_option(
        label="Alice Test · test user"
    )
    identity = page.get_by_role("combobox", name="Identity", exact=True)
    expect(identity).to_be_enabled()
    identity.select_option(label="Alice the chef")
    expect(page.get_by_role("button", name="Add photos")).to_be_enabled()
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    page.close()


# A legacy admin's global stylesheet, loaded before the page's as a host's is: its element
# rules reach the page's elements (CSS Modules scope class names, not elements).
HOST_CSS = """
* { box-sizing: content-box; }
h2 { font-size: 28px; margin: 24px 0; text-transform: uppercase; }
ul { list-style: disc; padding-left: 40px; margin: 16px 0; }
li { margin-bottom: 8px; }
button { min-width: 120px; padding: 10px 20px; border-radius: 0; }
img { border: 2px solid #000; }
p { margin: 0 0 16px; line-height: 2; }
label { display: block; margin-bottom: 6px; }
figure { margin: 40px; }
section { padding: 20px; }
progress { display: none; }
kbd { background: #212529; }
body { background: #15181c; color: #e9ecef; color-scheme: dark; }
"""


def test_the_page_keeps_its_look_under_a_hosts_global_css(
    stack: RunningStack, browser: Browser
) -> None:
    """Under a legacy admin's element rules, the photos still stand three a line beside Add
    photos, and the headings, link-style buttons, pictures, notes and Generate's shortcut look
    as the page draws them (the section's padding put Add photos on a second line, Remove
    was 120 px wide, every picture had a black frame, REFERENCE PHOTOS was in capitals); on a
    dark host's page, its title is on its own light ground (it was dark on dark, 1.14:1)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(
        "document.addEventListener('readystatechange', () => {"
        " if (document.getElementById('host-css')) return;"
        " const sheet = document.createElement('style'); sheet.id = 'host-css';"
        f" sheet.textContent = {HOST_CSS!r}; document.head.prepend(sheet); }});"
    )
    page = context.new_page()
    _log_in(page, stack, "admin", "admin-password")
    assert page.evaluate("document.head.firstElementChild.id") == "host-css"
    page.get_by_role("combobox", name="User", exact=True).select_option(
        label="Alice Test · test user"
    )
    identity = page.get_by_role("combobox", name="Identity", exact=True)
    expect(identity).to_be_enabled()
    identity.select_option(label="Alice the chef")
    photos: list[FilePayload] = [
        {"name": f"p{n}.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((600, 800), (90, 60, n))}
        for n in range(2)
    ]
    page.get_by_label("Reference photos", exact=True).set_input_files(photos)
    remove = page.get_by_role("button", name="Remove p0.jpg")
    expect(remove).to_be_visible()

    tiles = page.get_by_role("list", name="Selected photos").get_by_role("listitem")
    assert len(_one_line([*tiles.all(), page.get_by_role("button", name="Add photos")])) == 1
    heading = page.get_by_role("heading", name="Reference photos")
    assert _style(heading, "textTransform") == "none"
    assert _style(heading, "fontSize") == "15px"
    box = remove.bounding_box()
    assert box is not None
    assert box["width"] < 80, box
    assert _style(tiles.first.locator("img"), "borderTopWidth") == "0px"
    # The page's 1.45, not the host's `p { line-height: 2 }`.
    hint = page.locator("p", has_text="Drag photos here")
    size, height = (
        float(_style(hint, name).removesuffix("px")) for name in ("fontSize", "lineHeight")
    )
    assert height / size < 1.6, (size, height)
    shortcut = page.locator("kbd")
    assert _style(shortcut, "backgroundColor") == "rgba(0, 0, 0, 0)"
    # A dark host: the page's title stands on the page's own light ground, not the host's.
    root = page.locator("[data-images-tab]")
    assert _style(root, "backgroundColor") == "rgb(246, 247, 249)"
    assert _style(page.get_by_role("heading", name="Images", level=1), "color") == "rgb(28, 36, 48)"
    assert _style(root, "colorScheme") == "light"
    context.close()


def test_the_page_lays_itself_out_by_its_own_width_in_a_host_with_a_sidebar(
    stack: RunningStack, browser: Browser
) -> None:
    """A 1024 px window whose host keeps 240 px for its sidebar leaves the page a tablet's
    room: the result pane goes under the form, at the page's width, as on a tablet (laid out
    by the window's width, the form kept 400 px and the pane was left 336 px beside it)."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    _log_in(page, stack, "admin", "admin-password")
    root = page.locator("[data-images-tab]")
    expect(page.get_by_role("region", name="New generation")).to_be_visible()
    root.evaluate("page => { page.style.marginLeft = '240px'; }")
    page_box, form, pane = (
        element.bounding_box()
        for element in (
            root,
            page.get_by_role("region", name="New generation"),
            page.get_by_role("region", name="Result"),
        )
    )
    assert page_box is not None
    assert form is not None
    assert pane is not None
    assert page_box["width"] < 900, page_box
    assert pane["y"] >= form["y"] + form["height"], (form, pane)
    assert form["width"] > page_box["width"] - 60, (page_box, form)
    context.close()


def _host_bar(page: Page, edge: str, height: int) -> None:
    """A host's bar of `height` px fixed at the window's `edge` (`top`: a sticky header,
    `bottom`: a sticky footer) over the page, said to the page as `--ii-host-{edge}` on the
    document's root, as docs/images-tab.md asks a host to."""
    page.evaluate(
        """([edge, height]) => {
            const bar = document.createElement(edge === "top" ? "header" : "footer");
            Object.assign(bar.style, {position: "fixed", [edge]: "0", left: "0", right: "0",
                height: `${height}px`, background: "#222", zIndex: "1000"});
            document.body.append(bar);
            document.documentElement.style.setProperty(`--ii-host-${edge}`, `${height}px`);
        }""",
        [edge, height],
    )


def test_the_pages_notice_is_in_view_in_a_host_with_a_sticky_header(
    stack: RunningStack, browser: Browser
) -> None:
    """A host with a 64 px sticky header says so (`--ii-host-top`): scrolled down and offline,
    the page's notice is in view, not behind that header (stuck at the window's top, it was
    once at 8 px, behind it; it is at the window's foot now)."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    _log_in(page, stack, "admin", "admin-password")
    expect(page.get_by_role("region", name="New generation")).to_be_visible()
    _host_bar(page, "top", 64)
    page.evaluate("() => { document.body.style.paddingBottom = '2000px'; scrollTo(0, 400); }")
    context.set_offline(True)
    notice = page.get_by_role("alert").filter(has_text="This browser is offline.")
    expect(notice).to_be_visible()
    _next_frames(page)
    box = notice.bounding_box()
    assert box is not None
    assert box["y"] >= 64, box
    at = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('[role=alert]') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert at, "the notice is under the host's header"
    context.set_offline(False)
    context.close()


def test_generate_and_the_pages_notice_stand_over_a_hosts_sticky_footer(
    stack: RunningStack, browser: Browser
) -> None:
    """A host with a 56 px sticky footer says so (`--ii-host-bottom`): on a 1440 by 900
    laptop, the form's Generate bar, stuck at the window's foot while the form runs past it,
    and the page's offline notice stand over that footer, not behind it (both were at the
    window's very foot, under the footer)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    _log_in(page, stack, "admin", "admin-password")
    expect(page.get_by_role("region", name="New generation")).to_be_visible()
    _host_bar(page, "bottom", 56)
    generate = page.get_by_role("button", name="Generate", exact=True)
    context.set_offline(True)
    notice = page.get_by_role("alert").filter(has_text="This browser is offline.")
    expect(notice).to_be_visible()
    _next_frames(page)
    for part, role in ((generate, "button"), (notice, "alert")):
        box = part.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= 900 - 56, (role, box)
        seen = page.evaluate(
            "([x, y, role]) => document.elementFromPoint(x, y)?.closest(`[role=${role}], button`)"
            " !== null",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, role],
        )
        assert seen, f"the {role} is under the host's footer"
    context.set_offline(False)
    context.close()


def test_admin_generates_saves_downloads_reruns(
    stack: RunningStack, browser: Browser, tmp_path: Path
) -> None:
    admin = httpx.Client(
        base_url=f"{stack.api_url}/v1",
        headers={"Authorization": f"Bearer {login(stack, 'admin', 'admin-password')}"},
        timeout=30,
    )
    # test-bob: the HTTP-only test of the same session stack works on test-alice.
    user_id, identity = pick_identity(admin, "test-bob")
    history_url = "/generations"

    def listed() -> list[dict[str, Any]]:
        """The identity's history, as the API lists it."""
        answer = admin.get(history_url, params={"identity_id": identity["id"]})
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    earlier = {job["id"] for job in listed()}
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    _log_in(page, stack, "admin", "admin-password")
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
            "buffer": _jpeg((800, 600), (60, 90, 160)),
        },
        {
            "name": "portrait.jpg",
            "mimeType": "image/jpeg",
            "buffer": _jpeg((900, 600), (150, 90, 160), orientation=6),
        },
        {"name": "side.heic", "mimeType": "", "buffer": _heic()},
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

    # Prompt, size, two variants; Ctrl+Enter generates.
    prompt = page.get_by_role("textbox", name="Prompt", exact=True)
    prompt.fill("smiling, outdoors, soft light")
    expect(page.get_by_text("29 / 2000")).to_be_visible()
    page.get_by_role("combobox", name="Size", exact=True).select_option("1K")
    page.get_by_role("combobox", name="Variants", exact=True).select_option("2")
    expect(page.get_by_text("2 images, 16:9 at 1K")).to_be_visible()
    page.evaluate(WATCH_PROGRESS)
    prompt.press("Control+Enter")

    # Watch progress (every state the cards showed), then both previews.
    first, second = _variant(page, 1, 2), _variant(page, 2, 2)
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
    area = divider.bounding_box()
    assert area is not None
    page.mouse.click(area["x"] + area["width"] * 0.25, area["y"] + area["height"] / 2)
    assert 23 <= int(divider.input_value()) <= 27, divider.input_value()
    over = dialog.get_by_role("img", name="Variant 2 of 2")
    clip = over.evaluate("picture => getComputedStyle(picture).clipPath")
    assert re.fullmatch(r"inset\(0(px)? 0(px)? 0(px)? 2[3-7]%\)", clip), clip
    divider.press("End")
    expect(divider).to_have_value("100")
    assert _axe_violations(page) == []
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # Save the first: the Django identity's image is that output.
    first.get_by_role("button", name="Save to identity").click()
    expect(first.get_by_text("Saved to identity", exact=True)).to_be_visible(timeout=JOB_TIMEOUT_MS)
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
    other = history.get_by_role("listitem").filter(has_text="Variant 2 of 2")
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
    assert _axe_violations(page) == []
    shot = tmp_path / "images-tab.png"
    page.screenshot(path=str(shot), full_page=True)
    if target := os.environ.get("IMAGES_TAB_SCREENSHOT"):
        shutil.copyfile(shot, target)

    # Re-run the saved generation from the history: a new job, same settings.
    count = len(jobs)
    history.get_by_role("listitem").first.get_by_role("button", name="Re-run").click()
    wait_for("the re-run", lambda: len(listed()) > count)
    rerun = page.get_by_role("article", name="New image")
    expect(rerun.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    # On a 1366 by 768 laptop the window's height holds the landscape picture back: its card,
    # narrower than the pane, sits in the pane's middle.
    page.set_viewport_size({"width": 1366, "height": 768})
    pane = page.get_by_role("region", name="Result").bounding_box()
    placed = rerun.bounding_box()
    assert pane is not None
    assert placed is not None
    left = placed["x"] - pane["x"]
    right = pane["x"] + pane["width"] - placed["x"] - placed["width"]
    assert left > 40, (pane, placed)
    assert left == pytest.approx(right, abs=2), (pane, placed)
    page.set_viewport_size({"width": 1440, "height": 1000})

    # The Saved view: the results saved (another test may have saved one of this identity's
    # too), the one just saved first, as a picture.
    saved = [job for job in listed() if job["apply"]["status"] == "applied"]
    assert saved, listed()
    history.get_by_role("button", name="Saved", exact=True).click()
    tiles = history.get_by_role("list", name="Results").get_by_role("listitem")
    expect(tiles).to_have_count(len(saved))
    expect(tiles.first.get_by_text("Saved to identity", exact=True)).to_be_visible()
    expect(tiles.first.locator("img")).to_be_visible()
    history.get_by_role("button", name="All generations", exact=True).click()

    # Edit settings on the saved variant: the form holds its settings and photos already,
    # and says so (nothing to undo), but the three copies it kept take the uploads' places;
    # a new prompt on them makes a new image from those kept photos.
    saved_row = history.get_by_role("listitem").filter(has_text="Saved to identity")
    saved_row.get_by_role("button", name="Edit settings").click()
    expect(
        page.get_by_text("The form holds the settings and photos from the generation")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Undo", exact=True)).to_have_count(0)
    prompt.fill("the same photos, in the evening")
    page.get_by_role("combobox", name="Variants", exact=True).select_option("1")
    page.get_by_role("combobox", name="Aspect ratio", exact=True).select_option("9:16")
    known = {job["id"] for job in listed()}
    generate.click()
    new = wait_for(
        "the generation from kept photos",
        lambda: [job for job in listed() if job["id"] not in known],
    )
    newest = new[0]
    assert len(newest["reference_keys"]) == 3
    assert all(key.startswith("prepared/") for key in newest["reference_keys"]), newest
    from_kept = page.get_by_role("article", name="New image")
    expect(from_kept.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    # A portrait is shown in its own shape, narrowed to fit the card's height: no bars.
    output = wait_for("its output", lambda: _job_by_id(listed(), newest["id"]).get("output"))
    assert _shape_of(from_kept.get_by_role("img")) == pytest.approx(
        output["width"] / output["height"], rel=0.02
    ), output
    # So it is beside the current (16:9) image in Compare.
    from_kept.get_by_role("button", name="Compare").click()
    dialog = page.get_by_role("dialog", name="Compare with the current image")
    expect(dialog.get_by_role("img", name=f"Current: {identity['name']}")).to_be_visible()
    compared = dialog.get_by_role("img").last
    expect(compared).to_be_visible()
    assert _shape_of(compared) == pytest.approx(output["width"] / output["height"], rel=0.02)
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
    why = refused.get_by_text("Gemini refused the prompt").bounding_box()
    way = refused.get_by_role("button", name=re.compile(r"^Edit settings,")).bounding_box()
    assert why is not None
    assert way is not None
    assert 0 < way["y"] - (why["y"] + why["height"]) < 120, (why, way)
    page.close()


# Sums the layout shifts the page makes from now on (the browser's own measure: what moved in
# view, and how far).
WATCH_SHIFTS = """() => {
  window.__shifted = 0;
  window.__shiftedWhat = [];
  new PerformanceObserver((list) => {
    for (const shift of list.getEntries()) {
      window.__shifted += shift.value;
      for (const {node} of shift.sources) window.__shiftedWhat.push(node?.outerHTML?.slice(0, 120));
    }
  }).observe({type: "layout-shift"});
}"""

#: Resolves once the page has not moved for half a second (at most 5 s): what an earlier test
#: left (a saved image, the history's pictures) loads late on a loaded machine, and its
#: shift is not the one a test watches for.
SETTLED = """() => new Promise((settled) => {
  const observer = new PerformanceObserver(() => {
    clearTimeout(quiet);
    quiet = setTimeout(done, 500);
  });
  const done = () => {
    observer.disconnect();
    clearTimeout(longest);
    settled();
  };
  let quiet = setTimeout(done, 500);
  const longest = setTimeout(done, 5000);
  observer.observe({type: "layout-shift"});
})"""

PHONE_AND_LAPTOP = [pytest.param((1440, 900), id="laptop"), pytest.param((390, 844), id="phone")]


def _top_of_window_at(page: Page, element: Locator) -> FloatRect:
    """The page scrolled so that `element` is at the window's top (as far as the page scrolls):
    its box there."""
    element.evaluate("e => window.scrollBy(0, e.getBoundingClientRect().top - 4)")
    _next_frames(page)
    box = element.bounding_box()
    assert box is not None
    return box


def _uncovered(page: Page, element: Locator) -> bool:
    """Whether what is drawn at `element`'s middle is `element` (nothing over it)."""
    box = element.bounding_box()
    assert box is not None
    return bool(
        element.evaluate(
            "(e, [x, y]) => e.contains(document.elementFromPoint(x, y))",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
    )


@pytest.mark.parametrize("screen", PHONE_AND_LAPTOP)
def test_the_offline_notice_moves_nothing_and_covers_no_field(
    stack: RunningStack, browser: Browser, screen: tuple[int, int]
) -> None:
    """On a 1440 by 900 laptop and a 390 by 844 phone, the browser going offline is said at
    the window's foot and moves nothing in view (said above the page, it pushed the page 81 px
    down, 100 px on a phone); scrolled so that the User select is at the window's top, the
    notice is in view and the select not under it (stuck at the window's top, it hid the
    select)."""
    width, height = screen
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    _log_in(page, stack, "admin", "admin-password")
    page.get_by_role("combobox", name="User", exact=True).select_option(
        label="Alice Test · test user"
    )
    identity = page.get_by_role("combobox", name="Identity", exact=True)
    expect(identity).to_be_enabled()
    identity.select_option(label="Alice the chef")
    add = page.get_by_role("button", name="Add photos")
    expect(add).to_be_enabled()
    page.evaluate(SETTLED)
    page.evaluate(WATCH_SHIFTS)
    before = add.bounding_box()
    context.set_offline(True)
    notice = page.get_by_role("alert").filter(has_text="This browser is offline.")
    expect(notice).to_be_visible()
    _next_frames(page)
    assert add.bounding_box() == before
    assert page.evaluate("window.__shifted") == 0, page.evaluate("window.__shiftedWhat")

    user = page.get_by_role("combobox", name="User", exact=True)
    assert _top_of_window_at(page, user)["y"] < 60
    assert _uncovered(page, user), "the User select is under the notice"
    box = notice.bounding_box()
    assert box is not None
    assert 0 <= box["y"] <= height - box["height"], box
    context.set_offline(False)
    context.close()


@pytest.mark.parametrize("screen", PHONE_AND_LAPTOP)
def test_a_click_left_running_is_said_without_moving_the_form(
    stack: RunningStack, browser: Browser, screen: tuple[int, int]
) -> None:
    """A click left running (the user's other identity chosen) is said, "Still generating for
    Alice the chef.", at the window's foot, its Show in view, and the form, the user's for both
    identities, stays where it was (the notice came under the selects and pushed the form 56 px
    down, on a laptop and on a phone)."""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Alice Test · test user",
        identity="Alice the chef",
        ratio="1:1",
        screen=screen,
    )
    # Its own words: the pane may show an earlier click of this identity as it opens. (Not the
    # explorer's: later tests take the first card of its pane, as it opens, for theirs.)
    walk = f"a long walk seen at {screen[0]} px"
    page.get_by_role("textbox", name="Prompt", exact=True).fill(f"{walk} [simulate:slow]")
    generate.click()
    expect(page.get_by_role("region", name="Result")).to_contain_text(walk, timeout=JOB_TIMEOUT_MS)
    form = page.get_by_role("region", name="New generation")
    # Where the form starts on the page (the page may still be scrolling to the results).
    on_page = "form => form.getBoundingClientRect().top + window.scrollY"
    before = form.evaluate(on_page)
    page.get_by_role("combobox", name="Identity", exact=True).select_option(
        label="Alice the explorer"
    )
    notices = page.get_by_role("group", name="Generations elsewhere")
    expect(notices).to_contain_text("Still generating for Alice the chef")
    _next_frames(page)
    assert form.evaluate(on_page) == before
    show = notices.get_by_role("button", name=re.compile("^Show")).bounding_box()
    assert show is not None
    assert 0 <= show["y"] <= screen[1] - show["height"], show
    page.close()


def _one_line(boxes: list[Locator]) -> set[int]:
    """The tops of `boxes` as the page draws them: one value when they share a line."""
    tops = set()
    for locator in boxes:
        box = locator.bounding_box()
        assert box is not None
        tops.add(round(box["y"]))
    return tops


def _save_beside_download(card: Locator) -> FloatRect:
    """Where a card's Save is drawn, checked to share a line with its Download."""
    save = card.get_by_role("button", name="Save to identity").bounding_box()
    download = card.get_by_role("link", name="Download").bounding_box()
    assert save is not None
    assert download is not None
    assert save["y"] == pytest.approx(download["y"], abs=2), (save, download)
    return save


def _next_frames(page: Page) -> None:
    """Two frames drawn: what the page measures on a layout change (a ResizeObserver) is on
    screen."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _ready_to_generate(
    browser: Browser,
    stack: RunningStack,
    *,
    user: str,
    identity: str,
    ratio: str,
    screen: tuple[int, int] = (1440, 900),
    scale: float = 1,
) -> tuple[Page, Locator]:
    """A page of the admin's on a `screen` (width, height; a 1440 by 900 laptop unless said,
    of `scale` device pixels a CSS pixel), on `identity` of `user`, with one photo in, at
    `ratio` and 1K: its Generate, ready."""
    width, height = screen
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
    _log_in(page, stack, "admin", "admin-password")
    page.get_by_role("combobox", name="User", exact=True).select_option(label=user)
    identity_select = page.get_by_role("combobox", name="Identity", exact=True)
    expect(identity_select).to_be_enabled()
    identity_select.select_option(label=identity)
    photo: FilePayload = {
        "name": "front.jpg",
        "mimeType": "image/jpeg",
        "buffer": _jpeg((600, 800), (90, 120, 60)),
    }
    page.get_by_label("Reference photos", exact=True).set_input_files([photo])
    page.get_by_role("combobox", name="Aspect ratio", exact=True).select_option(ratio)
    page.get_by_role("combobox", name="Size", exact=True).select_option("1K")
    generate = page.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled(timeout=30_000)
    return page, generate


def test_four_portrait_variants_fit_one_laptop_screen(
    stack: RunningStack, browser: Browser
) -> None:
    """Four upright variants stand in one row of a 1440 by 900 screen's result pane, each with
    its Save and Download side by side and in view, and so do they with the current image in
    Compare: an admin compares and keeps one without scrolling. (Two rows of them put the
    second row's buttons below the fold.) Each is as tall as the row. A portrait alone is whole
    on the first screen, under a host's taller header too. In the history, the click takes two
    lines, not four (a click of three's other two share a line in halves); on a tablet the
    cards go two by two, Save still beside Download."""
    # Not the identity the other browser test works on (`pick_identity` takes the first).
    page, generate = _ready_to_generate(
        browser, stack, user="Bob Test · test user", identity="Bob the jazz pianist", ratio="3:4"
    )

    # The identity's current image first: Compare then shows it beside the four. A portrait
    # alone is whole on the first screen, its Save beside it.
    generate.click()
    first = page.get_by_role("article", name="New image")
    expect(first.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    page.evaluate("window.scrollTo(0, 0)")
    picture = first.get_by_role("img").bounding_box()
    assert picture is not None
    assert picture["y"] + picture["height"] <= 900, picture
    # So is it under a host's header 100 px taller than the local shell's (its top bar and a
    # row of tabs): the picture fits the window left under the cards, wherever they start.
    page.evaluate(
        """() => {
            const header = document.createElement("div");
            header.id = "taller-host-header";
            header.style.height = "100px";
            document.body.prepend(header);
        }"""
    )
    _next_frames(page)
    picture = first.get_by_role("img").bounding_box()
    assert picture is not None
    assert picture["y"] + picture["height"] <= 900, picture
    page.evaluate("document.getElementById('taller-host-header').remove()")
    cards = _saved_then_four_variants(page, generate, first)
    page.evaluate("window.scrollTo(0, 0)")
    assert len(_one_line(cards)) == 1
    for card in cards:
        save = _save_beside_download(card)
        assert save["y"] + save["height"] <= 900, save
    # "Save" seen, "Save to identity" its name: still no accessibility violation.
    assert _axe_violations(page) == []
    # A card whose facts take two lines ("under 1 s" in one, "1 s" in the others: as long as
    # this) is as tall as the others: the row's edges stay even.
    facts = cards[1].get_by_text("896\N{MULTIPLICATION SIGN}1200")
    facts.evaluate("facts => { facts.textContent += ' and a second line' }")
    heights = set()
    for card in cards:
        box = card.bounding_box()
        assert box is not None
        heights.add(round(box["height"]))
    assert len(heights) == 1, heights

    dialog = _compare_in_view(page, cards, lines=1, height=900)
    # The dialog takes the window's width where faces are judged: five portraits 250 px wide
    # each at 1440 px (200 px in a dialog kept to 1100 px), and wider still on a larger screen,
    # their Saves still in view.
    _pictures_at_least(dialog, 240)
    page.set_viewport_size({"width": 1920, "height": 1080})
    _pictures_at_least(dialog, 300)
    for n in range(1, 5):
        box = dialog.get_by_role("button", name=f"Save variant {n} of 4 to identity").bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= 1080, box
    page.set_viewport_size({"width": 1440, "height": 900})
    # Overlaid, two of the five at a time (the portrait saved first is of their shape), each
    # side's picture chosen from a list drawn over the divider's slider, which takes the click.
    dialog.get_by_role("button", name="Overlaid").click()
    right = dialog.get_by_role("combobox", name="Picture on the right")
    right.click(trial=True)
    right.select_option(label="Variant 4 of 4")
    expect(dialog.get_by_role("slider")).to_have_accessible_name(
        "Divider between Variant 1 of 4 and Variant 4 of 4"
    )
    expect(dialog.get_by_role("option", name="Current")).to_have_count(2)
    dialog.get_by_role("button", name="Close").click()

    # In the history, the click's other three variants share one line under its first.
    rows = page.get_by_role("region", name="History").get_by_role("listitem")
    others = [rows.filter(has_text=f"Variant {n} of 4") for n in range(2, 5)]
    for row in others:
        expect(row).to_have_count(1)
    assert len(_one_line(others)) == 1

    # On a tablet they go two by two, Save and Download still side by side.
    page.set_viewport_size({"width": 768, "height": 1024})
    assert len(_one_line(cards)) == 2
    for card in cards:
        _save_beside_download(card)

    # Back on a laptop, a click of three's other two share the history's line in halves.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.get_by_role("combobox", name="Variants", exact=True).select_option("3")
    generate.click()
    for n in range(1, 4):
        expect(_variant(page, n, 3).get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    pair = [rows.filter(has_text=f"Variant {n} of 3") for n in (2, 3)]
    for row in pair:
        expect(row).to_have_count(1)
    assert len(_one_line(pair)) == 1
    line = page.get_by_role("region", name="History").get_by_role("list").bounding_box()
    assert line is not None
    for row in pair:
        box = row.bounding_box()
        assert box is not None
        assert box["width"] > 0.45 * line["width"], (box, line)
    page.close()


def test_a_single_refinement_keeps_its_save_on_the_first_screen(
    stack: RunningStack, browser: Browser
) -> None:
    """A refined landscape card says what was asked on a line of its own over the picture:
    the picture makes room for that line too, so its Save stays on a 1440 by 900 screen."""
    page, generate = _ready_to_generate(
        browser, stack, user="Alice Test · test user", identity="Alice the explorer", ratio="16:9"
    )
    # Five photos: two lines of tiles, when they come back below.
    more: list[FilePayload] = [
        {"name": f"more{n}.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((600, 800), (60, 90, n))}
        for n in range(4)
    ]
    page.get_by_label("Reference photos", exact=True).set_input_files(more)
    expect(page.get_by_text("5 / 5", exact=True)).to_be_visible()
    expect(generate).to_be_enabled(timeout=30_000)
    generate.click()
    card = page.get_by_role("article", name="New image")
    expect(card.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    # In forced colours (Windows' high contrast) a link-style action reads as a link, not as
    # plain text, and Refine with its box open is the system's highlight; else it is
    # underlined, not only on a pale background (1.1:1 on white).
    refine = card.get_by_role("button", name="Refine")
    page.emulate_media(forced_colors="active")
    assert "underline" in _style(refine, "textDecorationLine")
    refine.click()
    assert _style(refine, "backgroundColor") == _system_colour(page, "Highlight")
    page.emulate_media(forced_colors="none")
    assert "underline" in _style(refine, "textDecorationLine")
    page.get_by_role("textbox", name="What should change?").fill("a darker background")
    page.keyboard.press("Enter")

    refined = page.get_by_role("article", name="Refined image")
    expect(refined.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(refined.get_by_text("a darker background")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    _next_frames(page)
    save = refined.get_by_role("button", name="Save to identity").bounding_box()
    assert save is not None
    assert save["y"] + save["height"] <= 900, save

    # On a 1366 by 768 laptop, the photos gone from the form, the last generation's are
    # offered under the empty box: taken, they push the prompt down, which has the focus
    # next, and is not left under the Generate bar.
    page.set_viewport_size({"width": 1366, "height": 768})
    prompt = page.get_by_role("textbox", name="Prompt", exact=True)
    photos = page.get_by_role("list", name="Selected photos")
    while photos.get_by_role("button", name=re.compile(r"^Remove ")).count() > 0:
        photos.get_by_role("button", name=re.compile(r"^Remove ")).first.click()
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("button", name="Use the 5 photos of the last generation").click()
    expect(prompt).to_be_focused()
    expect(page.get_by_text("5 / 5", exact=True)).to_be_visible()
    _next_frames(page)
    _clear_of(prompt, generate)


def test_four_landscape_variants_and_the_current_image_compare_on_one_laptop_screen(
    stack: RunningStack, browser: Browser
) -> None:
    """Compare of four 16:9 variants beside a 16:9 current image at 1366 by 768: three a line
    on two lines, every Save in view (two a line, the second line and its Saves were below
    the fold: an admin scrolled back and forth to compare)."""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Alice Test · test user",
        identity="Alice the explorer",
        ratio="16:9",
        screen=(1366, 768),
    )
    generate.click()
    first = page.get_by_role("article", name="New image")
    expect(first.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    cards = _saved_then_four_variants(page, generate, first)
    _compare_in_view(page, cards, lines=2, height=768)
    page.close()


def test_a_card_keeps_its_height_from_the_queue_to_its_result(
    stack: RunningStack, browser: Browser
) -> None:
    """Four squares on a 1024 px tablet, two a row: each card is as tall while it waits and
    runs as once its result is in, Save, Refine and its facts under the picture (its footer came
    with the result, 132 px, and the row under it jumped down as the admin looked at it)."""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Bob Test · test user",
        identity="Bob the jazz pianist",
        ratio="1:1",
        screen=(1024, 768),
    )
    page.get_by_role("combobox", name="Variants", exact=True).select_option("4")
    # Each card's height at every frame while it has no picture, and once it has.
    page.evaluate(
        """() => {
            // By card: a card of an earlier click, done from the start, is not one of these.
            const cards = new Map();
            window.__heights = () => [...cards.values()].filter((seen) => seen.pending.length);
            const look = () => {
                for (const card of document.querySelectorAll('article[aria-label^="Variant"]')) {
                    const state = card.querySelector("img") ? "done" : "pending";
                    const seen = cards.get(card) ?? {name: card.ariaLabel, pending: [], done: []};
                    cards.set(card, seen);
                    seen[state].push(Math.round(card.getBoundingClientRect().height));
                }
                requestAnimationFrame(look);
            };
            requestAnimationFrame(look);
        }"""
    )
    generate.click()
    for n in range(1, 5):
        expect(_variant(page, n, 4).get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    _next_frames(page)
    cards: list[dict[str, Any]] = page.evaluate("window.__heights()")
    assert len(cards) == 4, cards
    for seen in cards:
        name = seen["name"]
        assert min(seen["pending"]) >= seen["done"][-1] - 2, (
            name,
            sorted(set(seen["pending"])),
            seen["done"][-1],
        )
    page.close()


def test_on_a_phone_a_cards_refine_box_opens_under_it(
    stack: RunningStack, browser: Browser
) -> None:
    """Four squares on a phone, one a row: Refine on the first opens its box right under that
    card, above the second (under the last, it was 1,400 px away from the card it was about)."""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Bob Test · test user",
        identity="Bob the jazz pianist",
        ratio="1:1",
        screen=(390, 844),
    )
    page.get_by_role("combobox", name="Variants", exact=True).select_option("4")
    generate.click()
    cards = [_variant(page, n, 4) for n in range(1, 5)]
    for card in cards:
        expect(card.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    cards[0].get_by_role("button", name=re.compile(r"^Refine,")).click()
    box = page.get_by_role("textbox", name="What should change in variant 1?")
    expect(box).to_be_focused()
    first, words, second = (element.bounding_box() for element in (cards[0], box, cards[1]))
    assert first is not None
    assert words is not None
    assert second is not None
    assert first["y"] + first["height"] <= words["y"] < second["y"], (first, words, second)
    page.close()


def _saved_then_four_variants(page: Page, generate: Locator, first: Locator) -> list[Locator]:
    """`first`'s image saved to the identity (Compare shows it beside what comes next), then
    four variants generated: their cards, each with its picture."""
    first.get_by_role("button", name="Save to identity").click()
    expect(first.get_by_text("Saved to identity", exact=True)).to_be_visible(timeout=JOB_TIMEOUT_MS)
    page.get_by_role("combobox", name="Variants", exact=True).select_option("4")
    generate.click()
    cards = [_variant(page, n, 4) for n in range(1, 5)]
    for card in cards:
        expect(card.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    return cards


def _compare_in_view(page: Page, cards: list[Locator], *, lines: int, height: int) -> Locator:
    """Compare from the first of a click's four variants, with the current image: the five
    pictures on `lines` lines, every Save above a window `height` px tall. The dialog."""
    cards[0].get_by_role("button", name="Compare").click()
    dialog = page.get_by_role("dialog", name="Compare the variants")
    figures = dialog.get_by_role("figure")
    expect(figures).to_have_count(5)
    for figure in figures.all():
        expect(figure.get_by_role("img")).to_be_visible()
    assert len(_one_line(figures.all())) == lines
    for n in range(1, 5):
        box = dialog.get_by_role("button", name=f"Save variant {n} of 4 to identity").bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= height, box
    return dialog


def _pictures_at_least(dialog: Locator, width: float) -> None:
    """Every picture of the Compare `dialog` is at least `width` px wide."""
    for figure in dialog.get_by_role("figure").all():
        box = figure.get_by_role("img").bounding_box()
        assert box is not None
        assert box["width"] >= width, box


def test_a_field_tabbed_to_is_not_left_under_generate(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1024 by 768 screen with three photos in, Generate stays at the window's bottom,
    its estimate naming what a click makes, and leading to the options under it; the Prompt
    and the options that Tab moves to come out from under it, where the browser left them."""
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    _log_in(page, stack, "admin", "admin-password")
    page.get_by_role("combobox", name="User", exact=True).select_option(
        label="Alice Test · test user"
    )
    expect(page.get_by_role("combobox", name="Identity", exact=True)).to_be_enabled()
    photos: list[FilePayload] = [
        {
            "name": f"p{n}.jpg",
            "mimeType": "image/jpeg",
            "buffer": _jpeg((600, 800), (90, 40 * n, 60)),
        }
        for n in range(3)
    ]
    page.get_by_label("Reference photos", exact=True).set_input_files(photos)
    generate = page.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled(timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    _next_frames(page)
    button = generate.bounding_box()
    assert button is not None
    assert button["y"] + button["height"] <= 768, button
    # What a click makes is a way to the options, under the bar on this screen: one click
    # brings them out, the first focused.
    ratio = page.get_by_role("combobox", name="Aspect ratio", exact=True)
    box, bar = ratio.bounding_box(), generate.bounding_box()
    assert box is not None
    assert bar is not None
    assert box["y"] + box["height"] > bar["y"] - 16, (box, bar)  # under the bar at first
    page.get_by_role("button", name="1 image, 16:9 at 4K", exact=True).click()
    expect(ratio).to_be_focused()
    _next_frames(page)
    box, bar = ratio.bounding_box(), generate.bounding_box()
    assert box is not None
    assert bar is not None
    assert box["y"] + box["height"] <= bar["y"] - 16, (box, bar)
    page.evaluate("window.scrollTo(0, 0)")

    page.get_by_role("button", name="Remove p2.jpg", exact=True).focus()
    page.keyboard.press("Tab")
    for name, role in (
        ("Prompt", "textbox"),
        ("Aspect ratio", "combobox"),
        ("Size", "combobox"),
        ("Variants", "combobox"),
    ):
        page.keyboard.press("Tab")
        field = page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]
        expect(field).to_be_focused()
        _next_frames(page)
        box = field.bounding_box()
        bar = generate.bounding_box()
        assert box is not None
        assert bar is not None
        # Above the bar's top: its 16 px padding over Generate.
        assert box["y"] + box["height"] <= bar["y"] - 16, (name, box, bar)

    # A mouse press on a link half under the bar is not moved from under the pointer: one
    # click removes the photo (two more photos put a second row's links under the bar).
    more: list[FilePayload] = [
        {"name": f"p{n}.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((600, 800), (90, 9, n))}
        for n in (3, 4)
    ]
    page.get_by_label("Reference photos", exact=True).set_input_files(more)
    expect(generate).to_be_enabled(timeout=30_000)
    remove = page.get_by_role("button", name="Remove p4.jpg", exact=True)
    page.evaluate("window.scrollTo(0, 0)")
    link = remove.bounding_box()
    bar = generate.bounding_box()
    assert link is not None
    assert bar is not None
    page.evaluate("dy => window.scrollBy(0, dy)", link["y"] - (bar["y"] - 16 - 8))
    _next_frames(page)
    link = remove.bounding_box()
    assert link is not None
    bar = generate.bounding_box()
    assert bar is not None
    assert link["y"] + link["height"] > bar["y"] - 16, (link, bar)  # half under the bar
    page.mouse.click(link["x"] + 4, link["y"] + 3)
    expect(page.get_by_text("4 / 5", exact=True)).to_be_visible()
    page.close()


@pytest.mark.parametrize("ratio", ["3:4", "9:16"])
def test_two_portrait_variants_keep_their_save_on_a_laptop_screen(
    stack: RunningStack, browser: Browser, ratio: str
) -> None:
    """Two upright variants at 1280 by 800 and at 1366 by 768: each picture gives way to
    its Save, which is on the first screen without a scroll (a floor of 360 px for the
    picture put it under the window's edge on both; a 9:16 card's settings on a second
    line, at 1366 by 768); the two stand together, not each in the middle of its half of
    the pane, and stay where they are when a Refine box opens under them (it kept an
    empty third column open, and the two moved to the pane's start)."""
    page, generate = _ready_to_generate(
        browser, stack, user="Alice Test · test user", identity="Alice the chef", ratio=ratio
    )
    page.get_by_role("combobox", name="Variants", exact=True).select_option("2")
    generate.click()
    cards = [_variant(page, n, 2) for n in (1, 2)]
    for card in cards:
        # This click's, not the last one's, which the pane shows until it has them.
        expect(card).to_contain_text(f"{ratio} · 1K", timeout=JOB_TIMEOUT_MS)
        expect(card.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    # A card whose facts take a line more (a save's badge: "Saved, then replaced") is as tall
    # as its neighbour: the row's edges stay even.
    cards[1].get_by_text(re.compile("^\\d+\N{MULTIPLICATION SIGN}\\d+")).evaluate(
        "facts => facts.parentElement"
        ".insertAdjacentHTML('beforebegin', '<p>Saved, then replaced</p>')"
    )
    _next_frames(page)
    heights = {round(box["height"]) for box in (card.bounding_box() for card in cards) if box}
    assert len(heights) == 1, heights
    for width, height in ((1280, 800), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        _next_frames(page)
        for card in cards:
            save = card.get_by_role("button", name="Save to identity").bounding_box()
            assert save is not None
            assert save["y"] + save["height"] <= height, (width, height, save)
        # Side by side in the pane's middle, the grid's gap between them, no empty strip.
        first, second = (card.bounding_box() for card in cards)
        assert first is not None
        assert second is not None
        assert second["x"] - (first["x"] + first["width"]) <= 16, (width, first, second)
    cards[0].get_by_role("button", name=re.compile(r"^Refine,")).click()
    expect(page.get_by_role("textbox", name="What should change in variant 1?")).to_be_focused()
    _next_frames(page)
    # Across: the box may scroll the page to come into view.
    across = [(box["x"], box["width"]) for box in (card.bounding_box() for card in cards) if box]
    before = [(box["x"], box["width"]) for box in (first, second) if box]
    assert across == before
    page.close()


def test_a_result_is_sharp_on_a_2x_screen_from_its_large_rendition(
    stack: RunningStack, browser: Browser
) -> None:
    """A 2K landscape result alone in the pane of a 2x laptop screen: its card is some 830
    CSS pixels wide, 1,660 on the screen, and shows the large rendition (1,536 px); it showed
    the 768 px preview stretched to twice its size, and the full image (2,752 px, a 4K one
    some 30 MB) is for Full size. Four square variants on a 1x screen, each card narrower
    than the preview, keep to the preview."""

    def shown(image: Locator) -> tuple[str, float]:
        """The file the browser took for `image`, and the width it is drawn at (CSS px)."""
        expect(image).to_be_visible(timeout=JOB_TIMEOUT_MS)
        image.evaluate("img => img.decode()")
        source = image.evaluate("img => img.currentSrc")
        box = image.bounding_box()
        assert box is not None
        return urlparse(source).path.rsplit("/", 1)[1], box["width"]

    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Bob Test · test user",
        identity="Bob the astronaut",
        ratio="16:9",
        scale=2,
    )
    page.get_by_role("combobox", name="Size", exact=True).select_option("2K")
    generate.click()
    name, width = shown(page.get_by_role("img", name="New image, 2752\N{MULTIPLICATION SIGN}1536"))
    assert name.endswith(".large.jpg"), name
    assert width * 2 > 1400  # the preview's 768 px would be stretched twice over
    page.close()

    page, generate = _ready_to_generate(
        browser, stack, user="Bob Test · test user", identity="Bob the astronaut", ratio="1:1"
    )
    page.get_by_role("combobox", name="Variants", exact=True).select_option("4")
    generate.click()
    for n in (1, 4):
        card = _variant(page, n, 4)
        expect(card).to_contain_text("1:1 · 1K", timeout=JOB_TIMEOUT_MS)
        name, width = shown(card.get_by_role("img"))
        assert name.endswith(".preview.jpg"), name
        assert width < 768
    page.close()


def test_edit_settings_on_a_refused_card_leaves_the_prompt_in_view(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1366 by 768 laptop, Edit settings on the card of a click Gemini refused: the
    notice comes at the form's top, saying the form holds its settings already, and the
    prompt it focuses to rephrase is not left under the Generate bar (the notice, coming
    after the focus, pushed it there)."""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Bob Test · test user",
        identity="Bob the astronaut",
        ratio="1:1",
        screen=(1366, 768),
    )
    prompt = page.get_by_role("textbox", name="Prompt", exact=True)
    prompt.fill("at a grand piano [simulate:prompt_blocked]")
    generate.click()
    # This click's card, not the last one's (another test's refusal, maybe), which the pane
    # shows until it has this one: the pane's title names its prompt.
    pane = page.get_by_role("region", name="Result")
    expect(pane).to_contain_text("at a grand piano", timeout=JOB_TIMEOUT_MS)
    card = pane.get_by_role("article", name="New image").filter(
        has_text="Gemini refused the prompt"
    )
    edit = card.get_by_role("button", name=re.compile(r"^Edit settings,"))
    expect(edit).to_be_visible(timeout=JOB_TIMEOUT_MS)
    edit.click()
    expect(prompt).to_be_focused()
    expect(
        page.get_by_text("The form holds the settings and photos from the generation")
    ).to_be_visible()
    _next_frames(page)
    _clear_of(prompt, generate)

    _next_frames(page)
    _clear_of(prompt, generate)
    page.close()


def test_a_prompt_refused_for_a_hidden_character_is_said_under_it(
    stack: RunningStack, browser: Browser
) -> None:
    """A prompt with a zero-width space in it: the API refuses it (422
    `character_not_allowed`) and the tab says so under the prompt, naming the character
    and where it is, above the Generate bar (it was the form's alert under the bar, away
    from the text it was about); nothing starts, and the words go once the prompt changes."""
    admin = httpx.Client(
        base_url=f"{stack.api_url}/v1",
        headers={"Authorization": f"Bearer {login(stack, 'admin', 'admin-password')}"},
        timeout=30,
    )
    bob, _ = pick_identity(admin, "test-bob")
    identities = admin.get(f"/users/{bob}/identities").json()["identities"]
    astronaut = next(i["id"] for i in identities if i["name"] == "Bob the astronaut")

    def history() -> list[str]:
        answer = admin.get("/generations", params={"identity_id": astronaut, "limit": 100})
        return [job["id"] for job in answer.json()["items"]]

    earlier = history()
    page, generate = _ready_to_generate(
        browser, stack, user="Bob Test · test user", identity="Bob the astronaut", ratio="1:1"
    )
    prompt = page.get_by_role("textbox", name="Prompt", exact=True)
    prompt.fill("at a grand\u200b piano")
    generate.click()
    said = page.get_by_text("(U+200B ZERO WIDTH SPACE)")
    expect(said).to_be_visible()
    expect(said).to_contain_text("The prompt holds an invisible character at character 11")
    expect(prompt).to_have_attribute("aria-invalid", "true")
    form = page.get_by_role("region", name="New generation")
    expect(form.get_by_role("alert")).to_have_count(0)
    box, words, bar = prompt.bounding_box(), said.bounding_box(), generate.bounding_box()
    assert box is not None
    assert words is not None
    assert bar is not None
    # Under the prompt, beside it (within its width), and above Generate.
    assert box["y"] + box["height"] <= words["y"] <= box["y"] + box["height"] + 40, (box, words)
    assert box["x"] - 1 <= words["x"] <= box["x"] + box["width"], (box, words)
    assert words["y"] + words["height"] <= bar["y"], (words, bar)
    assert history() == earlier  # nothing started

    prompt.press("End")
    prompt.press("Backspace")
    expect(said).to_have_count(0)
    expect(prompt).to_have_attribute("aria-invalid", "false")
    page.close()


def _system_colour(page: Page, name: str) -> str:
    """The colour the system's `name` (`Highlight`, `CanvasText`) is now, as computed."""
    return str(
        page.evaluate(
            """name => {
                const probe = document.createElement("span");
                probe.style.cssText = `forced-color-adjust: none; background-color: ${name}`;
                document.body.append(probe);
                const colour = getComputedStyle(probe).backgroundColor;
                probe.remove();
                return colour;
            }""",
            name,
        )
    )


def _style(element: Locator, name: str) -> str:
    """`element`'s computed style `name` (camelCase), as the browser draws it."""
    return str(element.evaluate(f"e => getComputedStyle(e).{name}"))


def _clear_of(field: Locator, bar: Locator) -> None:
    """`field` drawn above the sticky `bar`, not under it."""
    box, cover = field.bounding_box(), bar.bounding_box()
    assert box is not None
    assert cover is not None
    assert box["y"] + box["height"] <= cover["y"] - 16, (box, cover)


def test_show_brings_a_click_watched_from_afar_into_view_after_a_reload(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1366 by 768 laptop, a click still running on another user's identity, the page
    reloaded: Show on its notice takes the admin to it, the Result heading focused and in the
    window. (Scrolled before the user's identities came and the notice went, it left the
    heading above the window.)"""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Alice Test · test user",
        identity="Alice the chef",
        ratio="1:1",
        screen=(1366, 768),
    )
    page.get_by_role("textbox", name="Prompt", exact=True).fill("a long day [simulate:slow]")
    generate.click()
    pane = page.get_by_role("region", name="Result")
    expect(pane).to_contain_text("a long day", timeout=JOB_TIMEOUT_MS)
    page.get_by_role("combobox", name="User", exact=True).select_option(
        label="Bob Test · test user"
    )
    page.reload()

    notice = page.get_by_role("group", name="Generations elsewhere")
    show = notice.get_by_role("button", name=re.compile("^Show"))
    expect(show).to_be_visible(timeout=30_000)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    show.click()
    heading = pane.get_by_role("heading", name=re.compile("^Result"))
    expect(heading).to_be_focused()
    expect(pane).to_contain_text("a long day")
    _next_frames(page)
    box = heading.bounding_box()
    assert box is not None
    assert 0 <= box["y"] <= 768 - box["height"], box
    page.close()


def test_a_1024_px_tablet_lays_an_upright_result_beside_its_words_and_compares_five_in_a_line(
    stack: RunningStack, browser: Browser
) -> None:
    """A 1024 by 768 tablet, held landscape: one 3:4 result puts its Save beside its picture
    (a column left the card at the pane's start, half the pane empty), and Compare of four
    portrait variants with the current image stands all five in one line, every Save in view
    (the fifth was alone on a second line, below the dialog's edge)."""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Bob Test · test user",
        identity="Bob the jazz pianist",
        ratio="3:4",
        screen=(1024, 768),
    )
    page.get_by_role("combobox", name="Variants", exact=True).select_option("1")
    generate.click()
    first = page.get_by_role("article", name="New image")
    picture = first.get_by_role("img")
    expect(picture).to_be_visible(timeout=JOB_TIMEOUT_MS)
    _next_frames(page)
    save = first.get_by_role("button", name="Save to identity").bounding_box()
    frame = picture.bounding_box()
    assert save is not None
    assert frame is not None
    assert save["x"] >= frame["x"] + frame["width"], (save, frame)

    cards = _saved_then_four_variants(page, generate, first)
    _compare_in_view(page, cards, lines=1, height=768)
    page.close()


def test_a_portrait_tablet_compares_on_fewer_pictures_a_line_each_larger(
    stack: RunningStack, browser: Browser
) -> None:
    """An 820 by 1180 tablet held upright: Compare of four square variants with the current
    image stands them three a line on two lines, each picture 230 px wide or more, every Save
    in view (in the laptop's one line they were 173 px each, most of the tall screen empty
    under them). Once one is saved there, the current image is one of the four: two a line,
    each some 360 px."""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Bob Test · test user",
        identity="Bob the jazz pianist",
        ratio="1:1",
        screen=(820, 1180),
    )
    page.get_by_role("combobox", name="Variants", exact=True).select_option("1")
    generate.click()
    first = page.get_by_role("article", name="New image")
    expect(first.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    cards = _saved_then_four_variants(page, generate, first)
    dialog = _compare_in_view(page, cards, lines=2, height=1180)
    _pictures_at_least(dialog, 230)

    dialog.get_by_role("button", name="Save variant 1 of 4 to identity").click()
    expect(dialog.get_by_role("figure", name="Variant 1 of 4")).to_contain_text(
        "Saved to identity", timeout=JOB_TIMEOUT_MS
    )
    figures = dialog.get_by_role("figure")
    expect(figures).to_have_count(4)
    assert len(_one_line(figures.all())) == 2
    _pictures_at_least(dialog, 340)
    for n in range(2, 5):
        box = dialog.get_by_role("button", name=f"Save variant {n} of 4 to identity").bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= 1180, box
    page.close()


def test_four_9_16_variants_on_a_1024_by_768_tablet_go_two_a_row_at_a_useful_size(
    stack: RunningStack, browser: Browser
) -> None:
    """A 1024 by 768 tablet held landscape, four 9:16 variants in the 518 px pane beside the
    form: two a row, each picture as large as its half of the pane lets it be, 200 by 350 px
    or more, Save beside Download, a row with its Saves no taller than the window. (Held to
    half the window, they were 123 by 220 in 153 px cards, Save over Download, and the second
    row was below the fold all the same.)"""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Alice Test · test user",
        identity="Alice the explorer",
        ratio="9:16",
        screen=(1024, 768),
    )
    page.get_by_role("combobox", name="Variants", exact=True).select_option("4")
    generate.click()
    cards = [_variant(page, n, 4) for n in range(1, 5)]
    for card in cards:
        expect(card).to_contain_text("9:16 · 1K", timeout=JOB_TIMEOUT_MS)
        expect(card.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    _next_frames(page)
    assert len(_one_line(cards[:2])) == 1
    assert len(_one_line(cards)) == 2
    for card in cards:
        picture = card.get_by_role("img").bounding_box()
        assert picture is not None
        assert picture["width"] >= 200, picture
        assert picture["height"] >= 350, picture
        _save_beside_download(card)
    # A row with its Saves fits the window: scrolled to, it is in view whole.
    cards[0].evaluate("card => card.scrollIntoView({block: 'start'})")
    for card in cards[:2]:
        box = card.bounding_box()
        assert box is not None
        assert box["y"] >= 0, box
        assert box["y"] + box["height"] <= 768, box
    page.close()


def test_a_tablets_history_puts_a_clicks_other_variants_two_a_line(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1024 by 768 tablet, and on a 768 by 1024 one, the history's rows of a click's other
    three variants go two a line under its first, each about half the list, the third under
    the first (one a row, each was 41% empty at 1024 px, and a click of four took some 560 px of
    the page)."""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Bob Test · test user",
        identity="Bob the jazz pianist",
        ratio="1:1",
        screen=(1024, 768),
    )
    page.get_by_role("combobox", name="Variants", exact=True).select_option("4")
    page.get_by_label("Prompt", exact=True).fill("a tablet's history")
    generate.click()
    # This click's rows, newest first, each done (not an earlier click's, which the history
    # shows until it has read this one's).
    history = page.get_by_role("region", name="History")
    rows = history.get_by_role("list").first.get_by_role("listitem")
    expect(rows.first).to_contain_text("a tablet's history", timeout=JOB_TIMEOUT_MS)
    others = [rows.nth(n - 1) for n in range(2, 5)]
    for n, row in enumerate(others, start=2):
        expect(row).to_contain_text(f"Variant {n} of 4", timeout=JOB_TIMEOUT_MS)
        expect(row).to_contain_text("Done", timeout=JOB_TIMEOUT_MS)
    for screen in ((1024, 768), (768, 1024)):
        page.set_viewport_size({"width": screen[0], "height": screen[1]})
        _next_frames(page)
        line = history.get_by_role("list").first.bounding_box()
        assert line is not None
        boxes = [row.bounding_box() for row in others]
        assert all(boxes), boxes
        second, third, fourth = (box for box in boxes if box)
        assert second["y"] == pytest.approx(third["y"], abs=1), (screen, second, third)
        assert fourth["y"] >= second["y"] + second["height"], (screen, second, fourth)
        assert fourth["x"] == pytest.approx(second["x"], abs=1), (screen, second, fourth)
        for box in (second, third, fourth):
            assert 0.4 * line["width"] <= box["width"] <= 0.5 * line["width"], (screen, box, line)
    page.close()


def _even_grid(page: Page, results: Locator) -> None:
    """Every picture box of the history's `results` is of one height, and every tile one
    column wide, or two and the gap between them for a landscape picture."""
    _next_frames(page)
    tiles = results.get_by_role("listitem")
    expect(tiles.first).to_be_visible()
    heights, widths = set(), set()
    for tile in tiles.all():
        box = tile.get_by_role("link", name=re.compile(r"^Open the ")).bounding_box()
        whole = tile.bounding_box()
        assert box is not None
        assert whole is not None
        heights.add(round(box["height"]))
        widths.add(round(whole["width"]))
    assert len(heights) == 1, heights
    assert len(widths) == 2, widths
    narrow, wide = sorted(widths)
    assert wide == pytest.approx(2 * narrow + 12, abs=2), widths


def test_results_only_is_one_even_grid_on_a_tablet_and_a_laptop(
    stack: RunningStack, browser: Browser
) -> None:
    """Results only, of squares, a 16:9 and a 9:16: one even grid on an 820 by 1180 tablet and
    on a 1440 by 900 laptop, every picture box of one height, each tile one column wide, a
    landscape one two (in rows each grown to the grid's width, a square was 182 px in one row
    and 220 in the next, a 16:9 468 px wide beside two portraits and 335 on the row under)."""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Alice Test · test user",
        identity="Alice the explorer",
        ratio="1:1",
        screen=(820, 1180),
    )
    variants = page.get_by_role("combobox", name="Variants", exact=True)
    ratio = page.get_by_role("combobox", name="Aspect ratio", exact=True)
    variants.select_option("3")
    generate.click()
    expect(_variant(page, 3, 3)).to_contain_text("1:1 · 1K", timeout=JOB_TIMEOUT_MS)
    for shape in ("16:9", "9:16"):
        variants.select_option("1")
        ratio.select_option(shape)
        generate.click()
        card = page.get_by_role("article", name="New image")
        expect(card).to_contain_text(f"{shape} · 1K", timeout=JOB_TIMEOUT_MS)
        expect(card.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    history = page.get_by_role("region", name="History")
    history.get_by_role("button", name="Results only").click()
    results = history.get_by_role("list", name="Results")
    _even_grid(page, results)
    page.set_viewport_size({"width": 1440, "height": 900})
    _even_grid(page, results)
    page.close()


def test_compare_keeps_the_page_behind_it_still(stack: RunningStack, browser: Browser) -> None:
    """On a 1440 by 900 laptop, with Compare open, a wheel over its backdrop or over the dialog,
    or Page Down, leaves the page behind where it was (the wheel over the backdrop scrolled the
    page behind, 174 px to its end), and closing it gives the scroll back as it was: the
    wheel scrolls the page again."""
    page, generate = _ready_to_generate(
        browser, stack, user="Bob Test · test user", identity="Bob the jazz pianist", ratio="1:1"
    )
    page.get_by_role("combobox", name="Variants", exact=True).select_option("2")
    generate.click()
    card = _variant(page, 1, 2)
    for n in (1, 2):
        expect(_variant(page, n, 2).get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    page.evaluate("window.scrollTo(0, 200)")
    _next_frames(page)
    card.get_by_role("button", name="Compare").click()
    dialog = page.get_by_role("dialog", name="Compare the variants")
    expect(dialog).to_be_visible()
    width = page.evaluate("document.documentElement.clientWidth")
    for x, y in ((20, 450), (720, 450)):  # the backdrop, then the dialog
        page.mouse.move(x, y)
        page.mouse.wheel(0, 600)
    page.keyboard.press("PageDown")
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") == 200
    # Its scrollbar's room kept: nothing behind moved sideways as the bar went.
    assert page.evaluate("document.documentElement.clientWidth") == width
    dialog.get_by_role("button", name="Close Compare").click()
    expect(dialog).to_have_count(0)
    assert page.evaluate("window.scrollY") == 200
    page.mouse.move(20, 450)
    page.mouse.wheel(0, 100)
    page.wait_for_function("window.scrollY > 200")
    page.close()


def test_on_a_phone_more_on_a_history_row_at_the_screens_foot_shows_what_it_offers(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 390 by 844 phone, More pressed on a history row at the screen's foot brings the
    follow-ups it shows into view, Edit settings the last of them (they opened under the
    screen's edge: the admin scrolled to see what More offered)."""
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Bob Test · test user",
        identity="Bob the astronaut",
        ratio="1:1",
        screen=(390, 844),
    )
    page.get_by_label("Prompt", exact=True).fill("at the screen's foot")
    generate.click()
    # This click's row, done: a row that changes as its job ends (its picture comes, its
    # actions change), or another that comes above it, would move what More opened.
    history = page.get_by_role("region", name="History")
    row = history.get_by_role("listitem").filter(has_text="at the screen's foot")
    expect(row.first).to_contain_text("Done", timeout=JOB_TIMEOUT_MS)
    more = row.first.get_by_role("button", name="More")
    # The row's More at the screen's foot, as a scroll down the history leaves it.
    more.evaluate(
        "more => window.scrollBy(0, more.getBoundingClientRect().bottom - innerHeight + 4)"
    )
    _next_frames(page)
    box = more.bounding_box()
    assert box is not None
    assert 844 - 60 < box["y"] + box["height"] <= 844, box
    more.click()
    last = row.first.get_by_role("button", name=re.compile(r"^Edit settings"))
    expect(last).to_be_visible()
    page.wait_for_function(
        "edit => edit.getBoundingClientRect().bottom <= innerHeight",
        arg=last.element_handle(),
        timeout=3_000,
    )
    page.close()


def test_on_a_touch_screen_a_photos_remove_keeps_its_words_on_the_tiles_edge(
    stack: RunningStack, browser: Browser
) -> None:
    """On a touch phone (390 by 844) link-style buttons grow to a finger's 44 px in height;
    they grew wider too, and "Remove" stood 4 px right of the photo's name above it."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    _log_in(page, stack, "admin", "admin-password")
    page.get_by_role("combobox", name="User", exact=True).select_option(
        label="Bob Test · test user"
    )
    photo: FilePayload = {
        "name": "edge.jpg",
        "mimeType": "image/jpeg",
        "buffer": _jpeg((600, 800), (40, 90, 140)),
    }
    page.get_by_label("Reference photos", exact=True).set_input_files([photo])
    remove = page.get_by_role("button", name="Remove edge.jpg")
    expect(remove).to_be_visible()
    assert (remove.bounding_box() or {"height": 0})["height"] >= 44
    words_left = """element => {
        const words = document.createRange();
        words.selectNodeContents(element);
        return words.getBoundingClientRect().left;
    }"""
    name = page.get_by_text("edge.jpg", exact=True)
    assert abs(remove.evaluate(words_left) - name.evaluate(words_left)) <= 1
    context.close()


def test_on_a_phone_the_panes_prompt_cut_short_can_be_shown_whole(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 390 by 844 touch phone the result pane's prompt, cut at its line's end, was whole
    only in a tooltip a finger cannot open: Show all shows it on as many lines as it takes."""
    prompt = "In a sunlit kitchen at dawn, " * 6 + "the end of the prompt"
    page, generate = _ready_to_generate(
        browser,
        stack,
        user="Bob Test · test user",
        identity="Bob the astronaut",
        ratio="1:1",
        screen=(390, 844),
    )
    page.get_by_label("Prompt", exact=True).fill(prompt)
    generate.click()
    pane = page.get_by_role("region", name="Result")
    words = pane.get_by_text(prompt.strip(), exact=False).first
    expect(words).to_be_visible()
    cut = "words => words.scrollWidth > words.clientWidth + 1"
    assert words.evaluate(cut)
    pane.get_by_role("button", name="Show all").click()
    expect(pane.get_by_role("button", name="Show less")).to_have_attribute("aria-expanded", "true")
    assert not words.evaluate(cut)
    box = words.bounding_box()
    assert box is not None
    assert box["height"] > 3 * 13, box  # on several lines, not one
    assert box["x"] + box["width"] <= 390
    page.close()
