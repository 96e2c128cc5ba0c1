"""The form under its sticky Generate bar: a field the admin tabs or is taken to comes out
from under the bar, and a prompt the API refuses is said under the prompt, above the bar.
On a laptop's first screen, three photos and the prompt above the bar, and on a shorter one the
prompt under it named on the bar. Its photos: a HEIC cut short refused on its tile, a whole one
sent with no tick, a HEIC's words in a laptop's tile, photos dropped on the photos' box
added, a photo Edit settings brings back showing the size it was added at, and the note an
add leaves out from under the bar. A second press of Generate for the click on its way."""

from __future__ import annotations

import base64
import random
import re

import httpx
import pytest
from playwright.sync_api import Browser, FilePayload, expect

from tests.e2e.browser.measures import (
    bar_top,
    box_of,
    clear_of,
    heic_tile_words_clear,
    next_frames,
    photo_size,
    style,
    text_lines,
    uncovered,
)
from tests.e2e.browser.steps import (
    ALICE_THE_CHEF,
    ALICE_THE_EXPLORER,
    BOB_THE_ASTRONAUT,
    JOB_TIMEOUT_MS,
    admins_page,
    finished_click,
    front_and_heic_in,
    heic,
    history_row,
    jpeg,
    log_in,
    portraits,
    posts_to,
    ready_to_generate,
)
from tests.e2e.conftest import RunningStack
from tests.e2e.helpers import login, pick_identity

pytestmark = pytest.mark.e2e


def test_a_field_tabbed_to_is_not_left_under_generate(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1024 by 768 screen with three photos in, Generate stays at the window's bottom,
    its estimate naming what a click makes, and leading to the options hidden under it; the
    Prompt and the options that Tab moves to come out from under it, where the browser left
    them.
    A photo's Remove half under the bar is not moved from under the pointer."""
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    log_in(page, stack, "admin", "admin-password")
    page.get_by_role("combobox", name="User", exact=True).select_option(
        label="Alice Test · test user"
    )
    expect(page.get_by_role("combobox", name="Identity", exact=True)).to_be_enabled()
    page.get_by_label("Reference photos", exact=True).set_input_files(
        portraits("p0.jpg", "p1.jpg", "p2.jpg")
    )
    generate = page.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled(timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    button = box_of(generate)
    assert button["y"] + button["height"] <= 768, button
    # What a click makes is a way to the options, under the bar on this screen: one click
    # brings them out, the first focused.
    # Partly behind the bar, the options are hidden whole: cut there, their labels stood over
    # the tops of empty boxes.
    ratio = page.get_by_role("combobox", name="Aspect ratio", exact=True)
    row = page.locator("div[class*='options']", has=ratio)
    box = box_of(ratio)
    assert box["y"] + box["height"] > bar_top(generate), box  # under the bar at first
    expect(row).to_have_css("opacity", "0")
    page.get_by_role("button", name="1 image, 16:9 at 4K", exact=True).click()
    expect(ratio).to_be_focused()
    next_frames(page)
    clear_of(ratio, generate)
    expect(row).to_have_css("opacity", "1")
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
        next_frames(page)
        next_frames(page)
        clear_of(field, generate)
        if role == "combobox":
            expect(row).to_have_css("opacity", "1")

    # A mouse press on a link half under the bar is not moved from under the pointer: one
    # click removes the photo (two more photos put a second row's links under the bar).
    page.get_by_label("Reference photos", exact=True).set_input_files(portraits("p3.jpg", "p4.jpg"))
    expect(generate).to_be_enabled(timeout=30_000)
    remove = page.get_by_role("button", name="Remove p4.jpg", exact=True)
    page.evaluate("window.scrollTo(0, 0)")
    link = box_of(remove)
    page.evaluate("dy => window.scrollBy(0, dy)", link["y"] - (bar_top(generate) - 8))
    next_frames(page)
    link, top = box_of(remove), bar_top(generate)
    assert link["y"] + link["height"] > top, (link, top)  # half under the bar
    page.mouse.click(link["x"] + 4, link["y"] + 3)
    expect(page.get_by_text("4 / 5", exact=True)).to_be_visible()


def test_edit_settings_on_a_refused_card_leaves_the_prompt_in_view(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1366 by 768 laptop, Edit settings on the card of a click Gemini refused: the
    notice comes at the form's top, saying the form holds its settings already, and the
    prompt it focuses to rephrase is not left under the Generate bar (the notice, coming
    after the focus, pushed it there)."""
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_ASTRONAUT, ratio="1:1", screen=(1366, 768)
    )
    # Refused, not finished: a click of its own words.
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
    next_frames(page)
    clear_of(prompt, generate)
    # And still two frames on: the notice came after the focus.
    next_frames(page)
    clear_of(prompt, generate)


def test_a_photo_edit_settings_brings_back_shows_the_size_it_was_added_at(
    stack: RunningStack, browser: Browser
) -> None:
    """A photo added shows its size under its tile; generated with, removed, and brought
    back by Edit settings on its history row, it shows the same size, not that of the copy
    the worker kept of it (a JPEG made anew, without its metadata: 36 KB for this 62 KB
    photo), which made one photo look like two."""
    page = admins_page(browser, stack, ALICE_THE_CHEF)
    photo: FilePayload = {
        "name": "portrait.jpg",
        "mimeType": "image/jpeg",
        "buffer": jpeg((1536, 2048), (120, 90, 60)),
    }
    page.get_by_label("Reference photos", exact=True).set_input_files([photo])
    added = photo_size(page, "portrait.jpg")
    assert added == f"{round(len(photo['buffer']) / 1024)} KB", added
    page.get_by_role("combobox", name="Size", exact=True).select_option("1K")
    generate = page.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled(timeout=30_000)
    (card,) = finished_click(page, generate)
    # The form keeps the photo after Generate, and Edit settings would take that upload for
    # the photo it is, with its size: removed, so the row brings back the copy it kept.
    remove = page.get_by_role("button", name="Remove portrait.jpg", exact=True)
    remove.click()
    expect(remove).to_have_count(0)
    row = history_row(page, card)
    row.get_by_role("button", name=re.compile(r"^Edit settings\b")).click()
    tile = page.get_by_role("list", name="Selected photos", exact=True).locator("img")
    expect(tile.first).to_have_attribute("src", re.compile("prepared"))
    assert photo_size(page, "portrait.jpg") == added


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
    page, generate = ready_to_generate(browser, stack, BOB_THE_ASTRONAUT, ratio="1:1")
    # Refused before it starts: its own steps.
    prompt = page.get_by_role("textbox", name="Prompt", exact=True)
    prompt.fill("at a grand\u200b piano")
    generate.click()
    said = page.get_by_text("(U+200B ZERO WIDTH SPACE)")
    expect(said).to_be_visible()
    expect(said).to_contain_text("The prompt holds an invisible character at character 11")
    expect(prompt).to_have_attribute("aria-invalid", "true")
    form = page.get_by_role("region", name="New generation")
    expect(form.get_by_role("alert")).to_have_count(0)
    box, words, bar = box_of(prompt), box_of(said), box_of(generate)
    # Under the prompt, beside it (within its width), and above Generate.
    assert box["y"] + box["height"] <= words["y"] <= box["y"] + box["height"] + 40, (box, words)
    assert box["x"] - 1 <= words["x"] <= box["x"] + box["width"], (box, words)
    assert words["y"] + words["height"] <= bar["y"], (words, bar)
    assert history() == earlier  # nothing started

    prompt.press("End")
    prompt.press("Backspace")
    expect(said).to_have_count(0)
    expect(prompt).to_have_attribute("aria-invalid", "false")


def test_three_photos_leave_the_prompt_in_view_on_a_laptops_first_screen(
    stack: RunningStack, browser: Browser
) -> None:
    """A 1440 by 900 laptop's first screen with three photos in: their tiles and Add photos
    are one row, four a row, and the whole prompt shows above the Generate bar stuck at the
    window's foot. Three a row, Add photos took a second row and the prompt was under the
    bar: a press could send a prompt the admin did not see (kept from their last visit)."""
    page = admins_page(browser, stack, BOB_THE_ASTRONAUT)
    page.get_by_label("Reference photos", exact=True).set_input_files(
        portraits("p0.jpg", "p1.jpg", "p2.jpg")
    )
    generate = page.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled(timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    tiles = page.locator("li[data-photo-id]")
    add = page.get_by_role("button", name="Add photos")
    tops = {round(box_of(tile)["y"]) for tile in tiles.all()} | {round(box_of(add)["y"])}
    assert len(tops) == 1, tops
    clear_of(page.get_by_role("textbox", name="Prompt", exact=True), generate)


def test_a_prompt_under_the_bar_on_a_short_laptops_first_screen_is_named_on_it(
    stack: RunningStack, browser: Browser
) -> None:
    """A 1366 by 768 laptop's first screen with three photos in: the prompt, kept from the
    last visit, is under the Generate bar stuck at the window's foot (short of four a row's
    room), and a press sent words the admin had not seen. The bar names the prompt, cut to its
    line; a press on it brings the whole prompt out above the bar, focused, and the bar names
    it no more. Nor does it while the prompt is in view."""
    page = admins_page(browser, stack, ALICE_THE_EXPLORER, screen=(1366, 768))
    words = "A warm studio portrait in a white jacket, soft window light from the left"
    box = page.get_by_role("textbox", name="Prompt", exact=True)
    box.fill(words)
    page.get_by_label("Reference photos", exact=True).set_input_files(
        portraits("p0.jpg", "p1.jpg", "p2.jpg")
    )
    generate = page.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled(timeout=30_000)
    box.blur()
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    named = page.get_by_role("button", name=re.compile(r"^A warm studio portrait"))
    expect(named).to_be_visible()
    assert not uncovered(box, timeout_ms=100)
    line, bar = box_of(named), box_of(generate)
    assert line["y"] >= bar["y"] + bar["height"], (line, bar)
    named.click()
    expect(box).to_be_focused()
    expect(named).to_have_count(0)
    clear_of(box, generate)
    # Under the bar again, it is named again; with no words in it, there is nothing to name.
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    expect(named).to_be_visible()
    # (Empty, it is two lines, which this screen shows: a shorter one has it under the bar.)
    box.fill("")
    box.blur()
    page.set_viewport_size({"width": 1366, "height": 680})
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    assert not uncovered(box, timeout_ms=100)
    expect(page.get_by_title("Show the prompt")).to_have_count(0)


def test_a_heic_tiles_words_fit_a_laptops_four_a_row_tiles(
    stack: RunningStack, browser: Browser
) -> None:
    """Four photos a row beside the results make 73 px tiles at 1440 (a phone's narrowest are
    81): a HEIC's letters, at 16 px, ran under the grey mark in its corner, and the last line
    of its note ("browser") was cut at the square's foot. They fit, clear of the mark. What it
    says under its size took four lines ("Sent · checked when you generate"): it takes two."""
    page = admins_page(browser, stack, ALICE_THE_EXPLORER)
    name = front_and_heic_in(page)
    heic_tile_words_clear(page, name)
    # Its words under its size take two lines, not four: its row is as tall as the others'
    # but for them.
    photos = page.get_by_role("list", name="Selected photos", exact=True)
    note = photos.get_by_role("listitem").filter(has_text=name).get_by_text("Checked at Generate")
    assert len(text_lines(note)) <= 2, text_lines(note)


def test_what_runs_under_the_stuck_generate_bar_fades_into_it(
    stack: RunningStack, browser: Browser
) -> None:
    """A 1366 by 768 laptop's first screen: the Generate bar stuck at the window's foot cut the
    options' labels through their middle (half their words shown). While it is stuck, what
    runs under it fades into it (a fade over the band above it, the form's width); at rest,
    under the options at the form's end, no fade is over them."""
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_ASTRONAUT, ratio="1:1", screen=(1366, 768)
    )
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    fade = page.locator("span[class*='fade']").first
    expect(fade).to_have_css("opacity", "1")
    # Over the band just above the bar's top, where the labels were cut, across the form's
    # width.
    over, top = box_of(fade), bar_top(generate)
    form = box_of(page.get_by_role("textbox", name="Prompt", exact=True))
    assert over["y"] <= top - 10, (over, top)
    assert over["y"] + over["height"] == pytest.approx(top, abs=1), (over, top)
    assert over["x"] <= form["x"], (over, form)
    assert over["x"] + over["width"] >= form["x"] + form["width"], (over, form)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    next_frames(page)
    expect(fade).to_have_css("opacity", "0")
    clear_of(page.get_by_role("combobox", name="Aspect ratio", exact=True), generate)


def test_a_laptops_first_screen_shows_the_options_whole_above_generate(
    stack: RunningStack, browser: Browser
) -> None:
    """A 1440 by 900 laptop's first screen with a photo in: the options show whole above the
    Generate bar. Their selects were under its edge, the labels in its fade: the photos' hint
    took two lines under them, and the prompt three at rest. The hint is one line of how many
    (how to add is the Add tile's), and the prompt two lines, growing as it is written to about
    ten, then scrolling."""
    page, generate = ready_to_generate(browser, stack, BOB_THE_ASTRONAUT, ratio="1:1")
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    for name in ("Aspect ratio", "Size", "Variants"):
        clear_of(page.get_by_role("combobox", name=name, exact=True), generate)
    hint = page.get_by_text("Up to 5 photos, 15 MB each.", exact=True)
    assert len(text_lines(hint)) == 1, text_lines(hint)

    prompt = page.get_by_role("textbox", name="Prompt", exact=True)
    at_rest = box_of(prompt)["height"]
    line = float(style(prompt, "lineHeight").removesuffix("px"))
    prompt.fill("Soft light\nA white jacket\nOutdoors\nSmiling")
    next_frames(page)
    assert box_of(prompt)["height"] == pytest.approx(at_rest + 2 * line, abs=2), at_rest
    prompt.fill("\n".join(f"Line {n}" for n in range(1, 16)))
    next_frames(page)
    most = float(style(prompt, "maxHeight").removesuffix("px"))
    assert most >= at_rest + 7 * line, (most, at_rest)
    assert box_of(prompt)["height"] == pytest.approx(most, abs=1), most
    assert prompt.evaluate("p => p.scrollHeight > p.clientHeight")


def test_a_heic_cut_short_is_refused_on_its_tile_and_a_whole_one_is_sent_without_a_tick(
    stack: RunningStack, browser: Browser
) -> None:
    """Chromium draws no HEIC. One whose boxes run past its end (a HEIC's header followed by
    random bytes, as an admin's review had it; a real one cut in its pixels) is refused on its
    tile before it is sent, as damaged. A whole one is sent, its structure checked but not its
    pixels: in the tick's place a grey mark of the tick's size, not the green tick a JPEG the
    browser drew gets, and its words within its tile."""
    page = admins_page(browser, stack, ALICE_THE_EXPLORER)
    whole = heic()
    header = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    fake = header + random.Random(42).randbytes(195 * 1024)
    heics: list[FilePayload] = [
        {"name": "side.heic", "mimeType": "", "buffer": whole},
        {"name": "IMG_0042.HEIC", "mimeType": "", "buffer": fake},
        {"name": "cut.heic", "mimeType": "image/heic", "buffer": whole[:-100]},
    ]
    page.get_by_label("Reference photos", exact=True).set_input_files(
        [*portraits("person1.jpg"), *heics]
    )
    photos = page.get_by_role("list", name="Selected photos", exact=True)
    damaged = "This photo could not be opened; it may be damaged."
    for name in ("IMG_0042.HEIC", "cut.heic"):
        tile = photos.get_by_role("listitem", name=f"{name} {damaged}", exact=True)
        expect(tile).to_contain_text("Not sent")
    generate = page.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled(timeout=30_000)
    expect(page.get_by_text("2 / 5", exact=True)).to_be_visible()

    sent = photos.get_by_role(
        "listitem", name=re.compile(r"^side\.heic \d+ KB ?, sent, checked when you generate$")
    )
    expect(sent).to_contain_text("Checked at Generate")
    checked = photos.get_by_role("listitem", name=re.compile(r"^person1\.jpg \d+ KB ?, uploaded$"))
    tick = checked.locator("span[class*='done']")
    expect(tick).to_have_text("✓")
    expect(sent.get_by_text("✓")).to_have_count(0)
    mark = sent.locator("span[class*='sentUnchecked']")
    # In the tick's place on its thumbnail, of its size, in no colour of a verdict.
    mark_box, tick_box = box_of(mark), box_of(tick)
    thumb, tick_thumb = (
        box_of(sent.locator("div[class*='thumb']").first),
        box_of(checked.locator("div[class*='thumb']").first),
    )
    assert mark_box["width"] == pytest.approx(tick_box["width"], abs=0.5), (mark_box, tick_box)
    assert mark_box["height"] == pytest.approx(tick_box["height"], abs=0.5), (mark_box, tick_box)
    assert mark_box["x"] - thumb["x"] == pytest.approx(tick_box["x"] - tick_thumb["x"], abs=0.5)
    assert mark_box["y"] - thumb["y"] == pytest.approx(tick_box["y"] - tick_thumb["y"], abs=0.5)
    assert style(mark, "backgroundColor") != style(tick, "backgroundColor")
    assert style(mark, "backgroundColor") == "rgb(255, 255, 255)"
    # Its words stay within its tile, above its Remove.
    words, sent_box = box_of(sent.get_by_text("Checked at Generate")), box_of(sent)
    remove = box_of(sent.get_by_role("button", name="Remove side.heic", exact=True))
    assert sent_box["x"] <= words["x"], (words, sent_box)
    assert words["x"] + words["width"] <= sent_box["x"] + sent_box["width"], (words, sent_box)
    assert words["y"] + words["height"] <= remove["y"], (words, remove)


def test_photos_dragged_from_the_desktop_and_dropped_on_the_box_are_added(
    stack: RunningStack, browser: Browser
) -> None:
    """The photos' box is a drop target of the platform's own (it was react-dropzone's): in
    Chromium, files dragged over it show it ready to take them, and dropped, each is added,
    the browser opening none of them in the tab's place."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, stack, "admin", "admin-password")
    page.get_by_role("combobox", name="User", exact=True).select_option(
        label="Alice Test · test user"
    )
    add_photos = page.get_by_role("button", name="Add photos", exact=True)
    expect(add_photos).to_be_enabled()
    box = add_photos.locator("xpath=ancestor::*[@role='presentation'][1]")
    files = [
        {"name": p["name"], "type": p["mimeType"], "b64": base64.b64encode(p["buffer"]).decode()}
        for p in portraits("dropped-1.jpg", "dropped-2.jpg")
    ]
    dragged = page.evaluate_handle(
        """files => {
            const data = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
                data.items.add(new File([bytes], f.name, { type: f.type }));
            }
            return data;
        }""",
        files,
    )
    box.dispatch_event("dragenter", {"dataTransfer": dragged})
    box.dispatch_event("dragover", {"dataTransfer": dragged})
    expect(page.get_by_text("Drop the photos to add them.", exact=True)).to_be_visible()
    url = page.url
    box.dispatch_event("drop", {"dataTransfer": dragged})
    photos = page.get_by_role("list", name="Selected photos", exact=True)
    expect(photos.get_by_text("dropped-1.jpg", exact=True)).to_be_visible(timeout=30_000)
    expect(photos.get_by_text("dropped-2.jpg", exact=True)).to_be_visible()
    expect(page.get_by_text("2 / 5", exact=True)).to_be_visible()
    expect(page.get_by_text("Drop the photos to add them.", exact=True)).to_have_count(0)
    assert page.url == url
    page.close()


def test_a_second_press_of_generate_for_the_click_on_its_way_starts_nothing_and_says_so(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1440 by 900 laptop, Generate pressed again 1.5 s after the first (the button on
    again, the form unchanged) started the same click again: four more Gemini calls, paid for,
    which took the pane from the first four. No request goes now: under the button, in the
    window and uncovered, the bar says the click is on its way, with Generate again."""
    page, generate = ready_to_generate(browser, stack, ALICE_THE_EXPLORER, ratio="1:1")
    page.get_by_role("textbox", name="Prompt", exact=True).fill("pressed twice [simulate:slow]")
    starts = posts_to(page, "/v1/generation-batches")
    generate.click()
    pane = page.get_by_role("region", name="Result")
    expect(pane).to_contain_text("pressed twice", timeout=JOB_TIMEOUT_MS)
    expect(generate).to_have_attribute("aria-disabled", "false")
    page.wait_for_timeout(1_500)
    generate.click()
    again = page.get_by_role("button", name="Generate again", exact=True)
    expect(again).to_be_visible()
    note = page.get_by_text(
        re.compile(r"^This same generation is already on its way \(started .+\)\.$")
    )
    expect(note).to_be_visible()
    page.wait_for_timeout(500)
    assert len(starts) == 1, starts
    next_frames(page)
    button, words, way_on = box_of(generate), box_of(note), box_of(again)
    assert words["y"] >= button["y"] + button["height"], (button, words)
    for box in (words, way_on):
        assert box["y"] + box["height"] <= 900, box
    assert uncovered(again)


def test_a_note_an_add_leaves_comes_out_from_under_the_bar(
    stack: RunningStack, browser: Browser
) -> None:
    """A 1366 by 768 laptop's first screen with three photos in: adding one of them again with
    a new one leaves "“p0.jpg” is in the form already." under the photos, and the new tile's
    row pushed it under the Generate bar stuck at the window's foot: the admin saw one tile
    come of two, and nothing said why. It comes out from under the bar as it appears."""
    page = admins_page(browser, stack, BOB_THE_ASTRONAUT, screen=(1366, 768))
    photos = page.get_by_label("Reference photos", exact=True)
    three = portraits("p0.jpg", "p1.jpg", "p2.jpg")
    photos.set_input_files(three)
    generate = page.get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled(timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)

    photos.set_input_files([three[0], *portraits("p3.jpg")])
    note = page.get_by_text("“p0.jpg” is in the form already.", exact=True)
    expect(note).to_be_visible()
    expect(page.locator("li[data-photo-id]")).to_have_count(4)
    page.wait_for_timeout(600)  # the page's smooth scroll, if any
    next_frames(page)
    clear_of(note, generate)
