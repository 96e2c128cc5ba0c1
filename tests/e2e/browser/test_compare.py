"""Compare: a click's variants beside the identity's current image, every picture large
enough to judge a face by and every Save in view, whatever the screen; a save made there
undone from there; and the page behind the dialog kept still while it is open."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser.measures import (
    axe_violations,
    box_of,
    compare_in_view,
    job_of,
    next_frames,
    pictures_at_least,
    saves_above,
)
from tests.e2e.browser.steps import (
    ALICE_THE_EXPLORER,
    BOB_THE_JAZZ_PIANIST,
    JOB_TIMEOUT_MS,
    finished_click,
    ready_to_generate,
    saved,
    saved_then_four_variants,
)
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


def test_four_landscape_variants_and_the_current_image_compare_on_one_laptop_screen(
    stack: RunningStack, browser: Browser
) -> None:
    """Compare of four 16:9 variants beside a 16:9 current image at 1366 by 768: three a line
    on two lines, every Save in view (two a line, the second line and its Saves were below
    the fold: an admin scrolled back and forth to compare)."""
    page, generate = ready_to_generate(
        browser, stack, ALICE_THE_EXPLORER, ratio="16:9", screen=(1366, 768)
    )
    [first] = finished_click(page, generate)
    cards = saved_then_four_variants(page, generate, first)
    compare_in_view(page, cards, lines=2, height=768)


def test_a_portrait_tablet_compares_on_fewer_pictures_a_line_each_larger(
    stack: RunningStack, browser: Browser
) -> None:
    """An 820 by 1180 tablet held upright: Compare of four square variants with the current
    image stands them three a line on two lines, each picture 230 px wide or more, every Save
    in view (in the laptop's one line they were 173 px each, most of the tall screen empty
    under them). Once one is saved there, the image it replaced stays where it was, "Replaced",
    and nothing moves: the five drew themselves again two a line, under the pointer, the image
    Undo would put back gone from sight."""
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_JAZZ_PIANIST, ratio="1:1", screen=(820, 1180)
    )
    [first] = finished_click(page, generate)
    cards = saved_then_four_variants(page, generate, first)
    dialog = compare_in_view(page, cards, lines=2, height=1180)
    pictures_at_least(dialog, 230)

    figures = dialog.get_by_role("figure")
    places = [(round(box["x"]), round(box["y"])) for box in map(box_of, figures.all())]
    dialog.get_by_role("button", name="Save variant 1 of 4 to identity").click()
    expect(dialog.get_by_role("figure", name="Variant 1 of 4")).to_contain_text(
        "Saved to identity", timeout=JOB_TIMEOUT_MS
    )
    expect(dialog.get_by_text("Replaced", exact=True)).to_be_visible()
    expect(figures).to_have_count(5)
    after = [(round(box["x"]), round(box["y"])) for box in map(box_of, figures.all())]
    assert all(
        abs(x - x0) <= 2 and abs(y - y0) <= 2
        for (x, y), (x0, y0) in zip(after, places, strict=True)
    ), (places, after)
    pictures_at_least(dialog, 230)
    saves_above(dialog, range(2, 5), 1180)


def test_a_save_in_compare_is_undone_from_a_phones_half_of_overlaid(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 390 by 844 phone, Overlaid: variant 2 saved there over the identity's image (the
    result saved first) offers its Undo under its half, "✓ Saved" and Undo on one line inside
    the half (its caption was 0 px wide: "Saved to identity" broke after each word, Undo under
    it), with no axe violation; pressed from the keyboard, the identity's image is the first
    result again, and the focus is on the variant's Save, back in its place."""
    page, generate = ready_to_generate(
        browser, stack, ALICE_THE_EXPLORER, ratio="3:4", screen=(390, 844), touch=True
    )
    [first] = finished_click(page, generate)
    first_id = job_of(first)
    saved(first)
    cards = finished_click(page, generate, variants=2)
    cards[0].get_by_role("button", name="Compare").click()
    dialog = page.get_by_role("dialog", name="Compare the variants")
    dialog.get_by_role("button", name="Overlaid").click()
    dialog.get_by_role("button", name="Save variant 2 of 2 to identity").click()
    undo = dialog.get_by_role("button", name="Undo saving variant 2 of 2")
    expect(undo).to_be_visible(timeout=JOB_TIMEOUT_MS)

    figure = dialog.get_by_role("figure", name="Variant 2 of 2")
    expect(figure.get_by_text("Saved", exact=True)).to_be_visible()
    half, badge = box_of(figure), box_of(figure.locator("[class*='badgeOk']"))
    place = box_of(undo)
    assert 150 <= half["width"] <= 200, half
    middles = {round(box["y"] + box["height"] / 2) for box in (badge, place)}
    assert max(middles) - min(middles) <= 2, (badge, place)
    assert half["x"] <= badge["x"], (half, badge)
    assert badge["x"] + badge["width"] <= place["x"], (badge, place)
    assert place["x"] + place["width"] <= half["x"] + half["width"], (place, half)
    assert axe_violations(page) == []

    undo.focus()
    page.keyboard.press("Enter")
    save = dialog.get_by_role("button", name="Save variant 2 of 2 to identity")
    expect(save).to_be_focused(timeout=JOB_TIMEOUT_MS)
    current = page.get_by_role("img", name=re.compile(r", as it looks now$"))
    expect(current).to_have_attribute("src", re.compile(first_id), timeout=JOB_TIMEOUT_MS)
    page.context.close()


def test_compare_keeps_the_page_behind_it_still(stack: RunningStack, browser: Browser) -> None:
    """On a 1440 by 900 laptop, with Compare open, a wheel over its backdrop or over the dialog,
    or Page Down, leaves the page behind where it was (the wheel over the backdrop scrolled the
    page behind, 174 px to its end), and closing it gives the scroll back as it was: the
    wheel scrolls the page again."""
    page, generate = ready_to_generate(browser, stack, BOB_THE_JAZZ_PIANIST, ratio="1:1")
    card, _ = finished_click(page, generate, variants=2)
    page.evaluate("window.scrollTo(0, 200)")
    next_frames(page)
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
