"""Which file the browser loads for a picture: the smallest rendition that covers its box at
the screen's density, for the history's pictures (a result card's on a 2x screen is in
`test_layout_on_laptops`)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Locator, expect

from tests.e2e.browser.measures import box_of
from tests.e2e.browser.steps import (
    BOB_THE_ASTRONAUT,
    JOB_TIMEOUT_MS,
    SeededIdentity,
    admins_page,
    ready_to_generate,
    row_done,
)
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


def _file_taken(image: Locator) -> tuple[str, int, float]:
    """The file the browser took for the lazily loaded `image` (its name), that file's width in
    pixels, and the width the page draws `image` at (CSS px)."""
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible(timeout=JOB_TIMEOUT_MS)
    image.evaluate("img => img.decode()")
    source: str = image.evaluate("img => img.currentSrc")
    # The file's own width (`naturalWidth` is the width its srcset descriptor gives it).
    pixels: int = image.evaluate(
        """img => new Promise((read, failed) => {
          const file = new Image();
          file.onload = () => read(file.naturalWidth);
          file.onerror = failed;
          file.src = img.currentSrc;
        })"""
    )
    return urlparse(source).path.rsplit("/", 1)[1], pixels, box_of(image)["width"]


def _results_then_a_refused_click(
    browser: Browser, stack: RunningStack, whose: SeededIdentity, prompts: dict[str, str]
) -> None:
    """A result for `whose` at each ratio of `prompts` (ratio: prompt), then a click Gemini
    refuses: the result pane, which a new page fills with the newest click, holds no picture,
    so the history's pictures are the page's only ones of these results (a browser that has a
    sharper file of a picture takes it where another would do)."""
    page, generate = ready_to_generate(browser, stack, whose, ratio=next(iter(prompts)))
    ratio = page.get_by_role("combobox", name="Aspect ratio", exact=True)
    prompt = page.get_by_label("Prompt", exact=True)
    rows = page.get_by_role("region", name="History").get_by_role("list").first
    for shape, words in prompts.items():
        ratio.select_option(shape)
        prompt.fill(words)
        generate.click()
        row = rows.get_by_role("listitem").filter(has_text=words)
        row_done(row)
    prompt.fill("[simulate:prompt_blocked] nothing to see")
    generate.click()
    refused = page.get_by_role("article", name="New image").filter(has_text="Gemini refused")
    expect(refused).to_be_visible(timeout=JOB_TIMEOUT_MS)
    page.close()


def test_the_history_loads_each_picture_s_smallest_file_that_covers_it_at_1x_and_2x(
    stack: RunningStack, browser: Browser
) -> None:
    """On a 1440 by 900 laptop, of a 1x and of a 2x screen. A 16:9 result's history thumbnail
    is 192 CSS px wide, 384 device px at 2x: the small rendition (384 px) covers it on both,
    and the page loads it, not the 768 px preview (some three times its bytes) that every
    history picture loaded. In Results only a 9:16 result is drawn 165 CSS px wide in its
    220 px column, and its picture's box is that wide, which the browser measures: the small
    rendition (216 px wide) at 1x, the preview (432 px) at 2x; its box was the column's, and it
    took the preview at 1x, the large rendition at 2x."""
    wide, upright = "a wide thumbnail's own file", "an upright tile's own file"
    _results_then_a_refused_click(
        browser, stack, BOB_THE_ASTRONAUT, {"16:9": wide, "9:16": upright}
    )
    for scale in (1, 2):
        page = admins_page(browser, stack, BOB_THE_ASTRONAUT, scale=scale)
        history = page.get_by_role("region", name="History")
        rows = history.get_by_role("list").first.get_by_role("listitem")
        name, pixels, width = _file_taken(rows.filter(has_text=wide).first.locator("img"))
        assert name.endswith(".small.jpg"), (scale, name)
        assert width == pytest.approx(192, abs=1), (scale, width)
        assert pixels >= width * scale, (scale, pixels, width)

        history.get_by_role("button", name="Results only").click()
        tiles = history.get_by_role("list", name="Results").get_by_role("listitem")
        image = tiles.filter(has_text=upright).first.locator("img")
        name, pixels, width = _file_taken(image)
        box = box_of(image)
        assert width == pytest.approx(box["height"] * 9 / 16, abs=2), (scale, box)
        assert name.endswith((".small.jpg", ".preview.jpg")[scale - 1]), (scale, name)
        assert pixels >= width * scale, (scale, pixels, width)
        page.close()
