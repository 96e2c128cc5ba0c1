"""The page's notices (offline, a click left running elsewhere) at the window's foot, and
nothing on the page moving under the admin: not as a notice comes, nor as a card's result
comes in its place."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser.measures import box_of, next_frames, top_of_window_at, uncovered
from tests.e2e.browser.steps import (
    ALICE_THE_CHEF,
    BOB_THE_JAZZ_PIANIST,
    JOB_TIMEOUT_MS,
    choose_identity,
    finished_click,
    history_read,
    log_in,
    ready_to_generate,
)
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

PHONE_AND_LAPTOP = [pytest.param((1440, 900), id="laptop"), pytest.param((390, 844), id="phone")]

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

#: Each card's height at every frame while it has no picture, and once it has: by card, so that
#: a card of an earlier click, done from the start, is not one of those `window.__heights()`
#: gives.
WATCH_CARD_HEIGHTS = """() => {
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
    log_in(page, stack, "admin", "admin-password")
    choose_identity(page, ALICE_THE_CHEF)
    add = page.get_by_role("button", name="Add photos")
    expect(add).to_be_enabled()
    history_read(page)
    page.evaluate(SETTLED)
    page.evaluate(WATCH_SHIFTS)
    before = box_of(add)
    context.set_offline(True)
    notice = page.get_by_role("alert").filter(has_text="This browser is offline.")
    expect(notice).to_be_visible()
    next_frames(page)
    assert box_of(add) == before
    assert page.evaluate("window.__shifted") == 0, page.evaluate("window.__shiftedWhat")

    user = page.get_by_role("combobox", name="User", exact=True)
    assert top_of_window_at(page, user)["y"] < 60
    assert uncovered(user), "the User select is under the notice"
    box = box_of(notice)
    assert 0 <= box["y"] <= height - box["height"], box


@pytest.mark.parametrize("screen", PHONE_AND_LAPTOP)
def test_a_click_left_running_is_said_without_moving_the_form(
    stack: RunningStack, browser: Browser, screen: tuple[int, int]
) -> None:
    """A click left running (the user's other identity chosen) is said, "Still generating for
    Alice the chef.", at the window's foot, its Show in view, and the form, the user's for both
    identities, stays where it was (the notice came under the selects and pushed the form 56 px
    down, on a laptop and on a phone)."""
    page, generate = ready_to_generate(browser, stack, ALICE_THE_CHEF, ratio="1:1", screen=screen)
    # Left running, not finished: its own words, as the pane may show an earlier click of this
    # identity as it opens.
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
    next_frames(page)
    assert form.evaluate(on_page) == before
    show = box_of(notices.get_by_role("button", name=re.compile("^Show")))
    assert 0 <= show["y"] <= screen[1] - show["height"], show


def test_show_brings_a_click_watched_from_afar_into_view_after_a_reload(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1366 by 768 laptop, a click still running on another user's identity, the page
    reloaded: Show on its notice takes the admin to it, the Result heading focused and in the
    window. (Scrolled before the user's identities came and the notice went, it left the
    heading above the window.)"""
    page, generate = ready_to_generate(
        browser, stack, ALICE_THE_CHEF, ratio="1:1", screen=(1366, 768)
    )
    # Left running: a slow click of its own words.
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
    next_frames(page)
    box = box_of(heading)
    assert 0 <= box["y"] <= 768 - box["height"], box


def test_a_card_keeps_its_height_from_the_queue_to_its_result(
    stack: RunningStack, browser: Browser
) -> None:
    """Four squares on a 1024 px tablet, two a row: each card is as tall while it waits and
    runs as once its result is in, Save, Refine and its facts under the picture (its footer came
    with the result, 132 px, and the row under it jumped down as the admin looked at it)."""
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_JAZZ_PIANIST, ratio="1:1", screen=(1024, 768)
    )
    # Watched from before the click: the cards' heights in the queue and running.
    page.evaluate(WATCH_CARD_HEIGHTS)
    finished_click(page, generate, variants=4)
    next_frames(page)
    cards: list[dict[str, Any]] = page.evaluate("window.__heights()")
    assert len(cards) == 4, cards
    for seen in cards:
        name = seen["name"]
        assert min(seen["pending"]) >= seen["done"][-1] - 2, (
            name,
            sorted(set(seen["pending"])),
            seen["done"][-1],
        )
