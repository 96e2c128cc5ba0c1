"""What an admin does on the Images tab, as the browser tests do it: log in, choose a test
user's identity, add photos, and generate (a click of N, waited for until each of its cards
shows its own picture)."""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from urllib.parse import urlparse

import httpx
import pillow_heif
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, FilePayload, Locator, Page, ViewportSize, expect

from tests.e2e.conftest import RunningStack

#: How long a job may take to show its result (a loaded machine runs two tests' stacks).
JOB_TIMEOUT_MS = 120_000


def jpeg(size: tuple[int, int], colour: tuple[int, int, int], *, orientation: int = 1) -> bytes:
    """A JPEG photo of a face-like oval, `size` as stored, turned by its EXIF `orientation`."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w // 4, h // 5, 3 * w // 4, 4 * h // 5), fill=(230, 190, 160))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif.tobytes())
    return out.getvalue()


def heic() -> bytes:
    """A HEIC photo (the browser draws no preview of it)."""
    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (640, 480), (90, 140, 90))
    ImageDraw.Draw(image).ellipse((200, 100, 440, 380), fill=(225, 185, 150))
    out = io.BytesIO()
    image.save(out, "HEIF", quality=80)
    return out.getvalue()


def portraits(*names: str) -> list[FilePayload]:
    """Upright JPEG photos to add, named `names`, each of its own colour (the page takes the
    same photo once)."""
    return [
        {
            "name": name,
            "mimeType": "image/jpeg",
            "buffer": jpeg((600, 800), (90, zlib.crc32(name.encode()) % 256, 60)),
        }
        for name in names
    ]


def front_and_heic_in(page: Page) -> str:
    """A JPEG and a HEIC photo (which Chromium does not draw) added to the form: the HEIC's name."""
    side: FilePayload = {"name": "side.heic", "mimeType": "", "buffer": heic()}
    page.get_by_label("Reference photos", exact=True).set_input_files(
        [*portraits("front.jpg"), side]
    )
    return side["name"]


def log_in(page: Page, stack: RunningStack, username: str, password: str) -> None:
    """`page` on the Images tab, logged in as `username`."""
    page.goto(f"{stack.web_url}/images")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


@dataclass(frozen=True)
class SeededIdentity:
    """A test user's identity the example host seeds, as the User and Identity selects name
    them."""

    user: str
    identity: str


ALICE_THE_EXPLORER = SeededIdentity("Alice Test · test user", "Alice the explorer")
ALICE_THE_CHEF = SeededIdentity("Alice Test · test user", "Alice the chef")
# The whole path's (`pick_identity` takes test-bob's first).
BOB_THE_ASTRONAUT = SeededIdentity("Bob Test · test user", "Bob the astronaut")
BOB_THE_JAZZ_PIANIST = SeededIdentity("Bob Test · test user", "Bob the jazz pianist")


def choose_identity(page: Page, whose: SeededIdentity) -> None:
    """The admin's page on the test user's identity `whose`."""
    page.get_by_role("combobox", name="User", exact=True).select_option(label=whose.user)
    identity_select = page.get_by_role("combobox", name="Identity", exact=True)
    expect(identity_select).to_be_enabled()
    identity_select.select_option(label=whose.identity)


def admins_page(
    browser: Browser,
    stack: RunningStack,
    whose: SeededIdentity,
    *,
    screen: tuple[int, int] = (1440, 900),
    scale: float = 1,
    touch: bool = False,
) -> Page:
    """A page of the admin's on a `screen` (width, height; a 1440 by 900 laptop unless said,
    of `scale` device pixels a CSS pixel; a phone's touch screen when `touch`), on the
    identity `whose`. A touch page has a context of its own: close it with
    `page.context.close()`."""
    width, height = screen
    viewport: ViewportSize = {"width": width, "height": height}
    if touch:
        context = browser.new_context(
            viewport=viewport, device_scale_factor=scale, has_touch=True, is_mobile=True
        )
        page = context.new_page()
    else:
        page = browser.new_page(viewport=viewport, device_scale_factor=scale)
    log_in(page, stack, "admin", "admin-password")
    choose_identity(page, whose)
    return page


def ready_to_generate(
    browser: Browser,
    stack: RunningStack,
    whose: SeededIdentity,
    *,
    ratio: str,
    screen: tuple[int, int] = (1440, 900),
    scale: float = 1,
    touch: bool = False,
) -> tuple[Page, Locator]:
    """An `admins_page` with one photo in, at `ratio` and 1K: its Generate, ready."""
    page = admins_page(browser, stack, whose, screen=screen, scale=scale, touch=touch)
    photo: FilePayload = {
        "name": "front.jpg",
        "mimeType": "image/jpeg",
        "buffer": jpeg((600, 800), (90, 120, 60)),
    }
    page.get_by_label("Reference photos", exact=True).set_input_files([photo])
    page.get_by_role("combobox", name="Aspect ratio", exact=True).select_option(ratio)
    page.get_by_role("combobox", name="Size", exact=True).select_option("1K")
    generate = page.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled(timeout=30_000)
    return page, generate


def finished_click(
    page: Page,
    generate: Locator,
    *,
    variants: int = 1,
    prompt: str | None = None,
    ratio: str | None = None,
    size: str | None = None,
) -> list[Locator]:
    """Generate pressed for `variants` images (with `prompt`, `ratio` and `size` when said; the
    form's otherwise), and the click's cards once each shows its job's settings and picture:
    "New image" for one, "Variant 1 of N" and on for more. The pane shows the identity's last
    click (an earlier test's, maybe) until it has this one's: a card is this click's once its
    picture is that of the job the click started."""
    page.get_by_role("combobox", name="Variants", exact=True).select_option(str(variants))
    if prompt is not None:
        page.get_by_role("textbox", name="Prompt", exact=True).fill(prompt)
    if ratio is not None:
        page.get_by_role("combobox", name="Aspect ratio", exact=True).select_option(ratio)
    if size is not None:
        page.get_by_role("combobox", name="Size", exact=True).select_option(size)
    with page.expect_response(
        lambda answer: (
            answer.request.method == "POST" and answer.url.endswith("/v1/generation-batches")
        )
    ) as started:
        generate.click()
    jobs = sorted(started.value.json()["items"], key=lambda job: job["batch_index"])
    assert len(jobs) == variants, jobs
    cards = [variant(page, n, variants) for n in range(1, variants + 1)]
    for card, job in zip(cards, jobs, strict=True):
        picture = card.get_by_role("img")
        expect(picture).to_have_attribute(
            "src", re.compile(re.escape(job["id"])), timeout=JOB_TIMEOUT_MS
        )
        expect(picture).to_be_visible()
        expect(card).to_contain_text(f"{job['aspect_ratio']} · {job['image_size']}")
    return cards


def click_with_refused(
    page: Page, stack: RunningStack, generate: Locator, *, variants: int, refused: int
) -> Locator:
    """Generate pressed for `variants` images, the first `refused` of which the Gemini
    stand-in answers as its safety filter would: the pane's "Re-run the N failed", once the
    refused ones have ended."""
    httpx.post(
        f"http://127.0.0.1:{stack.ports['gemini']}/_local/failures",
        json={"mode": "image_safety", "count": refused},
    ).raise_for_status()
    page.get_by_role("combobox", name="Variants", exact=True).select_option(str(variants))
    generate.click()
    pane = page.get_by_role("region", name="Result")
    rerun = pane.get_by_role("button", name=f"Re-run the {refused} failed", exact=True)
    expect(rerun).to_be_visible(timeout=JOB_TIMEOUT_MS)
    return rerun


def posts_to(page: Page, ending: str) -> list[str]:
    """The URLs of the POSTs `page` sends from now on whose URL ends with `ending`, as sent."""
    sent: list[str] = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.url)
            if request.method == "POST" and request.url.endswith(ending)
            else None
        ),
    )
    return sent


def variant(page: Page, n: int, of: int) -> Locator:
    """The result pane's card of the `n`th of a click's `of` images ("New image" when one)."""
    return page.get_by_role("article", name=f"Variant {n} of {of}" if of > 1 else "New image")


def job_rows(page: Page) -> Locator:
    """The history's rows of jobs, newest first: a click of one job's, each variant's of a
    click of several (inside that click's row, which is not one), a click's that failed alike."""
    return page.get_by_role("region", name="History").locator("li[data-job-id]")


def history_row(page: Page, card: Locator) -> Locator:
    """The history's row of the job whose result `card` shows: the row with the same picture
    (its preview's file is named for the job), not another click's row of the same words."""
    source = card.get_by_role("img").get_attribute("src")
    assert source is not None, card
    file = urlparse(source).path.rsplit("/", 1)[1]
    return job_rows(page).filter(has=page.locator(f'img[src*="/{file}"]'))


def row_done(row: Locator) -> None:
    """Waits until the history's `row` shows a result: its Download (a done row has no state
    badge; its picture says it)."""
    download = row.get_by_role("link", name=re.compile(r"^Download, "))
    expect(download).to_be_visible(timeout=JOB_TIMEOUT_MS)


def history_read(page: Page) -> None:
    """Waits until the history of the identity chosen is read: its rows, or its note that it
    has none. (The offer of its last generation's photos comes with it, under the empty photo
    box, and moves the fields under that box down.)"""
    history = page.get_by_role("region", name="History")
    none_yet = history.get_by_text("No generations for this identity yet")
    expect(history.get_by_role("listitem").or_(none_yet).first).to_be_visible(timeout=30_000)


def saved(card: Locator) -> None:
    """`card`'s image saved to the identity: the card says so."""
    card.get_by_role("button", name="Save to identity").click()
    expect(card.get_by_text("Saved to identity", exact=True)).to_be_visible(timeout=JOB_TIMEOUT_MS)


def saved_then_four_variants(page: Page, generate: Locator, first: Locator) -> list[Locator]:
    """`first`'s image saved to the identity (Compare shows it beside what comes next), then
    four variants generated: their cards, each with its picture."""
    saved(first)
    return finished_click(page, generate, variants=4)
