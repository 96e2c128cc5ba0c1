/**
 * What a click did is said where a sighted admin sees it, as a screen reader says it: the
 * notice comes into view as it is said (as little as it takes: the browser's "nearest" does
 * not scroll one already in view), wherever the click was. A notice already said, seen again
 * on coming back, does not move the page.
 */
import { onlineManager } from "@tanstack/react-query";
import { act, screen, waitFor, within } from "@testing-library/react";
import { HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { API, historyOf, http, job, succeeded } from "../../../test/api";
import { addPhoto, given, openAsAlice, timePasses } from "../../../test/render";

/** Every element the page scrolled into view, with how. */
let scrolled: { element: Element; block: unknown }[] = [];
const jsdomScroll = Element.prototype.scrollIntoView; // jsdom has none
beforeEach(() => {
  scrolled = [];
  Element.prototype.scrollIntoView = function (this: Element, options?: boolean | ScrollIntoViewOptions) {
    scrolled.push({ element: this, block: typeof options === "object" ? options.block : options });
  };
});
afterEach(() => {
  Element.prototype.scrollIntoView = jsdomScroll;
  vi.restoreAllMocks();
});

const wasScrolled = (element: Element) => scrolled.filter((each) => each.element === element).map((each) => each.block);

describe("a notice of what the admin just did", () => {
  it("under the form: a Generate that started nothing says why where it is seen", async () => {
    given(http.untyped.post(`${API}/v1/generation-batches`, () => HttpResponse.error()));
    const user = await openAsAlice();
    await addPhoto(user);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const alert = await within(screen.getByRole("region", { name: "New generation" })).findByRole("alert");
    await waitFor(() => expect(wasScrolled(alert)).toEqual(["nearest"]));

    // Said again for a second click: seen again (the admin may have scrolled away meanwhile).
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const alerts = () => scrolled.filter(({ element }) => element.getAttribute("role") === "alert");
    await waitFor(() => expect(alerts()).toHaveLength(2));
  });

  it("on a history row: a Re-run that failed says why on its row, brought into view", async () => {
    const done = succeeded(job({ prompt: "again" }));
    given(...historyOf([done]), http.untyped.post(`${API}/v1/generations/:id/rerun`, () => HttpResponse.error()));
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Re-run\b/ }));
    const alert = await within(history).findByRole("alert");
    await waitFor(() => expect(wasScrolled(alert)).toEqual(["nearest"]));
    // Not the result pane: nothing new is there.
    expect(wasScrolled(screen.getByRole("region", { name: "Result" }))).toEqual([]);
  });

  it("at the top of the form: Edit settings from the history brings its notice into view, not the form's top at any cost", async () => {
    const blocked = job({
      status: "failed",
      prompt: "a forbidden thing",
      error: { code: "content_blocked", message: "Gemini blocked the prompt (PROHIBITED_CONTENT).", details: {} },
      finished_at: new Date().toISOString(),
    });
    given(...historyOf([blocked]));
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Edit settings\b/ }));
    const form = screen.getByRole("region", { name: "New generation" });
    // The notice: its sentence (the status) and its buttons.
    const notice = within(form).getByText(/are in the form/).parentElement!;
    await waitFor(() => expect(wasScrolled(notice)).toEqual(["nearest"]));
    expect(wasScrolled(form)).toEqual([]);
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveFocus();
  });

  it("said before the admin left the identity does not move the page when they come back", async () => {
    const done = succeeded(job({ prompt: "again" }));
    given(
      // The chef's job only: the pilot has a history of its own.
      http.get("/v1/generations", ({ query, response }) =>
        response(200).json({ items: query.get("identity_id") === "id-chef" ? [done] : [], next_cursor: null }),
      ),
      http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(done)),
      http.untyped.post(`${API}/v1/generations/:id/rerun`, () => HttpResponse.error()),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Re-run\b/ }));
    await within(history).findByRole("alert");
    const identity = screen.getByRole("combobox", { name: "Identity" });
    await user.selectOptions(identity, "id-pilot");
    await waitFor(() => expect(within(history).queryByRole("alert")).not.toBeInTheDocument());
    scrolled = [];
    await user.selectOptions(identity, "id-chef");
    const again = await within(history).findByRole("alert");
    await timePasses(100);
    expect(wasScrolled(again)).toEqual([]);
  });

  it("comes to rest above the page's notices: the page holds the room they take at the window's foot, and says while it has any", async () => {
    // jsdom lays nothing out: the page's notices, holding the offline one, are 58 px tall, as
    // two lines of it are; with none, nothing.
    vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.classList.contains("notices") && this.textContent?.startsWith("This browser is offline") ? 58 : 0;
    });
    // What the page measures again when the browser says a box it watches was resized.
    const watching: (() => void)[] = [];
    vi.stubGlobal(
      "ResizeObserver",
      class {
        constructor(private readonly resized: () => void) {}
        observe() {
          watching.push(this.resized);
        }
        unobserve() {}
        disconnect() {}
      },
    );
    given();
    await openAsAlice();
    const page = screen.getByRole("heading", { level: 1, name: "Images" }).closest<HTMLElement>(".page")!;
    expect(page.style.getPropertyValue("--ii-notice-room")).toBe("0px");
    expect(page).not.toHaveAttribute("data-notices");
    try {
      act(() => onlineManager.setOnline(false));
      await screen.findByText(/^This browser is offline\. The page keeps trying/);
      // The notices' box grew as the offline notice came: the browser says so.
      act(() => watching.forEach((resized) => resized()));
      // Every scroll margin of the page adds it (ui.module.css): what is brought into view clears the notices.
      expect(page.style.getPropertyValue("--ii-notice-room")).toBe("58px");
      // On one column, Generate stands on them while there are any (ComposeForm.module.css).
      expect(page).toHaveAttribute("data-notices");
    } finally {
      act(() => onlineManager.setOnline(true));
      vi.unstubAllGlobals();
    }
    await waitFor(() => expect(screen.queryByText(/^This browser is offline/)).not.toBeInTheDocument());
    act(() => watching.forEach((resized) => resized()));
    expect(page.style.getPropertyValue("--ii-notice-room")).toBe("0px");
    expect(page).not.toHaveAttribute("data-notices");
  });
});
