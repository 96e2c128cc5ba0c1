"""The tab inside a host's page: under a legacy admin's global stylesheet, beside a host's
sidebar, and under a host's sticky header or over its sticky footer, as docs/images-tab.md
asks a host to say them (`--ii-host-top`, `--ii-host-bottom`)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser.measures import box_of, next_frames, one_line, style, uncovered
from tests.e2e.browser.steps import ALICE_THE_CHEF, choose_identity, log_in, portraits
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

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
    log_in(page, stack, "admin", "admin-password")
    assert page.evaluate("document.head.firstElementChild.id") == "host-css"
    choose_identity(page, ALICE_THE_CHEF)
    page.get_by_label("Reference photos", exact=True).set_input_files(portraits("p0.jpg", "p1.jpg"))
    remove = page.get_by_role("button", name="Remove p0.jpg")
    expect(remove).to_be_visible()

    tiles = page.get_by_role("list", name="Selected photos").get_by_role("listitem")
    assert len(one_line([*tiles.all(), page.get_by_role("button", name="Add photos")])) == 1
    heading = page.get_by_role("heading", name="Reference photos")
    assert style(heading, "textTransform") == "none"
    assert style(heading, "fontSize") == "15px"
    remove_box = box_of(remove)
    assert remove_box["width"] < 80, remove_box
    assert style(tiles.first.locator("img"), "borderTopWidth") == "0px"
    # The page's 1.45, not the host's `p { line-height: 2 }`.
    hint = page.locator("p", has_text="Up to 5 photos, 15 MB each.")
    size, height = (
        float(style(hint, name).removesuffix("px")) for name in ("fontSize", "lineHeight")
    )
    assert height / size < 1.6, (size, height)
    shortcut = page.locator("kbd")
    assert style(shortcut, "backgroundColor") == "rgba(0, 0, 0, 0)"
    # A dark host: the page's title stands on the page's own light ground, not the host's.
    root = page.locator("[data-images-tab]")
    assert style(root, "backgroundColor") == "rgb(246, 247, 249)"
    assert style(page.get_by_role("heading", name="Images", level=1), "color") == "rgb(28, 36, 48)"
    assert style(root, "colorScheme") == "light"


def test_the_page_lays_itself_out_by_its_own_width_in_a_host_with_a_sidebar(
    stack: RunningStack, browser: Browser
) -> None:
    """A 1024 px window whose host keeps 240 px for its sidebar leaves the page a tablet's
    room: the result pane goes under the form, at the page's width, as on a tablet (laid out
    by the window's width, the form kept 400 px and the pane was left 336 px beside it)."""
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    log_in(page, stack, "admin", "admin-password")
    root = page.locator("[data-images-tab]")
    expect(page.get_by_role("region", name="New generation")).to_be_visible()
    root.evaluate("page => { page.style.marginLeft = '240px'; }")
    page_box, form, pane = (
        box_of(element)
        for element in (
            root,
            page.get_by_role("region", name="New generation"),
            page.get_by_role("region", name="Result"),
        )
    )
    assert page_box["width"] < 900, page_box
    assert pane["y"] >= form["y"] + form["height"], (form, pane)
    assert form["width"] > page_box["width"] - 60, (page_box, form)


def test_the_pages_notice_is_in_view_in_a_host_with_a_sticky_header(
    stack: RunningStack, browser: Browser
) -> None:
    """A host with a 64 px sticky header says so (`--ii-host-top`): scrolled down and offline,
    the page's notice is in view, not behind that header (stuck at the window's top, it was
    once at 8 px, behind it; it is at the window's foot now)."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    log_in(page, stack, "admin", "admin-password")
    expect(page.get_by_role("region", name="New generation")).to_be_visible()
    _host_bar(page, "top", 64)
    page.evaluate("() => { document.body.style.paddingBottom = '2000px'; scrollTo(0, 400); }")
    context.set_offline(True)
    notice = page.get_by_role("alert").filter(has_text="This browser is offline.")
    expect(notice).to_be_visible()
    next_frames(page)
    box = box_of(notice)
    assert box["y"] >= 64, box
    assert uncovered(notice), "the notice is under the host's header"


def test_generate_and_the_pages_notice_stand_over_a_hosts_sticky_footer(
    stack: RunningStack, browser: Browser
) -> None:
    """A host with a 56 px sticky footer says so (`--ii-host-bottom`): on a 1440 by 900
    laptop, the form's Generate bar, stuck at the window's foot while the form runs past it,
    and the page's offline notice stand over that footer, not behind it (both were at the
    window's very foot, under the footer)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, stack, "admin", "admin-password")
    expect(page.get_by_role("region", name="New generation")).to_be_visible()
    _host_bar(page, "bottom", 56)
    generate = page.get_by_role("button", name="Generate", exact=True)
    context.set_offline(True)
    notice = page.get_by_role("alert").filter(has_text="This browser is offline.")
    expect(notice).to_be_visible()
    next_frames(page)
    for part, role in ((generate, "button"), (notice, "alert")):
        box = box_of(part)
        assert box["y"] + box["height"] <= 900 - 56, (role, box)
        assert uncovered(part), f"the {role} is under the host's footer"
