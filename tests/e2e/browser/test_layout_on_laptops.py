"""What a laptop's screen shows of a click's results: every Save on the first screen, cards
of one height in a row, the history's rows of a click on as few lines as they fit, a
picture sharp on a 2x screen, a refinement beside the variant it refined, four landscape
variants at half the pane on a 1366 by 768 laptop, failed variants re-run with one press
from the row above the cards, which leaves Save on the first screen, each re-run in its
failed variant's place (four cards in one row after them), a click Gemini refused whole
as one history row, four cards' clocks on their way with no line begun by a "·", the
history's header holding still as its view changes, and landscape results filling the rows
of "Results only"."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, FloatRect, Locator, Page, expect

from tests.e2e.browser.measures import (
    axe_violations,
    box_of,
    clear_of,
    compare_in_view,
    follow_ups,
    job_of,
    next_frames,
    one_line,
    pictures_at_least,
    save_beside_download,
    saves_above,
    style,
    system_colour,
    text_lines,
)
from tests.e2e.browser.steps import (
    ALICE_THE_CHEF,
    ALICE_THE_EXPLORER,
    BOB_THE_ASTRONAUT,
    BOB_THE_JAZZ_PIANIST,
    JOB_TIMEOUT_MS,
    click_with_refused,
    finished_click,
    history_row,
    job_rows,
    portraits,
    posts_to,
    ready_to_generate,
    saved_then_four_variants,
)
from tests.e2e.conftest import RunningStack
from tests.e2e.helpers import wait_for

pytestmark = pytest.mark.e2e


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
    # Not the identity the whole path's test works on (`pick_identity` takes the first).
    page, generate = ready_to_generate(browser, stack, BOB_THE_JAZZ_PIANIST, ratio="3:4")

    # The identity's current image first: Compare then shows it beside the four. A portrait
    # alone is whole on the first screen, its Save beside it.
    [first] = finished_click(page, generate)
    page.evaluate("window.scrollTo(0, 0)")
    picture = box_of(first.get_by_role("img"))
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
    next_frames(page)
    picture = box_of(first.get_by_role("img"))
    assert picture["y"] + picture["height"] <= 900, picture
    page.evaluate("document.getElementById('taller-host-header').remove()")
    first_id = job_of(first)
    cards = saved_then_four_variants(page, generate, first)
    page.evaluate("window.scrollTo(0, 0)")
    assert len(one_line(cards)) == 1
    for card in cards:
        save = save_beside_download(card)
        assert save["y"] + save["height"] <= 900, save
    # What follows a result (Refine, Compare, and Re-run, another take) keeps one line in
    # each 195 px card, inside it.
    for card in cards:
        follow_ups(card)
    # Variant 3 saved over the first by mistake, and undone.
    undone_to(page, cards[2], n=3, first_id=first_id)
    # "Save" seen, "Save to identity" its name: still no accessibility violation.
    assert axe_violations(page) == []
    # A card whose facts take two lines ("under 1 s" in one, "1 s" in the others: as long as
    # this) is as tall as the others: the row's edges stay even.
    facts = cards[1].get_by_text("896\N{MULTIPLICATION SIGN}1200")
    facts.evaluate("facts => { facts.textContent += ' and a second line' }")
    heights = {round(box_of(card)["height"]) for card in cards}
    assert len(heights) == 1, heights

    dialog = compare_in_view(page, cards, lines=1, height=900)
    # The dialog takes the window's width where faces are judged: five portraits 250 px wide
    # each at 1440 px (200 px in a dialog kept to 1100 px), and wider still on a larger screen,
    # their Saves still in view.
    pictures_at_least(dialog, 240)
    page.set_viewport_size({"width": 1920, "height": 1080})
    pictures_at_least(dialog, 300)
    saves_above(dialog, range(1, 5), 1080)
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

    # In the history, the click's four variants share one line in its row (their rows, not an
    # earlier click's of four).
    rows = [history_row(page, card) for card in cards]
    for n, row in enumerate(rows, start=1):
        expect(row).to_have_count(1)
        expect(row).to_contain_text(f"Variant {n} of 4")
    assert len(one_line(rows)) == 1

    # On a tablet they go two by two, Save and Download still side by side.
    page.set_viewport_size({"width": 768, "height": 1024})
    assert len(one_line(cards)) == 2
    for card in cards:
        save_beside_download(card)

    # Back on a laptop, a click of three's variants share its row's line in thirds.
    page.set_viewport_size({"width": 1440, "height": 900})
    three = finished_click(page, generate, variants=3)
    rows = [history_row(page, card) for card in three]
    for n, row in enumerate(rows, start=1):
        expect(row).to_have_count(1)
        expect(row).to_contain_text(f"Variant {n} of 3")
    assert len(one_line(rows)) == 1
    line = box_of(page.get_by_role("region", name="History").locator("ol"))
    for row in rows:
        box = box_of(row)
        assert 0.3 * line["width"] < box["width"] < 0.34 * line["width"], (box, line)


def test_a_single_refinement_keeps_its_save_on_the_first_screen(
    stack: RunningStack, browser: Browser
) -> None:
    """A refined landscape card says what was asked on a line of its own over the picture:
    the picture makes room for that line too, so its Save stays on a 1440 by 900 screen. Its
    Refine reads as a link in forced colours too. On a 1366 by 768 laptop, the last
    generation's photos taken again push the prompt down, clear of the Generate bar."""
    page, generate = ready_to_generate(browser, stack, ALICE_THE_EXPLORER, ratio="16:9")
    # Five photos: two lines of tiles, when they come back below.
    more = portraits("more0.jpg", "more1.jpg", "more2.jpg", "more3.jpg")
    page.get_by_label("Reference photos", exact=True).set_input_files(more)
    expect(page.get_by_text("5 / 5", exact=True)).to_be_visible()
    expect(generate).to_be_enabled(timeout=30_000)
    [card] = finished_click(page, generate)
    # In forced colours (Windows' high contrast) a link-style action reads as a link, not as
    # plain text, and Refine with its box open is the system's highlight; else it is
    # underlined, not only on a pale background (1.1:1 on white).
    refine = card.get_by_role("button", name="Refine")
    page.emulate_media(forced_colors="active")
    assert "underline" in style(refine, "textDecorationLine")
    refine.click()
    assert style(refine, "backgroundColor") == system_colour(page, "Highlight")
    page.emulate_media(forced_colors="none")
    assert "underline" in style(refine, "textDecorationLine")
    page.get_by_role("textbox", name="What should change?").fill("a darker background")
    page.keyboard.press("Enter")

    # Beside the image it refined, which the pane shows.
    refined = page.get_by_role("article", name="Refinement of the new image")
    expect(refined.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(refined.get_by_text("a darker background")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    save = box_of(refined.get_by_role("button", name="Save to identity"))
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
    next_frames(page)
    clear_of(prompt, generate)


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
    page, generate = ready_to_generate(browser, stack, ALICE_THE_CHEF, ratio=ratio)
    cards = finished_click(page, generate, variants=2)
    # A card whose facts take a line more (a save's badge: "Saved, then replaced") is as tall
    # as its neighbour: the row's edges stay even.
    cards[1].get_by_text(re.compile("^\\d+\N{MULTIPLICATION SIGN}\\d+")).evaluate(
        "facts => facts.parentElement"
        ".insertAdjacentHTML('beforebegin', '<p>Saved, then replaced</p>')"
    )
    next_frames(page)
    heights = {round(box_of(card)["height"]) for card in cards}
    assert len(heights) == 1, heights
    for width, height in ((1280, 800), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        next_frames(page)
        for card in cards:
            save = box_of(card.get_by_role("button", name="Save to identity"))
            assert save["y"] + save["height"] <= height, (width, height, save)
        # Side by side in the pane's middle, the grid's gap between them, no empty strip.
        first, second = (box_of(card) for card in cards)
        assert second["x"] - (first["x"] + first["width"]) <= 16, (width, first, second)
    cards[0].get_by_role("button", name=re.compile(r"^Refine,")).click()
    expect(page.get_by_role("textbox", name="What should change in variant 1?")).to_be_focused()
    next_frames(page)
    # Across: the box may scroll the page to come into view.
    across = [(box["x"], box["width"]) for box in (box_of(card) for card in cards)]
    before = [(box["x"], box["width"]) for box in (first, second)]
    assert across == before


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
        return urlparse(source).path.rsplit("/", 1)[1], box_of(image)["width"]

    page, generate = ready_to_generate(browser, stack, BOB_THE_ASTRONAUT, ratio="16:9", scale=2)
    finished_click(page, generate, size="2K")
    name, width = shown(page.get_by_role("img", name="New image, 2752\N{MULTIPLICATION SIGN}1536"))
    assert name.endswith(".large.jpg"), name
    assert width * 2 > 1400  # the preview's 768 px would be stretched twice over
    page.close()

    page, generate = ready_to_generate(browser, stack, BOB_THE_ASTRONAUT, ratio="1:1")
    cards = finished_click(page, generate, variants=4)
    for card in (cards[0], cards[3]):
        name, width = shown(card.get_by_role("img"))
        assert name.endswith(".preview.jpg"), name
        assert width < 768


def _in_window(element: Locator, height: int) -> FloatRect | None:
    """`element`'s box, when it is whole in a window `height` px tall; else None."""
    box = element.bounding_box()
    return box if box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height else None


def test_a_refinement_of_a_variant_joins_its_click_beside_it_in_view(
    stack: RunningStack, browser: Browser
) -> None:
    """Four variants on a 1440 by 900 screen; the admin refines the third from its card: the
    four stay in the pane, the refinement right after the third (in its row, four upright ones
    a row), focused and in view, its title saying which variant it refined. (The refinement
    took the pane: the four were gone from it, with no way back but the history.)"""
    page, generate = ready_to_generate(browser, stack, BOB_THE_JAZZ_PIANIST, ratio="3:4")
    variants = finished_click(page, generate, variants=4)
    variants[2].get_by_role("button", name=re.compile(r"^Refine,")).click()
    page.get_by_role("textbox", name="What should change in variant 3?").fill(
        "make the background a darker blue"
    )
    page.keyboard.press("Enter")

    refined = page.get_by_role("article", name="Refinement of variant 3")
    expect(refined).to_be_focused(timeout=JOB_TIMEOUT_MS)
    expect(refined.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    titles = page.get_by_role("region", name="Result").get_by_role("article")
    expect(titles).to_have_count(5)
    assert [title.get_attribute("aria-label") for title in titles.all()] == [
        "Variant 1 of 4",
        "Variant 2 of 4",
        "Variant 3 of 4",
        "Refinement of variant 3",
        "Variant 4 of 4",
    ]
    expect(refined.get_by_role("heading", name="Refinement of variant 3")).to_be_visible()
    # Beside the third, as wide as it, and in view (the page scrolled to it, smoothly).
    third = box_of(variants[2])
    box = wait_for("the refinement in view", lambda: _in_window(refined, 900), timeout_s=5)
    assert box["y"] == pytest.approx(third["y"], abs=1), (third, box)
    assert box["x"] > third["x"] + third["width"], (third, box)
    assert box["width"] == pytest.approx(third["width"], abs=1), (third, box)
    # Its title within its card, not past its edge.
    heading = box_of(refined.get_by_role("heading"))
    assert heading["x"] + heading["width"] <= box["x"] + box["width"], (heading, box)


def test_a_refinement_asked_from_the_history_is_focused_with_its_ring_whole(
    stack: RunningStack, browser: Browser
) -> None:
    """Two variants on a 1440 by 900 screen; the admin refines the first from its history
    row, under the pane: the refinement's card, focused as it comes, is brought up into view
    with room above it for its focus ring (it stood at the window's top edge, the ring's top
    cut)."""
    page, generate = ready_to_generate(browser, stack, BOB_THE_JAZZ_PIANIST, ratio="3:4")
    finished_click(page, generate, variants=2)
    row = job_rows(page).first
    row.scroll_into_view_if_needed()
    row.get_by_role("button", name=re.compile(r"^Refine,")).click()
    page.keyboard.type("a darker blue background")
    page.keyboard.press("Enter")
    refined = page.get_by_role("article", name="Refinement of variant 1")
    expect(refined).to_be_focused(timeout=JOB_TIMEOUT_MS)
    ring = float(style(refined, "outlineWidth").removesuffix("px")) + float(
        style(refined, "outlineOffset").removesuffix("px")
    )
    assert ring > 0, ring

    def ring_whole() -> FloatRect | None:
        box = _in_window(refined, 900)
        return box if box is not None and box["y"] >= ring else None

    # (It comes down from above the window, smoothly: in view, then the ring too.)
    wait_for("the refinement in view, its ring whole", ring_whole, timeout_s=5)


@pytest.mark.parametrize(("ratio", "least_height"), [("4:3", 270), ("3:2", 240)])
def test_four_landscape_variants_on_a_1366_by_768_laptop_are_as_large_as_their_half(
    stack: RunningStack, browser: Browser, ratio: str, least_height: float
) -> None:
    """A 1366 by 768 laptop, four 4:3 (3:2) variants in the pane beside the form: two a row,
    each card as wide as its half of the pane and its picture as large as that lets it be,
    374 by 279 (374 by 251), Save beside Download, the first row's Saves on the first screen
    and each row with its Saves whole in the window once scrolled to, as four 9:16 on a 1024
    by 768 tablet. (Held to half the window, they were 295 by 220 (328 by 220) at the floor,
    in cards narrower than their half, the second row below the fold all the same.)"""
    page, generate = ready_to_generate(
        browser, stack, ALICE_THE_EXPLORER, ratio=ratio, screen=(1366, 768)
    )
    cards = finished_click(page, generate, variants=4)
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    assert len(one_line(cards[:2])) == 1
    assert len(one_line(cards)) == 2
    # The grid's width, which its two columns share with the 14 px gap between them.
    grid = cards[0].evaluate("card => card.parentElement.getBoundingClientRect().width")
    for card in cards:
        box, picture = box_of(card), box_of(card.get_by_role("img"))
        assert box["width"] >= (grid - 14) / 2 - 1, (box, grid)
        assert picture["height"] >= least_height, picture
        save = save_beside_download(card)
        if card in cards[:2]:
            assert save["y"] + save["height"] <= 768, save
    for row in (cards[:2], cards[2:]):
        row[0].evaluate("card => card.scrollIntoView({block: 'start'})")
        next_frames(page)
        for card in row:
            box = box_of(card)
            assert box["y"] >= -1, box  # a fraction of a pixel over, as scrolled to
            assert box["y"] + box["height"] <= 768, box


@pytest.mark.parametrize("screen", [(1440, 900), (1366, 768)], ids=["1440x900", "1366x768"])
def test_the_failed_variants_rerun_with_one_press_saves_still_on_the_first_screen(
    stack: RunningStack, browser: Browser, screen: tuple[int, int]
) -> None:
    """Three portrait variants of which Gemini's safety filter stopped two: their reason is
    said once, above the cards, beside "Re-run the 2 failed", and that row does not push the
    third one's Save off the first screen of a 1440 by 900 laptop (the pictures are sized to
    the window left under the cards, not under the row), nor of a 1366 by 768 one, where the
    pictures are at their floor already: the floor gives way by the row's height (807 px down
    there, 757 without the row, 757 again). One press re-runs both, one request each; each
    re-run takes its failed card's place, the first of them focused, and the row's Saves are
    still on the first screen."""
    height = screen[1]
    page, generate = ready_to_generate(browser, stack, ALICE_THE_CHEF, ratio="3:4", screen=screen)
    SAVE = re.compile(r"^Save to identity\b")  # noqa: N806 - a name the test reads by
    reruns = posts_to(page, "/rerun")
    rerun = click_with_refused(page, stack, generate, variants=3, refused=2)
    pane = page.get_by_role("region", name="Result")
    kept = pane.get_by_role("article").filter(has=page.get_by_role("button", name=SAVE))
    expect(kept.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    # Said once, not on each card side by side; each failed card says "Failed".
    assert pane.inner_text().count("Try a different prompt or other reference photos.") == 1
    expect(pane.locator("article strong", has_text="Failed")).to_have_count(2)
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    row, below = box_of(rerun), [box_of(card) for card in pane.get_by_role("article").all()]
    assert all(row["y"] + row["height"] <= card["y"] for card in below), (row, below)
    save = box_of(kept.get_by_role("button", name=SAVE))
    assert save["y"] + save["height"] <= height, save
    assert axe_violations(page) == []

    rerun.click()
    again = pane.get_by_role("article").filter(has_text=STANDS_IN)
    expect(again).to_have_count(2, timeout=JOB_TIMEOUT_MS)
    expect(again.first).to_be_focused()
    for card in again.all():
        expect(card.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    assert len(reruns) == 2, reruns
    expect(pane.get_by_role("button", name=re.compile("^Re-run the"))).to_have_count(0)
    expect(pane.get_by_role("article")).to_have_count(3)
    # Nothing shown failed any more: the reason goes with the row; the first row's Saves in view.
    expect(pane.get_by_text("Try a different prompt or other reference photos.")).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    cards = pane.get_by_role("article")
    top = round(box_of(cards.first)["y"])
    saves = [
        box_of(card.get_by_role("button", name=SAVE))
        for card in cards.filter(has=page.get_by_role("button", name=SAVE)).all()
        if round(box_of(card)["y"]) == top
    ]
    assert saves
    # (On a 1366 by 768 laptop a re-run's card said again, under its title, which result it
    # re-ran, on three lines of its 230 px card: its Save under the window's edge.)
    assert all(save["y"] + save["height"] <= height for save in saves), saves


# What a re-run in a failed variant's place says under its title (`StandInLine`).
STANDS_IN = "Re-run · 1st try: safety filter"


def test_a_click_of_four_after_its_failed_variants_rerun_is_four_cards_in_one_row(
    stack: RunningStack, browser: Browser
) -> None:
    """Four portrait variants of which Gemini's safety filter stopped two, re-run with one
    press: on a 1440 by 900 laptop the pane holds four cards in one row, each re-run in its
    failed variant's place ("Variant 2 of 4", its line saying the first try failed and why),
    each Save on the first screen. Each re-run joined beside its failed card: six cards in two
    rows, the second row's Saves under the screen's edge, two of them empty "Failed" boxes."""
    page, generate = ready_to_generate(browser, stack, ALICE_THE_EXPLORER, ratio="3:4")
    rerun = click_with_refused(page, stack, generate, variants=4, refused=2)
    pane = page.get_by_role("region", name="Result")
    rerun.click()
    again = pane.get_by_role("article").filter(has_text=STANDS_IN)
    expect(again).to_have_count(2, timeout=JOB_TIMEOUT_MS)
    expect(again.first).to_be_focused()
    cards = pane.get_by_role("article")
    for card in cards.all():
        expect(card.get_by_role("img")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(cards).to_have_count(4)
    names = [card.get_attribute("aria-label") for card in cards.all()]
    assert names == [f"Variant {n} of 4" for n in range(1, 5)], names
    expect(pane.get_by_text("Try a different prompt or other reference photos.")).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    boxes = [box_of(card) for card in cards.all()]
    assert len({round(box["y"]) for box in boxes}) == 1, boxes
    save = re.compile(r"^Save to identity\b")
    saves = [box_of(card.get_by_role("button", name=save)) for card in cards.all()]
    assert all(save["y"] + save["height"] <= 900 for save in saves), saves
    assert axe_violations(page) == []


def test_a_click_gemini_refused_whole_is_one_history_row_as_tall_as_a_click_of_one(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1440 by 900 laptop, a click of four whose variants Gemini all refused is one
    history row, as tall as a refused click of one (150 px): it was that row with its three
    variants' rows under it, 253 px, each saying "Gemini refused the prompt / Rephrase the
    prompt and try again." again. Its name says how many and why; the reason and Edit
    settings are said once. Hide failed hides it, and the header says how many it hid."""
    page, generate = ready_to_generate(browser, stack, ALICE_THE_CHEF, ratio="1:1")
    history = page.get_by_role("region", name="History")
    rows = history.get_by_role("list").first.get_by_role("listitem")
    prompt = page.get_by_role("textbox", name="Prompt", exact=True)
    variants = page.get_by_role("combobox", name="Variants", exact=True)

    prompt.fill("a refused click of one [simulate:prompt_blocked]")
    variants.select_option("1")
    generate.click()
    one = rows.filter(has_text="a refused click of one").filter(has_text="Gemini refused")
    expect(one).to_have_count(1, timeout=JOB_TIMEOUT_MS)

    prompt.fill("a refused click of four [simulate:prompt_blocked]")
    variants.select_option("4")
    generate.click()
    # One row once the four have failed: named for the click, how many and why.
    four = rows.filter(has_text="a refused click of four")
    expect(four).to_have_count(1, timeout=JOB_TIMEOUT_MS)
    expect(four).to_have_accessible_name(
        re.compile(r", 4 variants, all failed: Gemini refused the prompt$"), timeout=JOB_TIMEOUT_MS
    )
    expect(four.get_by_text("Gemini refused the prompt", exact=True)).to_have_count(1)
    expect(four.get_by_text("Rephrase the prompt and try again.")).to_have_count(1)
    expect(four.get_by_role("button", name=re.compile(r"^Edit settings,"))).to_have_count(1)
    four.scroll_into_view_if_needed()
    next_frames(page)
    alone, whole = box_of(one), box_of(four)
    assert whole["height"] <= alone["height"] + 2, (whole, alone)
    assert whole["height"] < 0.7 * 253, whole

    history.get_by_role("checkbox", name="Hide failed").check()
    expect(four).to_have_count(0)
    expect(one).to_have_count(0)
    expect(history.get_by_role("status")).to_contain_text(re.compile(r"\b\d+ failed hidden\b"))
    assert axe_violations(page) == []


def undone_to(page: Page, card: Locator, *, n: int, first_id: str) -> None:
    """Variant `n` of 4 (`card`) saved over the identity's image (the result `first_id`), then
    its Undo pressed from the keyboard: the Undo sits beside its badge ("Saved", its first
    word) on the row of its Download, inside the 195 px card; once pressed, the identity's
    Current image is the first result again, and the focus is on the card's Save, back in
    place."""
    card.get_by_role("button", name="Save to identity").click()
    undo = card.get_by_role("button", name=f"Undo saving variant {n} of 4")
    expect(undo).to_be_visible(timeout=JOB_TIMEOUT_MS)
    current = page.get_by_role("img", name=re.compile(r", as it looks now$"))
    expect(current).not_to_have_attribute("src", re.compile(first_id))
    badge = box_of(card.get_by_text("Saved", exact=True))
    download = box_of(card.get_by_role("link", name="Download"))
    place, edge = box_of(undo), box_of(card)
    middles = {round(box["y"] + box["height"] / 2) for box in (badge, place, download)}
    assert max(middles) - min(middles) <= 2, (badge, place, download)
    assert badge["x"] + badge["width"] <= place["x"] < download["x"], (badge, place, download)
    assert download["x"] + download["width"] <= edge["x"] + edge["width"], (download, edge)
    assert axe_violations(page) == []
    undo.focus()
    page.keyboard.press("Enter")
    expect(current).to_have_attribute("src", re.compile(first_id), timeout=JOB_TIMEOUT_MS)
    expect(card.get_by_role("button", name="Save to identity")).to_be_focused(
        timeout=JOB_TIMEOUT_MS
    )
    expect(card.get_by_text("Saved, then replaced", exact=True)).to_be_visible()


def test_four_cards_on_their_way_start_no_line_of_their_clock_with_a_dot(
    stack: RunningStack, browser: Browser
) -> None:
    """Four portrait variants on their way at 1440 by 900, each card some 195 px: the clock's
    line ("6 s · longer than the usual 1 s at 1K") wrapped before its "·", which began the
    second line and read as broken. The second piece has a line of its own, no "·" drawn."""
    page, generate = ready_to_generate(browser, stack, BOB_THE_JAZZ_PIANIST, ratio="3:4")
    # Two runs at 1K in the identity's history: the clock then says the usual time too.
    finished_click(page, generate, variants=2, prompt="a usual time")
    page.get_by_role("combobox", name="Variants", exact=True).select_option("4")
    page.get_by_role("textbox", name="Prompt", exact=True).fill("four on their way [simulate:slow]")
    generate.click()
    pane = page.get_by_role("region", name="Result")
    expect(pane).to_contain_text("four on their way", timeout=JOB_TIMEOUT_MS)
    clocks = pane.locator("span[class*='timer']")
    expect(clocks).to_have_count(4, timeout=JOB_TIMEOUT_MS)
    expect(clocks.first).to_contain_text("·")  # the words still hold it, for a screen reader
    next_frames(page)
    for clock in clocks.all():
        lines = text_lines(clock)
        assert len(lines) >= 2, lines
        assert not any(line.startswith("·") for line in lines), lines


def test_the_historys_header_holds_still_as_its_view_changes(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1440 by 900 laptop, the history's view switch ("All generations", "Results only",
    "Saved") moved under the pointer as a view was pressed: the pressed one in bold grew, and
    the switch's start went 9 px left for "Saved". The count, right-aligned before the
    controls, moved as it changed ("1 generation · 1 variant", "0 saved from 1 generation")
    and as Hide failed came and went. Each holds its place, whichever view is shown."""
    page, generate = ready_to_generate(browser, stack, BOB_THE_JAZZ_PIANIST, ratio="1:1")
    finished_click(page, generate)
    history = page.get_by_role("region", name="History")
    switch = history.get_by_role("group", name="Show", exact=True)
    count = history.get_by_role("status").first
    history.scroll_into_view_if_needed()
    seen: dict[str, tuple[list[tuple[int, int]], int]] = {}
    for view in ("Saved", "Results only", "All generations"):
        button = switch.get_by_role("button", name=view, exact=True)
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        next_frames(page)
        buttons = [box_of(each) for each in switch.get_by_role("button").all()]
        places = [(round(box["x"]), round(box["width"])) for box in buttons]
        seen[view] = (places, round(box_of(count)["x"]))
    assert len(set(map(str, seen.values()))) == 1, seen


def test_landscape_results_fill_the_results_grids_rows(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1440 by 900 laptop, "Results only" holds three 16:9 results (the form's first
    ratio) in one row across the whole grid, each over two of its columns. Of five columns, a
    landscape result took two, two a row, and the fifth stayed empty down the whole grid: a
    fifth of its width unused."""
    page, generate = ready_to_generate(browser, stack, BOB_THE_ASTRONAUT, ratio="16:9")
    for prompt in ("on a launch pad", "in a capsule", "on the moon"):
        finished_click(page, generate, prompt=prompt)
    history = page.get_by_role("region", name="History")
    history.get_by_role("button", name="Results only", exact=True).click()
    grid = history.get_by_role("list", name="Results")
    tiles = grid.get_by_role("listitem")
    expect(tiles.nth(2)).to_be_visible()
    next_frames(page)
    newest = [box_of(tiles.nth(index)) for index in range(3)]
    assert len(one_line([tiles.nth(index) for index in range(3)])) == 1, newest
    area = box_of(grid)
    right = newest[2]["x"] + newest[2]["width"]
    assert abs(right - (area["x"] + area["width"])) <= 2, (newest, area)
