/** A modal keeps the page behind it still: every box around it that scrolls, the window's and
 * a host's own scrolling main area, stops scrolling while it is open, and is given back as it
 * was. (That a wheel then moves nothing, and the scroll is where it was, is the browser
 * test's: jsdom scrolls nothing.) */
import { afterEach, describe, expect, it, vi } from "vitest";

import { keepPageStill } from "../stillPage";

afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.removeAttribute("style");
  vi.restoreAllMocks();
});

/** `box` as jsdom cannot lay it out: `content` px to show in `height` px. */
function sized(box: HTMLElement, content: number, height: number): HTMLElement {
  vi.spyOn(box, "scrollHeight", "get").mockReturnValue(content);
  vi.spyOn(box, "clientHeight", "get").mockReturnValue(height);
  return box;
}

/** A host's page: its main area (its overflow `mainOverflow`), holding the tab, and the modal
 * in it; the window as tall as the page. */
function hostPage({ mainOverflow }: { mainOverflow: string }) {
  const main = document.createElement("main");
  main.style.overflowY = mainOverflow;
  const tab = document.createElement("div");
  const modal = document.createElement("dialog");
  tab.append(modal);
  main.append(tab);
  document.body.append(main);
  sized(document.documentElement, 768, 768);
  return { main, tab, modal };
}

describe("keepPageStill", () => {
  it("stops a host's main area that scrolls, and gives it back as the host had it", () => {
    const { main, tab, modal } = hostPage({ mainOverflow: "auto" });
    sized(main, 3000, 700);
    sized(tab, 3000, 3000);
    const giveBack = keepPageStill(modal);
    expect(main.style.overflowY).toBe("hidden");
    // Not what does not scroll: the tab's box, the window (all of it in view).
    expect(tab.style.overflowY).toBe("");
    expect(document.documentElement.style.overflowY).toBe("");
    giveBack();
    expect(main.style.overflowY).toBe("auto");
  });

  it("stops the window's scroll when the page is longer than it", () => {
    const { modal } = hostPage({ mainOverflow: "" });
    sized(document.documentElement, 3000, 768);
    const giveBack = keepPageStill(modal);
    expect(document.documentElement.style.overflowY).toBe("hidden");
    giveBack();
    expect(document.documentElement.style.overflowY).toBe("");
  });

  it("leaves a box whose overflow shows alone, long as it is (it is not what scrolls)", () => {
    const { main, modal } = hostPage({ mainOverflow: "visible" });
    sized(main, 3000, 700);
    const giveBack = keepPageStill(modal);
    expect(main.style.overflowY).toBe("visible");
    giveBack();
  });
});
