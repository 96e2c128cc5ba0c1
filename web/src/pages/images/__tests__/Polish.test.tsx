/** Findings of a design review: what of each one a test can hold (the rest was looked at in a browser). */
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { chefImageOf, chefWith, historyOf, http, job, succeeded } from "../../../test/api";
import { generateBar } from "../../../test/generateBar";
import { given, openAsAlice } from "../../../test/render";
import { GeneratedImageDisplay } from "../components/GeneratedImageDisplay";
import { RefineForm } from "../components/RefineForm";
import { momentPhrase } from "../job/time";

const LONG_NAME = "Maximilianaverylongsinglewordwithoutanyspacesatallreally";

describe("a long identity name", () => {
  it("is cut to two lines in the result's header, the whole name in its title", async () => {
    given(
      chefWith({ name: LONG_NAME }),
    );
    await openAsAlice();
    const result = screen.getByRole("region", { name: "Result" });
    expect(within(result).getByText(LONG_NAME)).toHaveAttribute("title", LONG_NAME);
  });
});

describe("the Refine box", () => {
  const jsdomScroll = Element.prototype.scrollIntoView; // jsdom has none
  afterEach(() => {
    vi.unstubAllGlobals();
    Element.prototype.scrollIntoView = jsdomScroll;
  });

  it("is brought into view whole as it opens, and again when its hint grows it, without more motion than asked", async () => {
    vi.stubGlobal("matchMedia", (query: string) => ({ matches: query === "(prefers-reduced-motion: reduce)" }));
    const scrolled: [Element, unknown][] = [];
    Element.prototype.scrollIntoView = function (this: Element, options?: unknown) {
      scrolled.push([this, options]);
    };
    const user = userEvent.setup();
    render(<RefineForm instruction="" onChange={() => undefined} busy={false} onSubmit={() => undefined} onClose={() => undefined} costUsd={0.134} />);
    const input = screen.getByRole("textbox", { name: "What should change?" });
    expect(input).toHaveFocus();
    const form = input.closest("form");
    expect(scrolled).toEqual([[form, { behavior: "auto", block: "nearest" }]]);

    await user.keyboard("{Enter}");
    expect(screen.getByRole("status")).toHaveTextContent("Write what to change first.");
    expect(scrolled).toHaveLength(2);
    expect(scrolled[1]).toEqual([form, { behavior: "auto", block: "nearest" }]);
  });
});

describe("Save on a result's card", () => {
  const card = (done: Job, saving: boolean) => (
    <GeneratedImageDisplay job={done} usualSeconds={null} currentJobId={null} onSave={() => undefined} saving={saving} />
  );

  it("says it is saving in its own place, holding the focus, with no line added under it", async () => {
    const done = succeeded(job());
    const user = userEvent.setup();
    const view = render(card(done, false));
    const save = screen.getByRole("button", { name: /^Save to identity\b/ });
    await user.click(save);

    view.rerender(card(done, true));
    expect(save).toHaveAccessibleName("Saving…, new image");
    expect(save).toHaveAttribute("aria-disabled", "true");
    expect(save).toHaveFocus();

    const pending: Job = { ...done, apply: { ...done.apply, status: "pending", attempt: 1 } };
    view.rerender(card(pending, false));
    expect(save).toHaveAccessibleName("Saving…, new image");
    // Announced, not shown as a second line: the status is out of sight.
    expect(screen.getByRole("status")).toHaveTextContent("Saving to identity…");
    expect(screen.getByRole("status").className).toMatch(/visuallyHidden/);
  });
});

describe("All generations", () => {
  it("shows an earlier save as a grey badge where the current one's green badge goes, not among the facts", async () => {
    const savedAt = "2026-12-04T10:00:00Z";
    const applied = (done: Job, at = savedAt): Job => ({ ...done, apply: { ...done.apply, status: "applied", attempt: 1, applied_at: at } });
    const newer = applied(succeeded(job({ prompt: "newer", created_at: "2026-12-04T09:30:00Z" })), "2026-12-04T10:30:00Z");
    const older = applied(succeeded(job({ prompt: "older", created_at: "2026-12-04T09:00:00Z" })));
    given(
      chefWith({ image_path: chefImageOf(newer) }),
      ...historyOf([newer, older]),
    );
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const [newerRow, olderRow] = await within(history).findAllByRole("listitem");
    // Whose history it is, by its title: the selects are a long scroll up.
    expect(within(history).getByRole("heading", { name: "History" }).nextElementSibling).toHaveTextContent("Alice the chef");
    expect(within(newerRow!).getByText("Saved to identity")).toBeInTheDocument();
    // With when it was saved: what tells "the one I saved last Tuesday" from the others.
    const badge = within(olderRow!).getByText(`Saved ${momentPhrase(savedAt)}, then replaced`);
    expect(badge).toHaveTextContent(/^Saved (today|yesterday|Dec 4), \d/);
    // In the first line, beside the time, as the green one is.
    expect(badge.parentElement).toBe(within(olderRow!).getByText(/^Today|^Yesterday|^Dec/).parentElement);
    expect(within(olderRow!).getByText(/1 photo/)).not.toHaveTextContent("replaced");

    // Results only says it on the tile too.
    await userEvent.setup().click(within(history).getByRole("button", { name: "Results only" }));
    const [, olderTile] = within(history).getAllByRole("listitem");
    expect(within(olderTile!).getByText(`Saved ${momentPhrase(savedAt)}, then replaced`)).toBeInTheDocument();
  });
});

describe("the history's count", () => {
  it("says plainly what each view shows, and that older generations are below", async () => {
    const done = Array.from({ length: 3 }, (_, index) => succeeded(job({ prompt: `done ${index}` })));
    const failed = job({ status: "failed", prompt: "broken", error: { code: "provider_unavailable", message: "busy", details: {} } });
    const newest = [done[0]!, failed, done[1]!];
    given(
      http.get("/v1/generations", ({ query, response }) =>
        query.get("cursor") === "page-2"
          ? response(200).json({ items: [done[2]!], next_cursor: null })
          : response(200).json({ items: newest, next_cursor: "page-2" }),
      ),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json([...done, failed].find((item) => item.id === params.generation_id)!),
      ),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    expect(await within(history).findByText("3 newest generations · older below")).toBeInTheDocument();
    await user.click(within(history).getByRole("button", { name: "Results only" }));
    expect(within(history).getByText("2 results from the 3 newest generations")).toBeInTheDocument();

    await user.click(within(history).getByRole("button", { name: "Show older generations" }));
    expect(await within(history).findByText("3 results from 4 generations")).toBeInTheDocument();
    await user.click(within(history).getByRole("button", { name: "All generations" }));
    expect(within(history).getByText("4 generations")).toBeInTheDocument();
  });

  it("counts a click of three variants as one generation of three variants", async () => {
    const click = [0, 1, 2].map((index) =>
      succeeded(job({ prompt: "chef", batch_id: "b1", batch_index: index, batch_size: 3 })),
    );
    given(...historyOf(click));
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    expect(await within(history).findByText("1 generation · 3 variants")).toBeInTheDocument();
  });

  it("calls no variant an image before it is one: three that failed or wait are three variants, no results", async () => {
    const asked = { prompt: "chef", batch_id: "b1", batch_size: 3 };
    const failed: Partial<Job> = { status: "failed", error: { code: "generation_failed", message: "Gemini refused the prompt.", details: {} } };
    const click = [job({ ...asked, batch_index: 0, ...failed }), job({ ...asked, batch_index: 1, ...failed }), job({ ...asked, batch_index: 2 })];
    given(...historyOf(click));
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    expect(await within(history).findByText("1 generation · 3 variants")).toBeInTheDocument();
    expect(within(history).queryByText(/images?\b/)).not.toBeInTheDocument();
    await user.click(within(history).getByRole("button", { name: "Results only" }));
    expect(within(history).getByText("0 results from 1 generation")).toBeInTheDocument();
  });
});

describe("the result the identity shows", () => {
  it("has one name wherever it is shown, and 'Current' is only the identity's own image", async () => {
    const done = succeeded(job({ prompt: "kept", batch_id: "b-kept" }));
    const current: Job = { ...done, apply: { ...done.apply, status: "applied", attempt: 1, applied_at: "2026-12-04T10:00:00Z" } };
    const other = succeeded(job({ prompt: "other", batch_id: "b-other", created_at: "2026-12-04T09:00:00Z" }));
    given(
      chefWith({ image_path: chefImageOf(current), image_url: "http://s3.test/kept.png" }),
      ...historyOf([current, other]),
    );
    const user = await openAsAlice();
    const history = screen.getByRole("region", { name: "History" });
    const [row] = await within(history).findAllByRole("listitem");
    expect(within(row!).getByText("Saved to identity")).toBeInTheDocument();
    expect(within(screen.getByRole("article", { name: "New image" })).getByText("Saved to identity")).toBeInTheDocument();

    await user.click(within(history).getByRole("button", { name: "Results only" }));
    const [tile, otherTile] = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(within(tile!).getByText("Saved to identity")).toBeInTheDocument();
    expect(within(history).queryByText("Current")).not.toBeInTheDocument();

    // Beside another result in Compare, the identity's image is "Current": the image, which
    // may be no job's, not a job's state.
    await user.click(within(otherTile!).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
    const figure = within(dialog).getByRole("img", { name: "Current: Alice the chef" }).closest("figure")!;
    expect(figure.querySelector("figcaption")).toHaveTextContent(/^Current$/);
  });
});

describe("the cost line's usual time", () => {
  const bar = (clickJobs: Job[]) => generateBar({ usualSeconds: 2, clickJobs });
  const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
  const costLine = () => screen.getByText(/1 image, 3:4 at 1K/).closest("p");

  it("is said while the click on screen runs as usual", () => {
    render(bar([job({ status: "running", created_at: ago(1), started_at: ago(1) })]));
    expect(costLine()).toHaveTextContent(/ · usually 2 s$/);
  });

  it("is not said while a job of it waits to retry, or has run past it: it is not true now", () => {
    const waiting = job({ status: "queued", created_at: ago(1), attempts: 1, next_attempt_at: new Date(Date.now() + 20_000).toISOString() });
    const view = render(bar([waiting]));
    expect(costLine()).toHaveTextContent(/^≈ \$0\.134 · 1 image, 3:4 at 1K$/);
    view.rerender(bar([job({ status: "running", created_at: ago(70), started_at: ago(70) })]));
    expect(costLine()).toHaveTextContent(/^≈ \$0\.134 · 1 image, 3:4 at 1K$/);
    // Once it ended, the usual time is said again.
    view.rerender(bar([succeeded(job({ created_at: ago(70) }))]));
    expect(costLine()).toHaveTextContent(/ · usually 2 s$/);
  });
});

describe("the prompt under the Generate bar", () => {
  const bar = (hiddenPrompt: { text: string; onShow: () => void } | null) => generateBar({ hiddenPrompt });

  it("is named on the bar while hidden under it, and a press on it shows it", async () => {
    const onShow = vi.fn();
    const view = render(bar({ text: "A warm studio portrait", onShow }));
    const named = screen.getByRole("button", { name: "A warm studio portrait" });
    expect(named.closest("p")).toHaveTextContent(/^Prompt A warm studio portrait$/);
    await userEvent.click(named);
    expect(onShow).toHaveBeenCalledOnce();
    // In view, it is not named on the bar.
    view.rerender(bar(null));
    expect(screen.queryByRole("button", { name: "A warm studio portrait" })).toBeNull();
    expect(screen.queryByText("Prompt")).toBeNull();
  });

  it("names no more of a long prompt than its line could show", () => {
    const long = "word ".repeat(400).trim();
    render(bar({ text: long, onShow: () => undefined }));
    const named = screen.getByTitle("Show the prompt");
    expect(named.textContent).toBe(long.slice(0, 160));
  });
});
