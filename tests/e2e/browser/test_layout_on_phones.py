"""What a phone's screen shows: the page in its width without a sideways scroll, a photo's
Remove lined up with its name on a touch screen, a HEIC tile's grey mark clear of its
placeholder's letters and its upload's bar clear of its note, a card's Refine box under that
card, what a history row's More offers in view, the result pane's long prompt shown whole, a
click of four whose failed variants were re-run as four cards, Generate's estimate under it
in two lines, and Results only's tiles of one row ending alike."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, FilePayload, Route, expect

from tests.e2e.browser.measures import (
    apart,
    box_of,
    follow_ups,
    heic_tile_words_clear,
    next_frames,
    text_lines,
)
from tests.e2e.browser.steps import (
    ALICE_THE_CHEF,
    ALICE_THE_EXPLORER,
    BOB_THE_ASTRONAUT,
    BOB_THE_JAZZ_PIANIST,
    JOB_TIMEOUT_MS,
    admins_page,
    click_with_refused,
    finished_click,
    front_and_heic_in,
    heic,
    portraits,
    ready_to_generate,
    row_done,
    saved,
)
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


def test_the_page_fits_a_320_px_phone_without_a_sideways_scroll(
    stack: RunningStack, browser: Browser
) -> None:
    """WCAG's reflow width: the navigation bar and the tab fit 320 px (the bar was 331 px:
    Log out past the edge)."""
    page = admins_page(browser, stack, ALICE_THE_CHEF, screen=(320, 640))
    expect(page.get_by_role("button", name="Add photos")).to_be_enabled()
    assert page.evaluate("document.documentElement.scrollWidth") == 320


def test_on_a_touch_screen_a_photos_remove_keeps_its_words_on_the_tiles_edge(
    stack: RunningStack, browser: Browser
) -> None:
    """On a touch phone (390 by 844) link-style buttons grow to a finger's 44 px in height;
    they grew wider too, and "Remove" stood 4 px right of the photo's name above it."""
    page = admins_page(browser, stack, BOB_THE_ASTRONAUT, screen=(390, 844), touch=True)
    page.get_by_label("Reference photos", exact=True).set_input_files(portraits("edge.jpg"))
    remove = page.get_by_role("button", name="Remove edge.jpg")
    expect(remove).to_be_visible()
    assert box_of(remove)["height"] >= 44
    words_left = """element => {
        const words = document.createRange();
        words.selectNodeContents(element);
        return words.getBoundingClientRect().left;
    }"""
    name = page.get_by_text("edge.jpg", exact=True)
    assert abs(remove.evaluate(words_left) - name.evaluate(words_left)) <= 1
    page.context.close()


@pytest.mark.parametrize("width", [390, 430], ids=["98 px tiles", "81 px tiles"])
def test_on_a_phone_a_heic_tiles_grey_mark_is_clear_of_its_placeholders_letters(
    stack: RunningStack, browser: Browser, width: int
) -> None:
    """Chromium draws no HEIC: its tile shows the letters "HEIC" and, once it is sent, a grey
    mark in the tick's top right corner. On a 390 by 844 phone (98 px tiles) the letters,
    centred, ran under the mark, the C 2 px under its edge; on a 430 px one (three tiles a row
    of 81 px, the narrowest) 11 px. They go top left, on the mark's line, clear of it."""
    page = admins_page(browser, stack, ALICE_THE_CHEF, screen=(width, 844), touch=True)
    heic_tile_words_clear(page, front_and_heic_in(page))
    page.context.close()


@pytest.mark.parametrize("width", [390, 430], ids=["98 px tiles", "81 px tiles"])
def test_on_a_phone_a_heic_tiles_upload_bar_leaves_its_placeholders_words_readable(
    stack: RunningStack, browser: Browser, width: int
) -> None:
    """While a HEIC photo uploads, its tile shows the letters "HEIC", the note "no preview in
    this browser" and the upload's bar. On a 430 px phone's 81 px tiles (the narrowest) the
    note takes three lines and the bar, 8 px over the square's foot, lay on the last of them
    ("browser"), cut at the square's edge besides. Held in S3's answer, the upload stays on its
    way: the bar, the letters and the note each whole in the square, the bar clear of both."""
    page = admins_page(browser, stack, ALICE_THE_CHEF, screen=(width, 844), touch=True)
    # The photos' uploads (a POST to S3, moto here) held until measured.
    held: list[Route] = []

    def hold_uploads(route: Route) -> None:
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(rf"^{re.escape(stack.moto_url)}/"), hold_uploads)
    side: FilePayload = {"name": "side.heic", "mimeType": "", "buffer": heic()}
    page.get_by_label("Reference photos", exact=True).set_input_files(
        [*portraits("front.jpg"), side]
    )
    photos = page.get_by_role("list", name="Selected photos", exact=True)
    tile = photos.get_by_role("listitem").filter(has_text="side.heic")
    bar = tile.get_by_role("progressbar", name="Uploading side.heic")
    expect(bar).to_be_visible(timeout=30_000)
    expect(tile).to_contain_text("uploading")
    thumb = tile.locator("div[class*='thumb']").first
    letters = thumb.get_by_text("HEIC", exact=True)
    note = thumb.get_by_text("no preview in this browser", exact=True)
    square = box_of(thumb)
    for part in (letters, note, bar):
        box = box_of(part)
        assert square["x"] <= box["x"], (part, box, square)
        assert box["x"] + box["width"] <= square["x"] + square["width"], (part, box, square)
        assert square["y"] <= box["y"], (part, box, square)
        assert box["y"] + box["height"] <= square["y"] + square["height"], (part, box, square)
    assert apart(bar, note) >= 2, (box_of(bar), box_of(note))
    assert apart(bar, letters) >= 2, (box_of(bar), box_of(letters))
    for route in held:
        route.continue_()
    page.context.close()


def test_on_a_phone_a_cards_refine_box_opens_under_it(
    stack: RunningStack, browser: Browser
) -> None:
    """Four squares on a phone, one a row: what follows a result (Refine, Compare, Re-run) on
    one line of its card; Refine on the first opens its box right under that card, above the
    second (under the last, it was 1,400 px away from the card it was about)."""
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_JAZZ_PIANIST, ratio="1:1", screen=(390, 844)
    )
    cards = finished_click(page, generate, variants=4)
    follow_ups(cards[0])
    cards[0].get_by_role("button", name=re.compile(r"^Refine,")).click()
    box = page.get_by_role("textbox", name="What should change in variant 1?")
    expect(box).to_be_focused()
    first, words, second = (box_of(element) for element in (cards[0], box, cards[1]))
    assert first["y"] + first["height"] <= words["y"] < second["y"], (first, words, second)


def test_on_a_phone_more_on_a_history_row_at_the_screens_foot_shows_what_it_offers(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 390 by 844 phone, More pressed on a history row at the screen's foot brings the
    follow-ups it shows into view, Edit settings the last of them (they opened under the
    screen's edge: the admin scrolled to see what More offered)."""
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_ASTRONAUT, ratio="1:1", screen=(390, 844)
    )
    finished_click(page, generate, prompt="at the screen's foot")
    # This click's row, done: a row that changes as its job ends (its picture comes, its
    # actions change), or another that comes above it, would move what More opened.
    history = page.get_by_role("region", name="History")
    row = history.get_by_role("listitem").filter(has_text="at the screen's foot")
    row_done(row.first)
    more = row.first.get_by_role("button", name="More")
    # The row's More at the screen's foot, as a scroll down the history leaves it.
    more.evaluate(
        "more => window.scrollBy(0, more.getBoundingClientRect().bottom - innerHeight + 4)"
    )
    next_frames(page)
    box = box_of(more)
    assert 844 - 60 < box["y"] + box["height"] <= 844, box
    more.click()
    last = row.first.get_by_role("button", name=re.compile(r"^Edit settings"))
    expect(last).to_be_visible()
    page.wait_for_function(
        "edit => edit.getBoundingClientRect().bottom <= innerHeight",
        arg=last.element_handle(),
        timeout=3_000,
    )


def test_on_a_phone_the_panes_prompt_cut_short_can_be_shown_whole(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 390 by 844 phone the result pane's prompt, cut at its line's end, was whole only
    in a tooltip a finger cannot open: Show all shows it on as many lines as it takes."""
    prompt = "In a sunlit kitchen at dawn, " * 6 + "the end of the prompt"
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_ASTRONAUT, ratio="1:1", screen=(390, 844)
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
    box = box_of(words)
    assert box["height"] > 3 * 13, box  # on several lines, not one
    assert box["x"] + box["width"] <= 390


def test_on_a_phone_a_click_of_four_after_its_failed_variants_rerun_is_four_cards(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 390 by 844 phone, four portrait variants of which Gemini's safety filter stopped
    two, re-run with one press: four cards one under the other, each re-run in its failed
    variant's place (it was six, two of them empty "Failed" boxes, the pane 2,795 px tall); the
    first re-run's card focused and in view down to its Save."""
    page, generate = ready_to_generate(
        browser, stack, ALICE_THE_EXPLORER, ratio="3:4", screen=(390, 844)
    )
    rerun = click_with_refused(page, stack, generate, variants=4, refused=2)
    pane = page.get_by_role("region", name="Result")
    rerun.click()
    again = pane.get_by_role("article").filter(has_text="Re-run · 1st try: safety filter")
    expect(again).to_have_count(2, timeout=JOB_TIMEOUT_MS)
    cards = pane.get_by_role("article")
    for card in cards.all():
        expect(card.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(cards).to_have_count(4)
    expect(pane.get_by_text("Failed", exact=True)).to_have_count(0)
    expect(again.first).to_be_focused()
    next_frames(page)
    first = box_of(again.first)
    save = box_of(again.first.get_by_role("button", name=re.compile(r"^Save to identity\b")))
    assert first["y"] >= 0, first
    assert save["y"] + save["height"] <= 844, save
    widths = {round(box_of(card)["width"]) for card in cards.all()}
    assert len(widths) == 1, widths


def test_on_a_phone_generates_estimate_reads_in_two_lines_under_it(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 390 by 844 touch phone the estimate beside Generate (206 px of room) broke into three
    lines, each but the first starting with its "·" ("≈ $0.545" / "· 4 images, 16:9 at 1K" /
    "· usually 2 s"): it read as broken; on a 320 px one, under the button, the last piece
    still began a line with its "·". Under the button, across the form, it reads in two lines:
    the cost and what a click makes, then the usual time; no line starts with a "·"."""
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_ASTRONAUT, ratio="16:9", screen=(390, 844), touch=True
    )
    # Two runs at 1K: the usual time is said.
    finished_click(page, generate, variants=2)
    page.get_by_role("combobox", name="Variants", exact=True).select_option("4")
    # The last of what describes Generate (after why it waits, when it does).
    described_by = (generate.get_attribute("aria-describedby") or "").split()
    estimate = page.locator(f"[id='{described_by[-1]}']")
    expect(estimate).to_contain_text("usually", timeout=JOB_TIMEOUT_MS)
    for width, height in ((390, 844), (360, 740), (320, 640)):
        page.set_viewport_size({"width": width, "height": height})
        next_frames(page)
        lines = text_lines(estimate)
        assert len(lines) <= 2, (width, lines)
        assert not [line for line in lines if line.startswith("·")], (width, lines)
        button, words = box_of(generate), box_of(estimate)
        assert words["y"] >= button["y"] + button["height"], (width, button, words)
    page.context.close()


def test_on_a_touch_phone_the_results_tiles_of_a_row_end_alike(
    stack: RunningStack, browser: Browser
) -> None:
    """Two variants on a 390 by 844 touch phone, the first saved: in Results only, two tiles a
    row, the saved one's badge is shorter than the other's Save (a finger's 44 px), and its
    Download and Compare stood 25 px higher than the other's. They share the row's foot."""
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_ASTRONAUT, ratio="3:4", screen=(390, 844), touch=True
    )
    cards = finished_click(page, generate, variants=2)
    saved(cards[0])
    history = page.get_by_role("region", name="History")
    history.get_by_role("button", name="Results only").click()
    # This click's two, newest first: the first row (an earlier test's results follow).
    tiles = history.get_by_role("list", name="Results").get_by_role("listitem")
    pair = [tiles.nth(0), tiles.nth(1)]
    for tile, which in zip(pair, ("Variant 1 of 2", "Variant 2 of 2"), strict=True):
        expect(tile).to_contain_text(which)
    download = re.compile(r"^Download,")
    downloads = [box_of(tile.get_by_role("link", name=download)) for tile in pair]
    assert downloads[0]["y"] == pytest.approx(downloads[1]["y"], abs=1), downloads


def test_on_a_phone_a_history_row_with_no_picture_gives_its_words_the_rows_width(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 390 by 844 phone, a history row that ended without a picture has its words beside
    its small "!" mark: they started 114 px in, beside a 104 px column that held the mark
    alone, and a failure's sentence took six lines of 190 px."""
    page, generate = ready_to_generate(
        browser, stack, ALICE_THE_EXPLORER, ratio="1:1", screen=(390, 844)
    )
    prompt = "refused on a phone [simulate:prompt_blocked]"
    page.get_by_role("textbox", name="Prompt", exact=True).fill(prompt)
    page.get_by_role("combobox", name="Variants", exact=True).select_option("1")
    generate.click()
    history = page.get_by_role("region", name="History")
    row = history.get_by_role("listitem").filter(has_text=prompt)
    why = row.get_by_text("Gemini refused the prompt", exact=True)
    expect(why).to_be_visible(timeout=JOB_TIMEOUT_MS)
    row.scroll_into_view_if_needed()
    next_frames(page)
    start = box_of(why)["x"] - box_of(row)["x"]
    assert start < 60, start
