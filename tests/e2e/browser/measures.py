"""What the browser tests read off the page as it is drawn: boxes and the lines they share,
styles, what is on top at a point, and axe-core's violations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FloatRect, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

REPO = Path(__file__).resolve().parents[3]
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"


def next_frames(page: Page) -> None:
    """Two frames drawn: what the page measures on a layout change (a ResizeObserver) is on
    screen."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def box_of(element: Locator) -> FloatRect:
    """Where `element` is drawn, in the window's CSS pixels (it must be drawn)."""
    box = element.bounding_box()
    assert box is not None, f"{element} is not drawn"
    return box


def job_of(card: Locator) -> str:
    """The job whose result `card` shows (its picture's address names it)."""
    src = card.get_by_role("img").get_attribute("src") or ""
    found = re.search(r"[0-9a-f]{32}", src)
    assert found, src
    return found.group(0)


def apart(first: Locator, second: Locator) -> float:
    """The room between `first` and `second` as drawn, across or down, whichever they are
    apart on: positive when neither touches the other, 0 or less when they touch or overlap."""
    a, b = box_of(first), box_of(second)
    across = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]))
    down = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]))
    return max(across, down)


# The text of each line an element's words are drawn on: each character's box, by its top
# (within a few pixels: a button's words among plain ones sit a pixel apart), left to right.
# Characters kept for a screen reader only (in a box of 1 px, clipped) are not drawn.
_LINES = """element => {
    const drawn = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.getBoundingClientRect().width <= 1) continue;
        for (let i = 0; i < node.data.length; i += 1) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const box = range.getBoundingClientRect();
            if (box.width > 0) drawn.push({ char: node.data[i], top: box.top, left: box.left });
        }
    }
    drawn.sort((a, b) => a.top - b.top);
    const lines = [];
    for (const each of drawn) {
        const line = lines.at(-1);
        if (line && each.top - line.top < 5) line.chars.push(each);
        else lines.push({ top: each.top, chars: [each] });
    }
    return lines.map(line =>
        line.chars.sort((a, b) => a.left - b.left).map(each => each.char).join("").trim()
    );
}"""


def text_lines(element: Locator) -> list[str]:
    """`element`'s words as drawn, line by line, top to bottom."""
    lines: list[str] = element.evaluate(_LINES)
    return lines


def one_line(boxes: list[Locator]) -> set[int]:
    """The tops of `boxes` as the page draws them: one value when they share a line."""
    return {round(box_of(locator)["y"]) for locator in boxes}


def follow_ups(card: Locator) -> None:
    """Checks that what follows a result on its card (Refine, Compare, Re-run) shares one line
    inside the card."""
    links = [
        card.get_by_role("button", name=re.compile(f"^{words},"))
        for words in ("Refine", "Compare", "Re-run")
    ]
    assert len(one_line(links)) == 1, [box_of(link) for link in links]
    last, edge = box_of(links[-1]), box_of(card)
    assert last["x"] + last["width"] <= edge["x"] + edge["width"], (last, edge)


def save_beside_download(card: Locator) -> FloatRect:
    """Where a card's Save is drawn, checked to share a line with its Download."""
    save = box_of(card.get_by_role("button", name="Save to identity"))
    download = box_of(card.get_by_role("link", name="Download"))
    assert save["y"] == pytest.approx(download["y"], abs=2), (save, download)
    return save


#: The fade over the Generate bar stuck at a laptop window's foot (`--bar-fade`), into which
#: what runs under the bar goes: a field brought out clears it too.
BAR_FADE = 32


def bar_top(generate: Locator) -> float:
    """The top of the bar that Generate (`generate`, the button) stands in, as drawn: its
    padding over the button is 16 px at rest, 12 stuck at a laptop window's foot."""
    return box_of(generate.locator("xpath=ancestor::div[contains(@class, 'generate')][1]"))["y"]


def clear_of(field: Locator, bar: Locator) -> None:
    """`field` drawn above the sticky Generate bar (`bar` is its button) and, while the bar is
    stuck, the fade over it; not under them."""
    box = box_of(field)
    fade = bar.page.locator("span[class*='fade']").first
    stuck = fade.evaluate("fade => getComputedStyle(fade).opacity") == "1"
    room = BAR_FADE if stuck else 0
    assert box["y"] + box["height"] <= bar_top(bar) - room, (box, bar_top(bar), stuck)


def shape_of(image: Locator) -> float:
    """Width over height of the box the page draws `image` in."""
    box = box_of(image)
    return box["width"] / box["height"]


def top_of_window_at(page: Page, element: Locator) -> FloatRect:
    """The page scrolled so that `element` is at the window's top (as far as the page scrolls):
    its box there."""
    element.evaluate("e => window.scrollBy(0, e.getBoundingClientRect().top - 4)")
    next_frames(page)
    return box_of(element)


def uncovered(element: Locator, timeout_ms: float = 5_000) -> bool:
    """Whether what is drawn at `element`'s middle is `element` (nothing over it), or comes to
    be within `timeout_ms`: its box and what is at its middle are read in one go, as a page
    still laying out (what a fresh stack answers late, a query failing offline) may move it
    between two reads."""
    try:
        element.page.wait_for_function(
            """e => {
                const box = e.getBoundingClientRect();
                return e.contains(
                    document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)
                );
            }""",
            arg=element.element_handle(),
            timeout=timeout_ms,
        )
    except PlaywrightTimeoutError:
        return False
    return True


def style(element: Locator, name: str) -> str:
    """`element`'s computed style `name` (camelCase), as the browser draws it."""
    return str(element.evaluate(f"e => getComputedStyle(e).{name}"))


def system_colour(page: Page, name: str) -> str:
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


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds wrong with the page as it is now (none is the aim): each rule's id,
    its help and the elements it names."""
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def compare_in_view(page: Page, cards: list[Locator], *, lines: int, height: int) -> Locator:
    """Compare from the first of a click's four variants, with the current image: the five
    pictures on `lines` lines, every Save above a window `height` px tall. The dialog."""
    cards[0].get_by_role("button", name="Compare").click()
    dialog = page.get_by_role("dialog", name="Compare the variants")
    figures = dialog.get_by_role("figure")
    expect(figures).to_have_count(5)
    for figure in figures.all():
        expect(figure.get_by_role("img")).to_be_visible()
    assert len(one_line(figures.all())) == lines
    saves_above(dialog, range(1, 5), height)
    return dialog


def saves_above(dialog: Locator, variants: range, height: int) -> None:
    """The Compare `dialog`'s Saves of the four `variants` end above a window `height` px tall."""
    for n in variants:
        box = box_of(dialog.get_by_role("button", name=f"Save variant {n} of 4 to identity"))
        assert box["y"] + box["height"] <= height, box


def pictures_at_least(dialog: Locator, width: float) -> None:
    """Every picture of the Compare `dialog` is at least `width` px wide."""
    for figure in dialog.get_by_role("figure").all():
        box = box_of(figure.get_by_role("img"))
        assert box["width"] >= width, box


def heic_tile_words_clear(page: Page, name: str) -> None:
    """The tile of the HEIC photo `name` once sent (Chromium draws no HEIC): its placeholder's
    letters "HEIC" clear of the grey mark in its top right corner, on the mark's line, and the
    letters, the mark and the note under them ("no preview in this browser") each whole in the
    picture's square."""
    photos = page.get_by_role("list", name="Selected photos", exact=True)
    sent = photos.get_by_role("listitem").filter(has_text=name)
    expect(sent).to_contain_text("Checked at Generate", timeout=30_000)
    thumb = sent.locator("div[class*='thumb']").first
    mark = thumb.locator("span[class*='sentUnchecked']")
    letters = thumb.get_by_text("HEIC", exact=True)
    note = thumb.locator("[class*='placeholderNote']")
    assert apart(mark, letters) >= 4, (box_of(mark), box_of(letters))
    square, mark_box, letters_box = box_of(thumb), box_of(mark), box_of(letters)
    for part in (mark_box, letters_box, box_of(note)):
        assert square["x"] <= part["x"], (part, square)
        assert part["x"] + part["width"] <= square["x"] + square["width"], (part, square)
        assert square["y"] <= part["y"], (part, square)
        assert part["y"] + part["height"] <= square["y"] + square["height"], (part, square)
    assert letters_box["y"] < mark_box["y"] + mark_box["height"], (letters_box, mark_box)


def photo_size(page: Page, name: str) -> str:
    """What the form's tile of the photo `name` says of its size once it is uploaded, or
    brought back from a generation ("62 KB")."""
    photos = page.get_by_role("list", name="Selected photos", exact=True)
    tile = photos.get_by_role("listitem").filter(has_text=name)
    # Its state's words: the size, then what the thumbnail's mark shows, said only.
    state = tile.get_by_text(re.compile(r"^\d+(\.\d)? (B|KB|MB)\b"))
    expect(state).to_be_visible(timeout=30_000)
    size = re.match(r"\d+(\.\d)? (B|KB|MB)", state.inner_text())
    assert size is not None, state.inner_text()
    return size[0]
