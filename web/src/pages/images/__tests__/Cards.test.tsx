/** Findings of a review in a real browser, on the result cards and the form: what of each a
 * test can hold (the cards' layout at each width and ratio was looked at in Chromium). */
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { addPhoto, given, openAsAlice } from "../../../test/render";
import { VariantsGrid } from "../components/VariantsGrid";

const noop = () => undefined;

describe("the Refine box of one of several variants", () => {
  const variants: Job[] = [0, 1, 2].map((index) =>
    succeeded(job({ aspect_ratio: "3:4", batch_id: "b-3", batch_index: index, batch_size: 3 })),
  );
  const followUps = { onRefine: async () => true, onRerun: noop, onEditSettings: noop, onCompare: noop, busy: false };

  it("opens after all the cards, where it shows, and asks about that variant", async () => {
    const user = userEvent.setup();
    render(
      <VariantsGrid
        jobs={variants}
        usualSecondsAt={() => null}
        currentJobId={null}
        onSave={noop}
        savingIds={[]}
        onCancel={noop}
        followUps={followUps}
      />,
    );
    const second = screen.getByRole("article", { name: "Variant 2 of 3" });
    const refine = within(second).getByRole("button", { name: /^Refine\b/ });
    await user.click(refine);

    const box = screen.getByRole("textbox", { name: "What should change in variant 2?" });
    expect(box).toHaveFocus();
    expect(second).not.toContainElement(box);
    // Its card may be a screen away (a phone, two a line): the question shows its picture,
    // which a screen reader passes over (the question names the variant).
    const picture = box.closest("form")!.querySelector("label img");
    expect(picture).toHaveAttribute("src", variants[1]!.output!.preview_url);
    expect(picture).toHaveAttribute("alt", "");
    // In the page's order where it shows, under the cards: Tab from Send goes on past them,
    // not back up to the third card drawn above it.
    const third = screen.getByRole("article", { name: "Variant 3 of 3" });
    expect(third.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    // Under the cards' grid, not in it: across all its columns, it kept an empty one open.
    expect(third.parentElement).not.toContainElement(box);
    expect(refine).toHaveAttribute("aria-expanded", "true");

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("textbox")).not.toBeInTheDocument();
    expect(refine).toHaveFocus();
  });
});

describe("a result's picture", () => {
  it("offers its large rendition beside the preview, for the browser to take on a 2x screen", () => {
    const done = succeeded(job());
    render(
      <VariantsGrid jobs={[done]} usualSecondsAt={() => null} currentJobId={null} onSave={noop} savingIds={[]} onCancel={noop} />,
    );
    const picture = screen.getByRole("img", { name: "New image, 1376×768" });
    expect(picture).toHaveAttribute("src", done.output!.preview_url);
    expect(picture).toHaveAttribute("srcset", `${done.output!.preview_url} 768w, ${done.output!.large_url} 1376w`);
    // The box's own width where the browser can measure it: a lazy image's.
    expect(picture).toHaveAttribute("loading", "lazy");
    expect(picture.getAttribute("sizes")).toMatch(/^auto, /);
  });
});

describe("where the cards start on the page", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  // jsdom lays nothing out: the cards' box starts `top` px under the window's top, the window
  // scrolled `scrollY`, and a ResizeObserver is told of the document's box by the test.
  function laidOut(place: { top: number; scrollY: number }) {
    const observers: { callback: ResizeObserverCallback; observed: Element[] }[] = [];
    vi.stubGlobal(
      "ResizeObserver",
      class {
        observed: Element[] = [];
        constructor(callback: ResizeObserverCallback) {
          observers.push({ callback, observed: this.observed });
        }
        observe(target: Element) {
          this.observed.push(target);
        }
        disconnect() {
          this.observed.length = 0;
        }
        unobserve() {}
      },
    );
    // The window's scroll is its root element's (a host's own scrolling box has its own).
    vi.spyOn(document.documentElement, "scrollTop", "get").mockImplementation(() => place.scrollY);
    vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(() => new DOMRect(0, place.top, 800, 600));
    const pageChanged = () =>
      act(() => {
        for (const { callback, observed } of observers) if (observed.length > 0) callback([], {} as ResizeObserver);
      });
    return { observers, pageChanged };
  }

  it("is kept on their pane, so a picture is no taller than the window leaves under them", () => {
    const place = { top: 266, scrollY: 100 };
    const { observers, pageChanged } = laidOut(place);
    const { unmount } = render(
      <VariantsGrid
        jobs={[succeeded(job({ aspect_ratio: "3:4" }))]}
        usualSecondsAt={() => null}
        currentJobId={null}
        onSave={noop}
        savingIds={[]}
        onCancel={noop}
      />,
    );
    const pane = screen.getByRole("article", { name: "New image" }).parentElement!.parentElement!;
    // Its place on the page, not on the screen.
    expect(pane.style.getPropertyValue("--ii-top-on-page")).toBe("366px");
    expect(observers.flatMap(({ observed }) => observed)).toContain(document.documentElement);

    // A scroll moves nothing on the page; a host's banner shown above does.
    place.top = 166;
    place.scrollY = 200;
    pageChanged();
    expect(pane.style.getPropertyValue("--ii-top-on-page")).toBe("366px");
    place.top = 226;
    pageChanged();
    expect(pane.style.getPropertyValue("--ii-top-on-page")).toBe("426px");

    unmount();
    expect(observers.flatMap(({ observed }) => observed)).toEqual([]);
  });

  it("counts a host's own scrolling box as it counts the window, and follows the page's size in it", () => {
    // A host whose main area scrolls, not the window: scrolled 500 px down, the pane's top is
    // on the screen 500 px higher than on the page.
    const place = { top: -134, scrollY: 0 };
    const { observers } = laidOut(place);
    const main = document.body.appendChild(document.createElement("main"));
    vi.spyOn(main, "scrollTop", "get").mockReturnValue(500);
    const page = main.appendChild(document.createElement("div"));
    page.setAttribute("data-images-tab", "");
    const { unmount } = render(
      <VariantsGrid
        jobs={[succeeded(job({ aspect_ratio: "3:4" }))]}
        usualSecondsAt={() => null}
        currentJobId={null}
        onSave={noop}
        savingIds={[]}
        onCancel={noop}
      />,
      { container: page },
    );
    const pane = screen.getByRole("article", { name: "New image" }).parentElement!.parentElement!;
    expect(pane.style.getPropertyValue("--ii-top-on-page")).toBe("366px");
    expect(observers.flatMap(({ observed }) => observed)).toEqual(expect.arrayContaining([document.documentElement, page]));
    unmount();
    main.remove();
  });
});

describe("the aspect ratios", () => {
  it("say which are portrait, square and landscape, and send the ratio itself", async () => {
    const service = jobService();
    given(...service.handlers);
    const user = await openAsAlice();
    await addPhoto(user);
    const ratio = screen.getByRole("combobox", { name: "Aspect ratio" });
    expect(within(ratio).getAllByRole("option").map((option) => option.textContent)).toEqual([
      "1:1 · square",
      "3:4 · portrait",
      "4:3 · landscape",
      "9:16 · portrait",
      "16:9 · landscape",
    ]);

    await user.selectOptions(ratio, "3:4 · portrait");
    expect(ratio).toHaveDisplayValue("3:4 · portrait");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({ aspect_ratio: "3:4" });
  });
});

describe("a portrait's card", () => {
  it("takes the picture's shape, so its header spans the picture and not the card", () => {
    const portrait = succeeded(job({ aspect_ratio: "9:16" }));
    const done: Job = { ...portrait, output: { ...portrait.output!, width: 768, height: 1376 } };
    render(<VariantsGrid jobs={[done]} usualSecondsAt={() => null} currentJobId={null} onSave={noop} savingIds={[]} onCancel={null} />);
    const card = screen.getByRole("article", { name: "New image" });
    // The picture's box and the header over it both read the card's `--ratio` (the layout, a
    // 9:16 portrait at the start of a wide card with "9:16 · 1K" at its edge, was checked in
    // Chromium): the caption sits with the picture it describes.
    expect(card.style.getPropertyValue("--ratio")).toBe("0.5581");
    expect(within(card).getByText("9:16 · 1K").closest("header")?.parentElement).toBe(card);
  });
});

describe("a queued card", () => {
  it("keeps Cancel's room once its job starts, and says there why there is no Cancel", () => {
    const queued = job({ aspect_ratio: "16:9" });
    const grid = (jobs: Job[], outOfTouch = false) => (
      <VariantsGrid
        jobs={jobs}
        usualSecondsAt={() => null}
        currentJobId={null}
        onSave={noop}
        savingIds={[]}
        onCancel={noop}
        outOfTouch={outOfTouch}
      />
    );
    const { rerender } = render(grid([queued]));
    const card = screen.getByRole("article", { name: "New image" });
    const progress = within(card).getByRole("button", { name: /^Cancel\b/ }).parentElement!;
    expect(progress).not.toHaveClass("cancelGone");
    expect(tooLate(card)).toBeNull();

    // Running, it cannot be canceled (the API cancels only a queued job; Gemini bills once
    // called): said quietly in Cancel's place, which it fills (measured in Chromium, the card
    // as tall queued and running), not in the part announced as the card changes.
    const running: Job = { ...queued, status: "running", stage: "generating", started_at: new Date().toISOString() };
    rerender(grid([running]));
    expect(within(card).queryByRole("button", { name: /^Cancel\b/ })).not.toBeInTheDocument();
    expect(tooLate(card)).toHaveTextContent("Cannot be canceled: Gemini has started");
    expect(tooLate(card)?.parentElement).toBe(progress);
    expect(progress).not.toHaveClass("cancelGone");
    expect(within(card).getByRole("status")).not.toHaveTextContent(/cancel/i);

    rerender(grid([{ ...running, stage: "preparing_references" }]));
    expect(tooLate(card)).toHaveTextContent("Cannot be canceled: it has started");
    rerender(grid([{ ...running, stage: "storing" }]));
    expect(tooLate(card)).toHaveTextContent("Cannot be canceled: the image is made");

    // Out of touch the card says its state is the last known: nothing of what it can do now.
    // Cancel's room is kept, shared above and below the words.
    rerender(grid([running], true));
    expect(tooLate(card)).toBeNull();
    expect(within(card).getByText("Gemini is generating").closest("[role=status]")?.parentElement).toHaveClass("cancelGone");
  });
});

/** A card's word on why it has no Cancel, or null. */
function tooLate(card: HTMLElement): HTMLElement | null {
  return card.querySelector<HTMLElement>(".tooLate");
}
