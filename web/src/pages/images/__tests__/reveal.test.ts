/** How the page brings something into view: as little as it takes (the browser's "nearest"
 * does not scroll one already in view), and one taller than the window from its top. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { bringOutFrom, reveal, revealResults } from "../motion";

let scrolled: unknown[] = [];
const jsdomScroll = Element.prototype.scrollIntoView; // jsdom has none
beforeEach(() => {
  scrolled = [];
  Element.prototype.scrollIntoView = function (options?: boolean | ScrollIntoViewOptions) {
    scrolled.push(typeof options === "object" ? options.block : options);
  };
});
afterEach(() => {
  Element.prototype.scrollIntoView = jsdomScroll;
  vi.restoreAllMocks();
});

/** An element whose box is `height` tall, its top `top` px under the window's. */
function box(top: number, height: number): Element {
  const element = document.createElement("div");
  vi.spyOn(element, "getBoundingClientRect").mockReturnValue({ top, height, bottom: top + height } as DOMRect);
  return element;
}

describe("reveal", () => {
  const view = globalThis.innerHeight;

  it("leaves one that fits the window to the browser's 'nearest': no scroll while it is in view", () => {
    reveal(box(view + 200, 60));
    expect(scrolled).toEqual(["nearest"]);
  });

  it("shows one taller than the window from its top, coming from below or above", () => {
    reveal(box(-2000, view * 2));
    reveal(box(view + 100, view * 2));
    expect(scrolled).toEqual(["start", "start"]);
  });

  it("leaves one taller than the window where it is while its top is in view", () => {
    reveal(box(100, view * 2));
    expect(scrolled).toEqual([]);
  });

  it("shows one from its top when its top is under the page's notices at the window's foot, though it fits the window without them", () => {
    const under = box(view - 30, view - 40);
    (under as HTMLElement).style.setProperty("--ii-notice-room", "60px"); // the page sets it on its root (see usePageNotice)
    reveal(under);
    expect(scrolled).toEqual(["start"]);
  });

  it("leaves one taller than the room between the page's notices and the window's top where it is while its top is in view", () => {
    const under = box(30, view - 40);
    (under as HTMLElement).style.setProperty("--ii-notice-room", "60px");
    reveal(under);
    expect(scrolled).toEqual([]);
  });

  it("counts a host's sticky footer under the page as it counts the page's notices", () => {
    const under = box(view - 30, view - 40);
    (under as HTMLElement).style.setProperty("--ii-host-bottom", "56px"); // a host sets it around the page
    reveal(under);
    expect(scrolled).toEqual(["start"]);
  });

  it("counts a host's sticky header over the page as it counts the page's notice", () => {
    const under = box(30, view - 40);
    (under as HTMLElement).style.setProperty("--ii-host-top", "64px"); // a host sets it around the page
    reveal(under);
    expect(scrolled).toEqual(["start"]);
  });
});

describe("revealResults", () => {
  /** The window as wide as `oneColumn` says: the pane beside the form, or under it. */
  function layout(oneColumn: boolean) {
    vi.stubGlobal("matchMedia", (query: string) => ({ matches: query === "(width < 900px)" && oneColumn }));
  }
  afterEach(() => vi.unstubAllGlobals());

  it("brings the pane under the form to the top of the screen, not its title to the screen's foot", () => {
    layout(true);
    revealResults(box(500, 300));
    expect(scrolled).toEqual(["start"]);
  });

  it("scrolls the pane beside the form as little as it takes", () => {
    layout(false);
    revealResults(box(100, 300));
    expect(scrolled).toEqual(["nearest"]);
  });

  it("follows the page's width, not the window's: in a host beside its sidebar, a wide window's page can be one column", () => {
    layout(false); // the window is wide
    const page = document.body.appendChild(document.createElement("div"));
    page.setAttribute("data-images-tab", "");
    try {
      const pane = page.appendChild(box(500, 300));
      vi.spyOn(page, "getBoundingClientRect").mockReturnValue({ width: 750 } as DOMRect);
      revealResults(pane);
      vi.spyOn(page, "getBoundingClientRect").mockReturnValue({ width: 1168 } as DOMRect);
      revealResults(pane);
      expect(scrolled).toEqual(["start", "nearest"]);
    } finally {
      page.remove();
    }
  });
});

describe("bringOutFrom", () => {
  it("brings a field out from under a bar stuck at the window's foot and from under what the bar stands on (the page's notices)", () => {
    // Generate's bar, 120 px tall, standing on the page's notices, which take 66 px of the foot.
    const bar = box(600, 120) as HTMLElement;
    bar.style.position = "sticky";
    bar.style.bottom = "66px";
    vi.spyOn(bar, "offsetHeight", "get").mockReturnValue(120);
    const field = box(560, 88) as HTMLElement;
    let margin = "";
    field.scrollIntoView = (options?: boolean | ScrollIntoViewOptions) => {
      margin = field.style.scrollMarginBottom;
      scrolled.push(typeof options === "object" ? options.block : options);
    };
    bringOutFrom(bar, field);
    // Its foot comes to rest 12 px over the bar's top: the bar, and the notices under it.
    expect(scrolled).toEqual(["nearest"]);
    expect(margin).toBe("198px");
    expect(field.style.scrollMarginBottom).toBe("");
  });

  it("clears the fade above a stuck bar too: a field resting in it would be washed out", () => {
    // The bar's top at 600, a 32 px fade over it; a field whose foot is at 588, inside the fade.
    const bar = box(600, 120) as HTMLElement;
    bar.style.position = "sticky";
    bar.style.setProperty("--bar-fade", "32px");
    vi.spyOn(bar, "offsetHeight", "get").mockReturnValue(120);
    const field = box(500, 88) as HTMLElement;
    let margin = "";
    field.scrollIntoView = () => {
      margin = field.style.scrollMarginBottom;
      scrolled.push("nearest");
    };
    bringOutFrom(bar, field);
    // 120 (the bar) + 32 (its fade) + 12.
    expect(margin).toBe("164px");
  });
});
