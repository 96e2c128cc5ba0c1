"""The page's notices (offline, a click left running elsewhere) at the window's foot, and
nothing on the page moving under the admin: not as a notice comes, nor as a card's result
comes in its place, nor as older generations come late; and a new visit finds the pane's
click as it was left."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.e2e.browser.measures import box_of, next_frames, top_of_window_at, uncovered
from tests.e2e.browser.steps import (
    ALICE_THE_CHEF,
    ALICE_THE_EXPLORER,
    BOB_THE_ASTRONAUT,
    BOB_THE_JAZZ_PIANIST,
    JOB_TIMEOUT_MS,
    choose_identity,
    finished_click,
    history_read,
    log_in,
    ready_to_generate,
    variant,
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
            const seen = cards.get(card)
                ?? {name: card.ariaLabel, pending: [], done: [], starts: []};
            cards.set(card, seen);
            seen[state].push(Math.round(card.getBoundingClientRect().height));
            // Where each row of the footer's shapes starts, while they hold its room.
            const room = card.querySelector('[class*="footerRoom"]');
            if (room) {
                const rows = [...room.children].map((row) => row.firstElementChild ?? row);
                const left = (first) => Math.round(first.getBoundingClientRect().left);
                seen.starts.push(rows.map(left));
            }
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


def test_a_new_visit_finds_the_click_with_its_re_run_beside_its_card(
    stack: RunningStack, browser: Browser
) -> None:
    """A click of two, variant 1 re-run from its card (it joins the click, after variant 1),
    then the page opened in a new browser context (nothing in its sessionStorage) on that
    identity: the pane shows the click as it was left, its two variants and the re-run after
    the first, as the history tells it (it showed the re-run alone, one "New image" card)."""
    page, generate = ready_to_generate(browser, stack, BOB_THE_ASTRONAUT, ratio="1:1")
    first = finished_click(page, generate, variants=2, prompt="a walk on the moon")[0]
    with page.expect_response(
        lambda answer: answer.request.method == "POST" and answer.url.endswith("/rerun")
    ) as started:
        first.get_by_role("button", name="Re-run, variant 1 of 2").click()
    rerun_id = started.value.json()["items"][0]["id"]
    rerun = page.get_by_role("article", name="Re-run of variant 1")
    expect(rerun.get_by_role("img")).to_have_attribute(
        "src", re.compile(re.escape(rerun_id)), timeout=JOB_TIMEOUT_MS
    )
    cards = page.get_by_role("region", name="Result").get_by_role("article")
    left = cards.evaluate_all("cards => cards.map((card) => card.dataset.jobId)")
    assert len(left) == 3, left
    assert left[1] == rerun_id, left

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        visit = context.new_page()
        log_in(visit, stack, "admin", "admin-password")
        choose_identity(visit, BOB_THE_ASTRONAUT)
        pane = visit.get_by_role("region", name="Result")
        # Each card named as the tab that made them named it, the re-run's picture its own.
        for name in ("Variant 1 of 2", "Re-run of variant 1", "Variant 2 of 2"):
            expect(pane.get_by_role("article", name=name)).to_be_visible(timeout=30_000)
        again = pane.get_by_role("article", name="Re-run of variant 1").get_by_role("img")
        expect(again).to_have_attribute("src", re.compile(re.escape(rerun_id)))
        found = pane.get_by_role("article").evaluate_all(
            "cards => cards.map((card) => card.dataset.jobId)"
        )
        assert found == left, (found, left)
    finally:
        context.close()


def test_a_card_keeps_its_height_from_the_queue_to_its_result(
    stack: RunningStack, browser: Browser
) -> None:
    """Four squares on a 1024 px tablet, two a row: each card is as tall while it waits and
    runs as once its result is in, Save, Refine and its facts under the picture (its footer came
    with the result, 132 px, and the row under it jumped down as the admin looked at it); the
    shapes that hold that room start their rows on one line (Refine's started 4 px left)."""
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
        assert seen["starts"], name
        assert all(len(set(starts)) == 1 for starts in seen["starts"]), (name, seen["starts"])


def _clear_of_the_notices(control: Locator, notices: Locator) -> None:
    """`control` drawn whole above the page's `notices` at the window's foot: what is drawn at
    its middle and at each of its corners (4 px in, inside a rounded one) is `control`, not a
    notice over it."""
    box, foot = box_of(control), box_of(notices)
    assert box["y"] + box["height"] <= foot["y"], (box, foot)
    x0, y0 = box["x"] + 4, box["y"] + 4
    x1, y1 = box["x"] + box["width"] - 4, box["y"] + box["height"] - 4
    for x, y in (((x0 + x1) / 2, (y0 + y1) / 2), (x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        drawn = control.evaluate(
            "(c, [x, y]) => c.contains(document.elementFromPoint(x, y))", [x, y]
        )
        assert drawn, f"something is drawn over {control} at {(x, y)}"


@pytest.mark.parametrize(
    "screen", [pytest.param((390, 844), id="390x844"), pytest.param((320, 568), id="320x568")]
)
def test_on_a_phone_generate_stands_on_the_pages_notice(
    stack: RunningStack, browser: Browser, screen: tuple[int, int]
) -> None:
    """On a 390 by 844 and a 320 by 568 phone, the offline notice at the window's foot: the
    page scrolled so that Generate's place is anywhere in the window's foot the notice takes,
    Generate is drawn whole above the notice (it was under it, and the admin scrolled on to
    find it); and the prompt, its top in view over Generate's bar and the rest under the bar
    and the notice, tapped, comes out above them both."""
    height = screen[1]
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_ASTRONAUT, ratio="1:1", screen=screen
    )
    page.evaluate("window.scrollTo(0, 0)")
    next_frames(page)
    # Where Generate's button ends on the page, with no notice.
    place = generate.evaluate("g => g.getBoundingClientRect().bottom + window.scrollY")
    page.context.set_offline(True)
    notice = page.get_by_role("alert").filter(has_text="This browser is offline.")
    expect(notice).to_be_visible()
    next_frames(page)
    room = height - box_of(notice)["y"]
    for over_the_edge in (2, room / 3, 2 * room / 3, room - 2):
        # Generate's place this far over the window's edge: the window would show it whole.
        page.evaluate("y => window.scrollTo(0, y)", place - height + over_the_edge)
        next_frames(page)
        _clear_of_the_notices(generate, notice)

    # The prompt's top in view just above Generate's bar (its top 16 px over the button): the
    # rest of it under the bar and the notice.
    prompt = page.get_by_role("textbox", name="Prompt", exact=True)
    prompt.evaluate(
        "(p, g) => window.scrollBy(0, p.getBoundingClientRect().top"
        " - (g.getBoundingClientRect().top - 16 - 24))",
        generate.element_handle(),
    )
    next_frames(page)
    box = box_of(prompt)
    page.mouse.click(box["x"] + 20, box["y"] + 6)
    expect(prompt).to_be_focused()
    page.wait_for_function(
        "([p, g]) => p.getBoundingClientRect().bottom <= g.getBoundingClientRect().top - 16",
        arg=[prompt.element_handle(), generate.element_handle()],
        timeout=3_000,
    )
    _clear_of_the_notices(prompt, notice)
    page.context.set_offline(False)


def _covered_in(page: Page, region: Locator) -> list[str]:
    """The names of `region`'s buttons and links whose middle is in the window and has
    something else drawn over it (a notice at the window's foot)."""
    covered: list[str] = region.evaluate(
        """region => [...region.querySelectorAll("button, a[href]")].filter((control) => {
            const box = control.getBoundingClientRect();
            const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
            if (box.width === 0 || y < 0 || y >= innerHeight) return false;
            return !control.contains(document.elementFromPoint(x, y));
        }).map((control) => control.getAttribute("aria-label") || control.textContent.trim())"""
    )
    return covered


@pytest.mark.parametrize(
    "screen", [pytest.param((1440, 900), id="1440x900"), pytest.param((1366, 768), id="1366x768")]
)
def test_on_a_laptop_the_pages_notice_covers_no_result(
    stack: RunningStack, browser: Browser, screen: tuple[int, int]
) -> None:
    """On a 1440 by 900 and a 1366 by 768 laptop, offline with a 16:9 result and then three
    3:4 variants in the pane beside the form, the first screen: no button or link of the result
    pane is under the offline notice (it stood over the pane's column and hid the 16:9
    result's Save and Download on both, and the three variants' on the smaller one), and
    Generate stands on it; what it covers of the history comes out at the page's end."""
    page, generate = ready_to_generate(
        browser, stack, BOB_THE_ASTRONAUT, ratio="16:9", screen=screen
    )
    pane = page.get_by_role("region", name="Result")
    notice = page.get_by_role("alert").filter(has_text="This browser is offline.")
    for ratio, count in (("16:9", 1), ("3:4", 3)):
        finished_click(
            page,
            generate,
            variants=count,
            ratio=ratio,
            prompt=f"a laptop's notice over {count} of {ratio}",
        )
        page.evaluate("window.scrollTo(0, 0)")
        page.context.set_offline(True)
        expect(notice).to_be_visible()
        next_frames(page)
        saves = pane.get_by_role("button", name=re.compile("^Save to identity"))
        expect(saves).to_have_count(count)
        covered = _covered_in(page, pane)
        assert covered == [], (ratio, count, covered)
        _clear_of_the_notices(generate, notice)
        box = box_of(notice)
        assert box["y"] + box["height"] <= screen[1], box
        page.context.set_offline(False)
        expect(notice).to_have_count(0)
    # What it covers of the history, under the form, comes out with a scroll: at the page's
    # end the history's foot is above it.
    page.context.set_offline(True)
    expect(notice).to_be_visible()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    next_frames(page)
    history, box = box_of(page.get_by_role("region", name="History")), box_of(notice)
    assert history["y"] + history["height"] <= box["y"], (history, box)
    page.context.set_offline(False)


# Sums the layout shifts the page makes from now on that the admin did not cause (as the
# browser's Cumulative Layout Shift counts them: not within half a second of a click or a key).
WATCH_UNASKED_SHIFTS = """() => {
  window.__unasked = 0;
  window.__unaskedWhat = [];
  new PerformanceObserver((list) => {
    for (const shift of list.getEntries()) {
      if (shift.hadRecentInput) continue;
      window.__unasked += shift.value;
      for (const {node} of shift.sources) window.__unaskedWhat.push(node?.outerHTML?.slice(0, 120));
    }
  }).observe({type: "layout-shift"});
}"""

#: How long the history's older page is held on its way: a read that answers in more than half
#: a second (a slow network, a Lambda's cold start), whose rows come after the click's grace.
OLDER_READ_MS = 1_500


@pytest.mark.parametrize("screen", PHONE_AND_LAPTOP)
def test_show_older_generations_moves_nothing_in_view_as_the_older_rows_come(
    stack: RunningStack, browser: Browser, screen: tuple[int, int]
) -> None:
    """On a 1440 by 900 laptop and a 390 by 844 phone, Show older generations at the window's
    foot, its page read in 1.5 s: the rows come where it was and nothing in view moves as they
    do. The button stayed in view saying "Loading older generations…" and the rows pushed it
    out of the window as they came, late: a layout shift of 0.034 (0.037 on the phone), the
    admin's click too long before to account for it. The first row brought has the focus."""
    page, generate = ready_to_generate(
        browser, stack, ALICE_THE_EXPLORER, ratio="1:1", screen=screen
    )
    for _ in range(5):
        finished_click(page, generate, variants=4)

    # The history read 8 jobs at a time (the page's own reads ask 20): two clicks of four a
    # page, taller than the window, so that five clicks make older pages, the first of them not
    # the last (its button stays, under its rows); an older page held on its way.
    def small_slow_pages(route: Route) -> None:
        url = re.sub(r"\blimit=\d+", "limit=8", route.request.url)
        if "cursor=" in url:
            page.wait_for_timeout(OLDER_READ_MS)
        route.continue_(url=url)

    page.route(re.compile(r".*/v1/generations\?"), small_slow_pages)
    page.reload()
    history = page.get_by_role("region", name="History")
    older = history.get_by_role("button", name="Show older generations")
    expect(older).to_be_visible(timeout=30_000)
    rows = history.locator("li[data-job-id]")
    read = rows.count()
    older.scroll_into_view_if_needed()
    page.evaluate(SETTLED)
    page.evaluate(WATCH_UNASKED_SHIFTS)
    older.click()
    expect(rows).not_to_have_count(read, timeout=30_000)
    expect(older).to_be_attached()  # a page that is not the last: its button under its rows
    page.evaluate(SETTLED)
    expect(rows.nth(read)).to_be_focused()
    assert page.evaluate("window.__unasked") < 0.01, page.evaluate("window.__unaskedWhat")


#: The API's answer to a fault inside it (`handlers/api.py`'s `handle_unexpected`).
INTERNAL_ERROR = {
    "error": {
        "code": "internal_error",
        "message": "Something went wrong on our side.",
        "details": {},
    }
}


@pytest.mark.parametrize("screen", PHONE_AND_LAPTOP)
def test_a_history_that_cannot_be_read_says_so_and_the_pane_invites_nothing(
    stack: RunningStack, browser: Browser, screen: tuple[int, int]
) -> None:
    """On a 1440 by 900 laptop and a 390 by 844 phone, an identity with generations whose
    history the API answers with a 500: the history says it could not be read and that the page
    keeps trying, and says it still a few tries later; the result pane never says "Your
    generated images will appear here." (it said so, and the history "Loading the history…",
    for as long as the API failed). Once the API answers, the history shows the generation."""
    page, generate = ready_to_generate(browser, stack, ALICE_THE_CHEF, ratio="1:1", screen=screen)
    finished_click(page, generate)

    def failing(route: Route) -> None:
        route.fulfill(status=500, json=INTERNAL_ERROR)

    list_reads = re.compile(r".*/v1/generations\?")  # the history's, not a job's own
    page.route(list_reads, failing)
    # As a new tab: this one's own click, kept through a reload, is read by its jobs and shown
    # in the pane without the history (whether its read or the history's failure came first
    # was a race the test lost one time in three).
    page.evaluate("sessionStorage.clear()")
    page.reload()
    history = page.get_by_role("region", name="History")
    pane = page.get_by_role("region", name="Result")
    said = history.get_by_role("alert")
    expect(said).to_have_text(
        "The history could not be read: the API answered 500 (Something went wrong on our side)."
        " The page keeps trying.",
        timeout=10_000,
    )
    expect(pane).to_contain_text("Alice the chef's latest generations could not be read yet.")
    # A few tries on (one every 3 s), each a first load again: said still, and never the
    # invitation of an identity with none.
    for _ in range(14):
        page.wait_for_timeout(500)
        expect(said).to_be_visible(timeout=100)
        expect(pane.get_by_text("will appear here")).to_have_count(0, timeout=100)
        expect(history.get_by_text("Loading the history…")).to_have_count(0, timeout=100)

    page.unroute(list_reads, failing)
    expect(history.get_by_role("listitem").first).to_be_visible(timeout=10_000)
    expect(said).to_have_count(0)
    page.close()


def test_a_generate_whose_answer_the_connection_lost_is_followed_once_back_online(
    stack: RunningStack, browser: Browser
) -> None:
    """2 variants at 1K: the service answers 202, and the connection drops while the answer is
    on its way back. The page says the click may have started, not "Nothing was started" (it
    said so for 40 s after the browser was back, while the history listed the click as Done
    with its cost); back online, the pane shows the click's two variants and the alert goes."""
    page, generate = ready_to_generate(browser, stack, ALICE_THE_CHEF, ratio="1:1")
    page.get_by_role("combobox", name="Variants", exact=True).select_option("2")
    page.get_by_role("textbox", name="Prompt", exact=True).fill("an answer lost on the way back")
    started: list[Any] = []

    def answer_lost(route: Route) -> None:
        started.append(route.fetch().json())
        page.context.set_offline(True)
        route.abort()

    page.route(re.compile(r".*/v1/generation-batches$"), answer_lost, times=1)
    generate.click()
    alert = page.get_by_role("region", name="New generation").get_by_role("alert")
    expect(alert).to_contain_text("the generation may have started all the same")
    expect(alert).not_to_contain_text("Nothing was started")

    page.context.set_offline(False)
    jobs = sorted(started[0]["items"], key=lambda job: job["batch_index"])
    assert len(jobs) == 2, jobs
    for n, job in enumerate(jobs, start=1):
        picture = variant(page, n, 2).get_by_role("img")
        expect(picture).to_have_attribute(
            "src", re.compile(re.escape(job["id"])), timeout=JOB_TIMEOUT_MS
        )
    expect(alert).to_have_count(0)
