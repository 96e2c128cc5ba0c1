/** The history: its rows and pictures, Results only, how each job is named and came about, and its older pages. */
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { apiConfig, apiError, chefImageOf, chefWith, chefWithAnImage, cursorAfter, historyOf, http, identities, job, pagedHistory, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { jobRows } from "../../../test/history";
import { IDLE_REFRESH_MS, OLDER_PAGE_REFRESH_MS } from "../hooks/use-history";
import { POLL_MS } from "../queryCache";
import { createdPhrase, momentPhrase } from "../job/time";
import { fakeClock, given, openAsAlice, pickAlice, renderImages, timePasses } from "../../../test/render";

/** A finished job whose image is `width`×`height`, asked at `ratio`. */
function resultAt(ratio: Job["aspect_ratio"], width: number, height: number, overrides: Partial<Job> = {}): Job {
  const done = succeeded(job({ aspect_ratio: ratio, ...overrides }));
  return { ...done, output: { ...done.output!, width, height } };
}

async function openHistory(jobs: Job[]) {
  given(...historyOf(jobs));
  const user = await openAsAlice();
  const history = await screen.findByRole("region", { name: "History" });
  await within(history).findAllByRole("listitem");
  return { user, history };
}

describe("the history's pictures", () => {
  it("give each row and each result tile its picture's own shape, not a crop of it", async () => {
    const portrait = resultAt("9:16", 768, 1365, { prompt: "tall" });
    const wide = resultAt("16:9", 1376, 768, { prompt: "wide" });
    const queued = job({ aspect_ratio: "3:4", prompt: "waiting" });
    const { user, history } = await openHistory([queued, portrait, wide]);

    const rows = within(history).getAllByRole("listitem");
    // The image's own ratio (width over height) for its box; a job without one yet, the ratio asked.
    expect(rows.map((row) => row.style.getPropertyValue("--ratio"))).toEqual(["0.7500", "0.5626", "1.7917"]);

    await user.click(within(history).getByRole("button", { name: "Results only" }));
    const tiles = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(tiles.map((tile) => tile.style.getPropertyValue("--ratio"))).toEqual(["0.5626", "1.7917"]);
  });
});

describe("the history's picture files", () => {
  it("offer a row's thumbnail the small rendition and the preview, a tile the large one too, each measured by the browser", async () => {
    const done = succeeded(job({ prompt: "at the pass" }));
    const output = done.output!;
    const { user, history } = await openHistory([done]);
    const [row] = within(history).getAllByRole("listitem");
    const thumb = row!.querySelector("img")!;
    expect(thumb).toHaveAttribute("src", output.preview_url);
    expect(thumb).toHaveAttribute("srcset", `${output.small_url} 384w, ${output.preview_url} 768w`);
    expect(thumb).toHaveAttribute("loading", "lazy");
    expect(thumb.getAttribute("sizes")).toMatch(/^auto, /);

    await user.click(within(history).getByRole("button", { name: "Results only" }));
    const [tile] = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    const picture = tile!.querySelector("img")!;
    expect(picture).toHaveAttribute("srcset", `${output.small_url} 384w, ${output.preview_url} 768w, ${output.large_url} 1376w`);
    expect(picture).toHaveAttribute("loading", "lazy");
    expect(picture.getAttribute("sizes")).toMatch(/^auto, /);
  });
});

describe("Saved", () => {
  it("shows only the results once saved to the identity, the one it shows and the ones replaced since", async () => {
    const applied = (done: Job, at: string): Job => ({
      ...done,
      apply: { ...done.apply!, status: "applied", applied_at: at, requested_at: at },
    });
    const first = applied(succeeded(job({ prompt: "first saved", batch_id: "b1" })), "2026-03-14T09:21:00Z");
    const never = succeeded(job({ prompt: "never saved", batch_id: "b2" }));
    const second = applied(succeeded(job({ prompt: "saved since", batch_id: "b3" })), "2026-03-14T09:31:00Z");
    const { user, history } = await openHistory([second, never, first]);
    await user.click(within(history).getByRole("button", { name: "Saved" }));
    const tiles = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(tiles.map((tile) => within(tile).getByText(/saved/).textContent)).toEqual(["“saved since”", "“first saved”"]);
    // The way back to an earlier image: Save it again, from here.
    expect(within(tiles[1]!).getByRole("button", { name: /^Save to identity\b/ })).toBeInTheDocument();
    // Said as the view switches: the toggle says only that it is pressed.
    expect(within(history).getByRole("status")).toHaveTextContent(/^Showing 2 saved\.$/);
  });

  it("puts the image the identity shows first, then the others by when they were saved, the last saved first", async () => {
    const applied = (done: Job, at: string): Job => ({
      ...done,
      apply: { ...done.apply!, status: "applied", applied_at: at, requested_at: at },
    });
    // Asked in one order, saved in another: the oldest generation was saved last, before an Undo
    // put the newest one back.
    const newest = applied(succeeded(job({ prompt: "asked last", batch_id: "b3", created_at: "2026-03-14T09:30:00Z" })), "2026-03-14T09:40:00Z");
    const middle = applied(succeeded(job({ prompt: "asked second", batch_id: "b2", created_at: "2026-03-14T09:20:00Z" })), "2026-03-14T09:21:00Z");
    const oldest = applied(succeeded(job({ prompt: "asked first", batch_id: "b1", created_at: "2026-03-14T09:10:00Z" })), "2026-03-14T09:35:00Z");
    given(
      chefWith({ image_path: chefImageOf(middle) }),
      ...historyOf([newest, middle, oldest]),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await within(history).findAllByRole("listitem");
    await user.click(within(history).getByRole("button", { name: "Saved" }));
    const tiles = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(tiles.map((tile) => within(tile).getByText(/asked/).textContent)).toEqual(["“asked second”", "“asked last”", "“asked first”"]);
  });

  it("says its count as the view switches (older ones coming: below), not as the history is first read", async () => {
    const done = succeeded(job({ prompt: "done" }));
    const { user, history } = await openHistory([done]);
    const status = within(history).getByRole("status");
    expect(status).toBeEmptyDOMElement();
    await user.click(within(history).getByRole("button", { name: "Results only" }));
    expect(status).toHaveTextContent(/^Showing 1 result\.$/);
    await user.click(within(history).getByRole("button", { name: "All generations" }));
    expect(status).toHaveTextContent(/^Showing 1 generation\.$/);
  });

  it("shows the one the identity shows though its save read as failed (the host took it)", async () => {
    const done = succeeded(job({ prompt: "kept by the host" }));
    const failedSave = { ...done, apply: { ...done.apply!, status: "failed" as const } };
    given(
      chefWith({ image_path: chefImageOf(done) }),
      ...historyOf([failedSave]),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await within(history).findAllByRole("listitem");
    await user.click(within(history).getByRole("button", { name: "Saved" }));
    expect(within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem")).toHaveLength(1);
    expect(within(history).getByText("1 saved")).toBeInTheDocument();
  });

  it("says so when no image of the whole history was saved, once the saves are read", async () => {
    const { user, history } = await openHistory([succeeded(job({ prompt: "never saved" }))]);
    await user.click(within(history).getByRole("button", { name: "Saved" }));
    expect(await within(history).findByText("No image was saved to this identity yet. The results saved to it show here.")).toBeInTheDocument();
    expect(within(history).getByText("0 saved")).toBeInTheDocument();
  });
});

describe("Results only", () => {
  it("names a refinement by what it changed, not by the prompt it shares with the image it refined", async () => {
    const first = succeeded(job({ prompt: "at the pass" }));
    const refined = succeeded(job({ kind: "refine", parent_generation_id: first.id, instruction: "add a hat", prompt: "at the pass" }));
    const { user, history } = await openHistory([refined, first]);
    await user.click(within(history).getByRole("button", { name: "Results only" }));
    const [refinedTile, firstTile] = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(within(refinedTile!).getByText("Refined: “add a hat”")).toBeInTheDocument();
    expect(within(firstTile!).getByText("“at the pass”")).toBeInTheDocument();
  });

  it("shows the history's results only, as pictures to save or compare, and keeps that view", async () => {
    const service = jobService();
    const older = succeeded(job({ prompt: "older", batch_id: "b1", created_at: "2026-03-14T09:20:00Z" }));
    const failed = job({
      status: "failed",
      batch_id: "b2",
      created_at: "2026-03-14T09:25:00Z",
      error: { code: "provider_unavailable", message: "Gemini is unavailable.", details: {} },
    });
    const newer = succeeded(job({ prompt: "newer", batch_id: "b3", created_at: "2026-03-14T09:30:00Z" }));
    for (const each of [newer, failed, older]) service.jobs.set(each.id, each);
    given(
      chefWithAnImage,
      http.get("/v1/generations", ({ response }) =>
        response(200).json({ items: [newer, failed, older].map((each) => service.jobs.get(each.id)!), next_cursor: null }),
      ),
      ...service.handlers.slice(1),
    );
    const user = userEvent.setup();
    const first = renderImages();
    await pickAlice(user);
    const history = await screen.findByRole("region", { name: "History" });
    await within(history).findAllByRole("listitem");
    await user.click(within(history).getByRole("button", { name: "Results only" }));
    expect(within(history).getByRole("button", { name: "Results only" })).toHaveAttribute("aria-pressed", "true");

    const results = within(history).getByRole("list", { name: "Results" });
    const tiles = within(results).getAllByRole("listitem");
    expect(tiles.map((tile) => tile.getAttribute("aria-label"))).toEqual([
      `Result of ${createdPhrase(newer)}`,
      `Result of ${createdPhrase(older)}`,
    ]);
    expect(within(tiles[1]!).getByRole("presentation")).toHaveAttribute("src", older.output!.preview_url);
    await user.click(within(tiles[1]!).getByRole("button", { name: /^Save to identity\b/ }));
    await waitFor(() => expect(service.applied).toEqual([older.id]));
    await user.click(within(tiles[0]!).getByRole("button", { name: /^Compare\b/ }));
    expect(await screen.findByRole("dialog", { name: "Compare with the current image" })).toBeInTheDocument();

    // The view is the admin's habit: kept when the page comes back.
    first.unmount();
    renderImages();
    const again = await screen.findByRole("region", { name: "History" });
    expect(await within(again).findByRole("list", { name: "Results" })).toBeInTheDocument();
  });
});

describe("the history's names", () => {
  it("tell two results of one minute apart by their seconds, the variants of a click by their number", async () => {
    const at = (time: string, overrides: Partial<Job>) => succeeded(job({ created_at: `2026-03-14T${time}Z`, ...overrides }));
    const later = at("09:30:40", { prompt: "later", batch_id: "b-later" });
    const [first, second] = [0, 1].map((index) =>
      at("09:30:05", { prompt: "two", batch_id: "b-two", batch_index: index, batch_size: 2 }),
    );
    const alone = at("09:12:00", { prompt: "alone", batch_id: "b-alone" });
    const { user, history } = await openHistory([later, first!, second!, alone]);

    const seconds = (one: Job) => createdPhrase(one, { seconds: true });
    const rowNames = [
      `Generation of ${seconds(later)}`,
      `Generation of ${seconds(first!)}, variant 1 of 2`,
      `Generation of ${seconds(second!)}, variant 2 of 2`,
      `Generation of ${createdPhrase(alone)}`,
    ];
    const resultNames = rowNames.map((name) => name.replace(/^Generation/, "Result"));
    expect(jobRows(history).map((row) => row.getAttribute("aria-label"))).toEqual(rowNames);
    // The click of two is a row of its own, its variants' rows in it.
    expect(jobRows(history)[1]!.parentElement!.closest("li")).toHaveAccessibleName(`Generation of ${seconds(first!)}, 2 variants`);
    expect(within(history).getAllByRole("link", { name: /full size/ }).map((link) => link.getAttribute("aria-label"))).toEqual(
      resultNames.map((name) => `Open the r${name.slice(1)} full size (new tab)`),
    );
    expect(new Set(resultNames).size).toBe(4);
    // The lone one of its minute keeps the minute, as the tab's times read.
    expect(resultNames[3]).not.toMatch(/\d:\d\d:\d\d/);

    await user.click(within(history).getByRole("button", { name: "Results only" }));
    const tiles = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(tiles.map((tile) => tile.getAttribute("aria-label"))).toEqual(resultNames);
  });
});

describe("Download from the history", () => {
  it("offers each result's file from its row and its tile, as its card does, and nothing without a result", async () => {
    const second = succeeded(job({ prompt: "two", batch_id: "b", batch_index: 1, batch_size: 2 }));
    const withName: Job = { ...second, output: { ...second.output!, filename: "alice-the-chef-2026-12-04-174400-v2.png" } };
    const first = succeeded(job({ prompt: "two", batch_id: "b", batch_index: 0, batch_size: 2 }));
    const failed = job({
      status: "failed",
      prompt: "broken",
      error: { code: "provider_unavailable", message: "Gemini is unavailable.", details: {} },
    });
    const { user, history } = await openHistory([first, withName, failed]);

    // The result pane's card (the latest click) and the history's row offer the same link.
    const card = await screen.findByRole("article", { name: "Variant 2 of 2" });
    const fromCard = within(card).getByRole("link", { name: /^Download\b/ });
    const [firstRow, secondRow, failedRow] = jobRows(history);
    const fromRow = within(secondRow!).getByRole("link", { name: /^Download\b/ });
    expect(fromRow).toHaveAttribute("href", withName.output!.download_url);
    expect(fromRow).toHaveAttribute("download", "alice-the-chef-2026-12-04-174400-v2.png");
    expect(fromRow.getAttribute("href")).toBe(fromCard.getAttribute("href"));
    expect(fromRow.getAttribute("download")).toBe(fromCard.getAttribute("download"));
    expect(within(firstRow!).getByRole("link", { name: /^Download\b/ })).toHaveAttribute("href", first.output!.download_url);
    expect(within(failedRow!).queryByRole("link", { name: /^Download\b/ })).not.toBeInTheDocument();

    await user.click(within(history).getByRole("button", { name: "Results only" }));
    const tiles = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(tiles.map((tile) => within(tile).getByRole("link", { name: /^Download\b/ }).getAttribute("href"))).toEqual([
      first.output!.download_url,
      withName.output!.download_url,
    ]);
    expect(within(tiles[1]!).getByRole("link", { name: /^Download\b/ })).toHaveAttribute(
      "download",
      "alice-the-chef-2026-12-04-174400-v2.png",
    );
  });
});

describe("where a refinement came from", () => {
  it("names its parent by its time as its row says it, in its history row and on its card", async () => {
    const portrait = succeeded(job({ prompt: "A close portrait in chef whites", created_at: "2026-12-04T17:44:05Z" }));
    const wide = succeeded(
      job({ prompt: "At the pass", created_at: "2026-12-04T17:44:30Z", batch_id: "w", batch_index: 1, batch_size: 2 }),
    );
    const refined = succeeded(
      job({ kind: "refine", parent_generation_id: wide.id, prompt: wide.prompt, instruction: "add a red scarf" }),
    );
    // Of the older click, after the newer one: from its history row, it took the pane alone.
    const rerun = succeeded(job({ kind: "rerun", parent_generation_id: portrait.id, prompt: portrait.prompt, batch_id: "x" }));
    const { history } = await openHistory([rerun, refined, wide, portrait]);

    // Each parent by its time as its row says it: to the second, as another click shares its minute.
    const fromWide = `Refined: “add a red scarf”, from the result of ${createdPhrase(wide, { seconds: true })}, variant 2 of 2`;
    const fromPortrait = `Re-run of the result of ${createdPhrase(portrait, { seconds: true })}`;
    const [rerunRow, refinedRow] = within(history).getAllByRole("listitem");
    expect(within(refinedRow!).getByText(fromWide)).toHaveAttribute("title", fromWide);
    expect(within(rerunRow!).getByText(fromPortrait)).toBeInTheDocument();
    // A refinement's row leads with the change asked, then the prompt it kept; another row
    // leads with its prompt.
    const order = (row: HTMLElement, first: string, then: string) =>
      within(row).getByText(first).compareDocumentPosition(within(row).getByText(then)) & Node.DOCUMENT_POSITION_FOLLOWING;
    expect(order(refinedRow!, fromWide, "“At the pass”")).toBeTruthy();
    expect(order(rerunRow!, "“A close portrait in chef whites”", fromPortrait)).toBeTruthy();
    // The result pane's card (the latest click, the re-run) says the same.
    const card = await screen.findByRole("article", { name: "New image" });
    expect(within(card).getByText(fromPortrait)).toBeInTheDocument();
  });
});

describe("a job's time", () => {
  // Asked today at 9:14:05 (local time), a few minutes before this test's clock, unless that is
  // yesterday already: then at 0:00:05 today.
  const asked = new Date();
  asked.setHours(asked.getHours() >= 10 ? 9 : 0, 14, 5, 0);
  const minute = asked.toLocaleTimeString([], { timeStyle: "short" });
  const second = asked.toLocaleTimeString([], { timeStyle: "medium" });
  const at = (overrides: Partial<Job>) => succeeded(job({ created_at: asked.toISOString(), prompt: "At the pass", ...overrides }));

  it("reads the same wherever it names the job: its row, its picture's name, its tile, where a refinement came from", async () => {
    const first = at({ batch_id: "b", batch_index: 0, batch_size: 2 });
    const refined = succeeded(job({ kind: "refine", parent_generation_id: first.id, prompt: first.prompt, instruction: "darker" }));
    const { user, history } = await openHistory([refined, first]);
    const firstRow = within(history).getAllByRole("listitem")[1]!;
    expect(within(firstRow).getByText(`Today, ${minute}`)).toHaveAttribute("title", `Today, ${second}`);
    // Its picture opens it full size in a new tab, and says so; the picture's name is the link's.
    const picture = within(firstRow).getByRole("link", { name: `Open the result of today, ${minute}, variant 1 of 2 full size (new tab)` });
    expect(picture).toHaveAttribute("target", "_blank");
    expect(within(picture).getByRole("presentation")).toHaveAttribute("alt", "");
    expect(within(history).getByText(`Refined: “darker”, from the result of today, ${minute}, variant 1 of 2`)).toBeInTheDocument();
    await user.click(within(firstRow).getByRole("button", { name: /^Edit settings\b/ }));
    expect(await screen.findByText(`The settings and 1 photo from the generation of today, ${minute} are in the form.`)).toBeInTheDocument();

    await user.click(within(history).getByRole("button", { name: "Results only" }));
    const tile = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem")[1]!;
    expect(within(tile).getByRole("link", { name: `Open the result of today, ${minute}, variant 1 of 2 full size (new tab)` })).toHaveAttribute(
      "target",
      "_blank",
    );
    expect(within(tile).getByText(`Today, ${minute}`)).toHaveAttribute("title", `Today, ${second}`);
  });

  it("is given to the second, not as a date, when two jobs of one minute asked the same", async () => {
    const one = at({});
    const again = at({ kind: "rerun", parent_generation_id: one.id, created_at: new Date(asked.getTime() + 20_000).toISOString() });
    const rerun = succeeded(job({ kind: "rerun", parent_generation_id: one.id, prompt: one.prompt }));
    const { user, history } = await openHistory([rerun, again, one]);
    const [rerunRow, againRow, oneRow] = within(history).getAllByRole("listitem");
    expect(within(rerunRow!).getByText(`Re-run of the result of today, ${second}`)).toBeInTheDocument();
    // Seen as said: the two clicks of that minute are told apart on their rows and tiles.
    expect(within(oneRow!).getByText(`Today, ${second}`)).toBeInTheDocument();
    expect(within(againRow!).getByText(/^Today, \d+:14:25/)).toBeInTheDocument();
    await user.click(within(history).getByRole("button", { name: "Results only" }));
    const tiles = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(within(tiles[2]!).getByText(`Today, ${second}`)).toBeInTheDocument();
  });
});

describe("a long prompt in the history", () => {
  it("is cut at three lines, with Show all to read it whole, only where it is cut", async () => {
    const long = "a portrait in the evening light, ".repeat(12).trim();
    // jsdom lays nothing out: a prompt is as tall as its words, and three lines hold 120 characters.
    const height = vi.spyOn(HTMLElement.prototype, "scrollHeight", "get").mockImplementation(function (this: HTMLElement) {
      return (this.textContent?.length ?? 0) > 120 ? 120 : 40;
    });
    const shown = vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(60);
    try {
      const { user, history } = await openHistory([succeeded(job({ prompt: long })), succeeded(job({ prompt: "short" }))]);
      const [cut, whole] = within(history).getAllByRole("listitem");
      expect(within(whole!).queryByRole("button", { name: "Show all" })).not.toBeInTheDocument();
      const more = within(cut!).getByRole("button", { name: "Show all" });
      expect(more).toHaveAttribute("aria-expanded", "false");
      await user.click(more);
      expect(within(cut!).getByRole("button", { name: "Show less" })).toHaveAttribute("aria-expanded", "true");
      expect(within(cut!).getByText(`“${long}”`).className).toMatch(/whole/);
      await user.click(within(cut!).getByRole("button", { name: "Show less" }));
      expect(within(cut!).getByRole("button", { name: "Show all" })).toBeInTheDocument();
    } finally {
      height.mockRestore();
      shown.mockRestore();
    }
  });
});

describe("a history read again while the page is left open", () => {
  /** The page on a history of one result whose URLs are signed anew on every read, its
   * output URLs lasting `urlLifetimeS`: its picture, and how many reads were made. */
  async function signedAnewOnEveryRead(prompt: string, urlLifetimeS = apiConfig.output_url_expiry_s) {
    const done = succeeded(job({ prompt }));
    let reads = 0;
    given(
      http.get("/v1/config", ({ response }) => response(200).json({ ...apiConfig, output_url_expiry_s: urlLifetimeS })),
      http.get("/v1/generations", ({ response }) => {
        reads += 1;
        const signed = `http://s3.test/preview.jpg?signature=${reads}`;
        return response(200).json({
          items: [{ ...done, output: { ...done.output!, preview_url: signed, url: signed } }],
          next_cursor: null,
        });
      }),
      http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(done)),
    );
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await within(history).findByText(`“${prompt}”`);
    return { picture: () => history.querySelector("img")!, reads: () => reads };
  }

  it("keeps each picture's URL while it is fresh, so the browser does not download it again", async () => {
    fakeClock();
    try {
      const { picture, reads } = await signedAnewOnEveryRead("signed anew on every read");
      const first = picture().getAttribute("src");
      const before = reads();
      await timePasses(IDLE_REFRESH_MS + 1000);
      await waitFor(() => expect(reads()).toBeGreaterThan(before));
      expect(picture().getAttribute("src")).toBe(first);
    } finally {
      vi.useRealTimers();
    }
  });

  it("takes the new URLs once two thirds of their life is gone, not the first read's expired ones", async () => {
    fakeClock();
    try {
      const { picture, reads } = await signedAnewOnEveryRead("signed for a minute", 60);
      const first = picture().getAttribute("src");
      // 31 s on: read again, its URLs (good for 60 s) kept.
      await timePasses(IDLE_REFRESH_MS + 1000);
      expect(picture().getAttribute("src")).toBe(first);
      // 61 s on, past 40 s: the URLs of the read just made.
      const before = reads();
      await timePasses(IDLE_REFRESH_MS);
      await waitFor(() => expect(reads()).toBeGreaterThan(before));
      await waitFor(() => expect(picture().getAttribute("src")).not.toBe(first));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("a history that cannot be read", () => {
  /** The API's answer to a fault inside it (a 500, `internal_error`, as `errors.py` shapes
   * it) to the history's reads while `failing` says so; then its generations. */
  function failingHistory(jobs: Job[], failing: { now: boolean }) {
    return http.get("/v1/generations", ({ response }) =>
      failing.now
        ? response(500).json({ error: { code: "internal_error", message: "Something went wrong on our side.", details: {} } })
        : response(200).json({ items: jobs, next_cursor: null }),
    );
  }

  it("says so, and that the page keeps trying, through its tries, not Loading again at each", async () => {
    const done = succeeded(job({ prompt: "read at last" }));
    const failing = { now: true };
    given(failingHistory([done], failing), ...historyOf([done]));
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const said = "The history could not be read: the API answered 500 (Something went wrong on our side). The page keeps trying.";
    // Within the read and its one retry.
    expect(await within(history).findByRole("alert", {}, { timeout: 4000 })).toHaveTextContent(said);
    // Each try after that starts as a first load: the reason stays, and no "Loading" comes back.
    for (let tick = 0; tick < 16; tick += 1) {
      await timePasses(250);
      expect(within(history).getByRole("alert")).toHaveTextContent(said);
      expect(within(history).queryByText("Loading the history…")).toBeNull();
    }

    failing.now = false;
    expect(await within(history).findByText("read at last", { exact: false }, { timeout: 5000 })).toBeInTheDocument();
    expect(within(history).queryByRole("alert")).toBeNull();
  }, 15_000);
});

describe("the identities, on a page left open", () => {
  it("are read again before their images' URLs expire", async () => {
    fakeClock();
    try {
      let reads = 0;
      given(
        http.get("/v1/config", ({ response }) => response(200).json({ ...apiConfig, output_url_expiry_s: 60 })),
        http.get("/v1/users/{user_id}/identities", ({ response }) => {
          reads += 1;
          return response(200).json({ identities });
        }),
      );
      await openAsAlice();
      const before = reads;
      // Two thirds of the URLs' 60 s, and a little.
      await timePasses(41_000);
      await waitFor(() => expect(reads).toBeGreaterThan(before));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("the identity's image, read again", () => {
  it("keeps the URL it was first read with while it is fresh, then takes the new one", async () => {
    fakeClock();
    try {
      let reads = 0;
      given(
        // URLs good for 60 s: taken anew once 40 s old.
        http.get("/v1/config", ({ response }) => response(200).json({ ...apiConfig, output_url_expiry_s: 60 })),
        http.get("/v1/users/{user_id}/identities", ({ params, response }) => {
          if (params.user_id !== "3") return response(200).json({ identities: [] });
          reads += 1;
          const signed = `http://s3.test/current.png?signature=${reads}`;
          return response(200).json({
            identities: identities.map((each, index) =>
              index === 0 ? { ...each, image_path: "generated/x.png", image_url: signed, image_preview_url: null } : each,
            ),
          });
        }),
      );
      const user = await openAsAlice();
      const picture = () => screen.getByRole("img", { name: "Alice the chef, as it looks now" }).getAttribute("src");
      const first = picture();
      // Away to another user and back once they are 30 s old: read again, signed anew, and the
      // picture keeps its URL (a new one would download it again).
      await timePasses(31_000);
      const before = reads;
      await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
      await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "3");
      await waitFor(() => expect(reads).toBeGreaterThan(before));
      expect(picture()).toBe(first);
      // Past two thirds of its life (counted from its first read, not the last): the new one.
      await timePasses(12_000);
      await waitFor(() => expect(picture()).not.toBe(first));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("a history of several pages, read again", () => {
  /** 50 jobs, "job 1" (`newest`) to "job 50", each its own click (its own row), newest first. */
  function fiftyJobs(newest: Job): Job[] {
    return [newest, ...Array.from({ length: 49 }, (_, index) => succeeded(job({ prompt: `job ${index + 2}` })))];
  }

  /** The jobs the history's rows show, in their order. */
  const shownIds = (history: HTMLElement) =>
    [...history.querySelectorAll<HTMLElement>("li[data-job-id]")].map((row) => row.dataset.jobId);

  /** Open the history and read its three pages. */
  async function openThreePages(...handlers: Parameters<typeof given>) {
    given(...handlers);
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await within(history).findByText("20 newest generations · older below");
    await user.click(within(history).getByRole("button", { name: "Show older generations" }));
    await within(history).findByText("40 newest generations · older below");
    await user.click(within(history).getByRole("button", { name: "Show older generations" }));
    await within(history).findByText("50 generations");
    return { user, history };
  }

  /** Let `count` polls go by (each poll's answer renders before the next). */
  async function polls(count: number) {
    for (let poll = 0; poll < count; poll += 1) await timePasses(POLL_MS);
  }

  it("reads only the first page while the job that moves is there, the others every OLDER_PAGE_REFRESH_MS", async () => {
    fakeClock();
    try {
      const jobs = fiftyJobs(job({ status: "running", stage: "generating", prompt: "job 1" }));
      const paged = pagedHistory(() => jobs);
      await openThreePages(paged.handler, ...historyOf(jobs));
      paged.reads.length = 0;
      await polls(5);
      expect(paged.reads.length).toBeGreaterThanOrEqual(4);
      expect(new Set(paged.reads)).toEqual(new Set([null]));
      // What another tab did on them shows within OLDER_PAGE_REFRESH_MS, as while nothing moves.
      // The clock moved on by it, not 150 polls of a 50-job history rendered one by one (30 s
      // of a test's time, on a busy machine past its limit): a page's age is read off the clock.
      vi.setSystemTime(Date.now() + OLDER_PAGE_REFRESH_MS);
      await polls(2);
      expect(paged.reads).toContain(cursorAfter(jobs[19]!));
      expect(paged.reads).toContain(cursorAfter(jobs[39]!));
    } finally {
      vi.useRealTimers();
    }
  });

  it("reads only the first page at each idle refresh, the older ones every OLDER_PAGE_REFRESH_MS", async () => {
    fakeClock();
    try {
      const jobs = fiftyJobs(succeeded(job({ prompt: "job 1" })));
      const paged = pagedHistory(() => jobs);
      await openThreePages(paged.handler, ...historyOf(jobs));
      paged.reads.length = 0;
      // Three idle refreshes: three reads, not nine (every page at each).
      await timePasses(3 * IDLE_REFRESH_MS + 1000);
      expect(paged.reads).toEqual([null, null, null]);
      await timePasses(OLDER_PAGE_REFRESH_MS);
      expect(paged.reads).toContain(cursorAfter(jobs[19]!));
      expect(paged.reads).toContain(cursorAfter(jobs[39]!));
    } finally {
      vi.useRealTimers();
    }
  });

  it("reads a later page on every poll while a job of it moves, and not the pages after it", async () => {
    fakeClock();
    try {
      const jobs = fiftyJobs(succeeded(job({ prompt: "job 1" })));
      jobs[24] = job({ status: "running", stage: "generating", prompt: "job 25" });
      const paged = pagedHistory(() => jobs);
      await openThreePages(paged.handler, ...historyOf(jobs));
      paged.reads.length = 0;
      await polls(5);
      expect(paged.reads.filter((cursor) => cursor === cursorAfter(jobs[19]!)).length).toBeGreaterThanOrEqual(4);
      expect(new Set(paged.reads)).toEqual(new Set([null, cursorAfter(jobs[19]!)]));
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows once the job a new one pushed onto the next page, then reads only the first page again", async () => {
    fakeClock();
    try {
      const jobs = fiftyJobs(job({ status: "running", stage: "generating", prompt: "job 1" }));
      const paged = pagedHistory(() => jobs);
      const { history } = await openThreePages(paged.handler, ...historyOf(jobs));
      expect(shownIds(history)).toEqual(jobs.map((each) => each.id));

      // Another tab's click comes first: "job 20" slides onto page 2, and "job 40" onto page 3.
      paged.reads.length = 0;
      jobs.unshift(succeeded(job({ prompt: "from another tab" })));
      await polls(1);
      await within(history).findByText("“from another tab”");
      expect(shownIds(history)).toEqual(jobs.map((each) => each.id));
      expect(within(history).getByText("51 generations")).toBeInTheDocument();
      expect(paged.reads.slice(0, 3)).toEqual([null, cursorAfter(jobs[19]!), cursorAfter(jobs[39]!)]);

      paged.reads.length = 0;
      await polls(3);
      expect(new Set(paged.reads)).toEqual(new Set([null]));
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ["in the save's answer", "in-answer"],
    ["on the job's next read", "on-next-read"],
  ] as const)(
    "shows a save of a job on the third page there, landing %s",
    async (_landing, saves) => {
      fakeClock();
      try {
        const service = jobService({ saves });
        const jobs = fiftyJobs(succeeded(job({ prompt: "job 1" })));
        // The identity's image path names the job saved: an id within no other's ("job-4" is in "job-45").
        jobs[44] = succeeded(job({ id: "saved-from-page-3", prompt: "job 45" }));
        for (const each of jobs) service.jobs.set(each.id, each);
        const paged = pagedHistory(() => jobs.map((each) => service.jobs.get(each.id)!));
        const { user, history } = await openThreePages(paged.handler, ...service.handlers);
        const row = () => history.querySelector<HTMLElement>(`li[data-job-id="${jobs[44]!.id}"]`)!;
        await user.click(within(row()).getByRole("button", { name: /^Save to identity\b/ }));
        expect(await within(row()).findByText("Saved to identity", {}, { timeout: 8000 })).toBeInTheDocument();
      } finally {
        vi.useRealTimers();
      }
    },
  );
});

/** The job behind the identity's image (`theSavedOnesReads`), the 42nd of 45: on the third page. */
const savedId = "0123456789abcdef0123456789abcdef";

/** 45 succeeded jobs, newest first, the 42nd of them `savedId`. */
function historyWithTheSavedOne(): Job[] {
  return Array.from({ length: 45 }, (_, index) => succeeded(job({ prompt: `job ${index + 1}`, ...(index === 41 ? { id: savedId } : {}) })));
}

/** Each of `jobs` read on its own, and Alice's chef (her first identity) with `savedId`'s image. */
function theSavedOnesReads(jobs: Job[]) {
  return [
    http.get("/v1/generations/{generation_id}", ({ params, response }) =>
      response(200).json(jobs.find((each) => each.id === params.generation_id)!),
    ),
    http.get("/v1/users/{user_id}/identities", ({ params, response }) =>
      response(200).json({
        identities:
          params.user_id === "1"
            ? []
            : identities.map((identity, index) =>
                index === 0 ? { ...identity, image_path: `identities/${savedId}_Xk2Lm9q.png`, image_url: "http://s3.test/saved.png" } : identity,
              ),
      }),
    ),
  ];
}

describe("the identity's saved image, pages down the history", () => {
  it("is one click away: Show the saved one reads the pages up to its row and takes the admin there", async () => {
    const jobs = historyWithTheSavedOne();
    const saved = jobs[41]!;
    jobs[41] = { ...saved, apply: { ...saved.apply, status: "applied", attempt: 1, applied_at: "2026-12-04T10:00:00Z" } };
    const paged = pagedHistory(() => jobs);
    given(
      paged.handler,
      ...theSavedOnesReads(jobs),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await within(history).findByText("20 newest generations · older below");
    expect(within(history).queryByText("Saved to identity")).not.toBeInTheDocument();

    await user.click(within(history).getByRole("button", { name: "Show the saved one" }));
    await waitFor(() => expect(history.querySelector(`[data-job-id="${savedId}"]`)).toHaveFocus());
    // Marked for a moment: a focus given after a mouse click draws no ring of its own.
    expect(history.querySelector(`[data-job-id="${savedId}"]`)).toHaveAttribute("data-arrived");
    expect(within(history.querySelector<HTMLElement>(`[data-job-id="${savedId}"]`)!).getByText("Saved to identity")).toBeInTheDocument();
    expect(paged.reads).toEqual([null, cursorAfter(jobs[19]!), cursorAfter(jobs[39]!)]);
    // Read: its badge says it, no button for it any more.
    expect(within(history).queryByRole("button", { name: "Show the saved one" })).not.toBeInTheDocument();
  });
});

/** `target` as saved to its identity at `at`. */
function savedAt(target: Job, at: string): Job {
  return { ...target, apply: { status: "applied", attempt: 1, error: null, applied_at: at, requested_at: at } };
}

/** The page on Alice's chef, whose history is read (20 of 45), switched to its Saved view. */
async function openOnSaved() {
  const user = await openAsAlice();
  const history = await screen.findByRole("region", { name: "History" });
  await within(history).findByText("20 newest generations · older below");
  await user.click(within(history).getByRole("button", { name: "Saved" }));
  return { user, history };
}

/**
 * `historyWithTheSavedOne`'s 45 jobs, the ones at `saves`' places saved at its times, over a
 * `jobService` whose saves land at once, Alice's chef showing the image of the one at
 * `current`: the page opened on its Saved view, its saves read.
 */
async function savedViewOf(saves: Record<number, string>, current: number) {
  const service = jobService({ saves: "at-once" });
  const jobs = historyWithTheSavedOne().map((each, index) => (saves[index] ? savedAt(each, saves[index]) : each));
  for (const each of jobs) service.jobs.set(each.id, each);
  service.imagePaths.set("id-chef", jobs[current]!.output!.key);
  given(pagedHistory(() => [...service.jobs.values()]).handler, ...service.handlers);
  const user = await openAsAlice();
  const history = await screen.findByRole("region", { name: "History" });
  await within(history).findByText("20 newest generations · older below");
  await user.click(within(history).getByRole("button", { name: "Saved" }));
  await within(history).findByText(`${Object.keys(saves).length} saved`);
  const tileOf = (each: Job) => history.querySelector<HTMLElement>(`li[data-job-id="${each.id}"]`)!;
  return { service, jobs, user, history, tileOf };
}

describe("the Saved view, when the identity's image is an older generation's", () => {
  it("shows the saves however far down the history, read for it, without reading the history's older pages", async () => {
    const jobs = historyWithTheSavedOne().map((each, index) => (index === 41 ? savedAt(each, "2026-12-04T10:00:00Z") : each));
    const paged = pagedHistory(() => jobs);
    given(paged.handler, ...theSavedOnesReads(jobs));
    const { history } = await openOnSaved();

    const results = await within(history).findByRole("list", { name: "Results" });
    const [tile] = within(results).getAllByRole("listitem");
    expect(within(tile!).getByText("“job 42”")).toBeInTheDocument();
    expect(within(tile!).getByText("Saved to identity")).toBeInTheDocument();
    expect(within(history).getByText("1 saved")).toBeInTheDocument();
    expect(within(history).queryByRole("button", { name: "Show the saved one" })).not.toBeInTheDocument();
    // One read of the saves; the history's older pages are not read for it.
    expect(paged.savedReads).toEqual([null]);
    expect(paged.reads).toEqual([null]);
  });

  it("reads every page of saves before it shows them, so that they stand in the order they were saved", async () => {
    // 130 saves, the newest 20 generations down: two pages of saves, read one after the other.
    const jobs = Array.from({ length: 150 }, (_, index) =>
      succeeded(job({ prompt: `job ${index + 1}`, created_at: new Date(Date.UTC(2026, 11, 4, 9, 0, 150 - index)).toISOString() })),
    ).map((each, index) =>
      index < 20
        ? each
        : { ...each, apply: { ...each.apply!, status: "applied" as const, attempt: 1, applied_at: new Date(Date.UTC(2026, 11, 4, 12, 0, index)).toISOString() } },
    );
    const paged = pagedHistory(() => jobs);
    given(paged.handler, ...historyOf(jobs).slice(1));
    const { history } = await openOnSaved();

    expect(await within(history).findByText("130 saved", {}, { timeout: 8000 })).toBeInTheDocument();
    const tiles = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    // The last saved first, though it was asked first of them (on the second page).
    expect(tiles[0]!.dataset.jobId).toBe(jobs[149]!.id);
    expect(tiles).toHaveLength(130);
    expect(within(history).queryByRole("button", { name: /^Show older/ })).not.toBeInTheDocument();
    expect(paged.savedReads).toEqual([null, cursorAfter(jobs[119]!)]);
    expect(paged.reads).toEqual([null]);
  });

  it("says the saves are on their way, not the few among the pages read as if they were all", async () => {
    const jobs = historyWithTheSavedOne().map((each, index) => (index === 41 ? savedAt(each, "2026-12-04T10:00:00Z") : each));
    const paged = pagedHistory(() => jobs);
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    given(
      http.get("/v1/generations", async ({ query }) => {
        if (query.get("saved") === "true") await answered;
        return undefined;
      }),
      paged.handler,
      ...theSavedOnesReads(jobs),
    );
    const { history } = await openOnSaved();

    expect(within(history).getByText("Loading the saved images…")).toBeInTheDocument();
    expect(within(history).queryByText(/saved from|0 saved/)).not.toBeInTheDocument();
    expect(within(history).queryByText(/comes from an older generation/)).not.toBeInTheDocument();
    answer();
    expect(await within(history).findByText("1 saved")).toBeInTheDocument();
    expect(within(history).queryByText("Loading the saved images…")).not.toBeInTheDocument();
  });

  it("saves an old one again from its tile, 40 generations down: it becomes the identity's image, and the one it replaces says so", async () => {
    const { service, jobs, user, history, tileOf } = await savedViewOf({ 41: "2026-12-04T10:00:00Z", 0: "2026-12-04T11:00:00Z" }, 0);
    expect(within(tileOf(jobs[41]!)).getByText(/then replaced$/)).toBeInTheDocument();

    await user.click(within(tileOf(jobs[41]!)).getByRole("button", { name: /^Save to identity\b/ }));
    expect(await within(tileOf(jobs[41]!)).findByText("Saved to identity", {}, { timeout: 8000 })).toBeInTheDocument();
    expect(within(tileOf(jobs[0]!)).getByText(/then replaced$/)).toBeInTheDocument();
    // Saved again, it comes first: the image the identity shows.
    const tiles = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(tiles.map((tile) => tile.dataset.jobId)).toEqual([jobs[41]!.id, jobs[0]!.id]);
    expect(service.applied).toEqual([jobs[41]!.id]);
  });

  it("offers Undo after saving an old one over another old one, and the Undo puts that one back", async () => {
    const { service, jobs, user, tileOf } = await savedViewOf({ 41: "2026-12-04T10:00:00Z", 43: "2026-12-04T11:00:00Z" }, 43);

    await user.click(within(tileOf(jobs[41]!)).getByRole("button", { name: /^Save to identity\b/ }));
    await user.click(await within(tileOf(jobs[41]!)).findByRole("button", { name: /^Undo/ }, { timeout: 8000 }));
    expect(await within(tileOf(jobs[43]!)).findByText("Saved to identity", {}, { timeout: 8000 })).toBeInTheDocument();
    expect(service.applied).toEqual([jobs[41]!.id, jobs[43]!.id]);
  });

  it("shows a save that landed as the identity's image once the saves' read says so, though the history's read is older", async () => {
    const landedAt = new Date(Date.now() + 60_000).toISOString();
    const jobs = historyWithTheSavedOne().map((each, index) => (index === 3 ? savedAt(each, "2026-12-04T10:00:00Z") : index === 0 ? savedAt(each, "2026-12-04T11:00:00Z") : each));
    // The saves read after the save of job 4 landed; the history read just before it did.
    const landed = { ...savedAt(jobs[3]!, landedAt), updated_at: landedAt };
    given(
      http.get("/v1/generations", ({ query, response }) =>
        response(200).json(
          query.get("saved") === "true"
            ? { items: [jobs[0]!, landed], next_cursor: null }
            : { items: jobs.slice(0, 20), next_cursor: cursorAfter(jobs[19]!) },
        ),
      ),
      ...historyOf(jobs).slice(1),
      chefWith({ image_path: chefImageOf(jobs[0]!) }),
    );
    const { history } = await openOnSaved();
    await within(history).findByText("2 saved");
    const tiles = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(tiles.map((tile) => tile.dataset.jobId)).toEqual([jobs[3]!.id, jobs[0]!.id]);
    expect(within(tiles[0]!).getByText("Saved to identity")).toBeInTheDocument();
  });

  it("compares an old save, read for the view alone, with the current image", async () => {
    const jobs = historyWithTheSavedOne();
    jobs[41] = savedAt(jobs[41]!, "2026-12-04T10:00:05Z");
    jobs[0] = savedAt(jobs[0]!, "2026-12-04T11:00:00Z");
    given(pagedHistory(() => jobs).handler, ...historyOf(jobs).slice(1), chefWith({ image_path: chefImageOf(jobs[0]!), image_url: "http://s3.test/now.png" }));
    const { user, history } = await openOnSaved();
    await within(history).findByText("2 saved");
    const old = history.querySelector<HTMLElement>(`li[data-job-id="${jobs[41]!.id}"]`)!;
    await user.click(within(old).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
    expect(within(dialog).getAllByRole("img")).toHaveLength(2);
    expect(within(dialog).getByRole("button", { name: "Save this result to identity" })).toBeInTheDocument();
  });

  it("reads its saves again every few minutes while idle, not at each of the history's reads", async () => {
    fakeClock();
    try {
      const jobs = historyWithTheSavedOne().map((each, index) => (index === 41 ? savedAt(each, "2026-12-04T10:00:00Z") : each));
      const paged = pagedHistory(() => jobs);
      given(paged.handler, ...theSavedOnesReads(jobs));
      const { history } = await openOnSaved();
      await within(history).findByText("1 saved");
      const reads = paged.reads.length;
      await timePasses(IDLE_REFRESH_MS + 1000);
      await waitFor(() => expect(paged.reads.length).toBeGreaterThan(reads));
      expect(paged.savedReads).toEqual([null]);
      await timePasses(OLDER_PAGE_REFRESH_MS);
      await waitFor(() => expect(paged.savedReads).toEqual([null, null]));
    } finally {
      vi.useRealTimers();
    }
  });

  it("tells two saves of one minute apart to the second, though both are older than the pages read", async () => {
    const jobs = historyWithTheSavedOne();
    jobs[41] = savedAt(jobs[41]!, "2026-12-04T10:00:05Z");
    jobs[43] = savedAt(jobs[43]!, "2026-12-04T10:00:40Z");
    jobs[0] = savedAt(jobs[0]!, "2026-12-04T11:00:00Z");
    given(pagedHistory(() => jobs).handler, ...historyOf(jobs).slice(1), chefWith({ image_path: chefImageOf(jobs[0]!) }));
    const { history } = await openOnSaved();
    await within(history).findByText("3 saved");
    const tileOf = (each: Job) => history.querySelector<HTMLElement>(`li[data-job-id="${each.id}"]`)!;
    for (const each of [jobs[41]!, jobs[43]!]) {
      const words = `Saved ${momentPhrase(each.apply!.applied_at!, { seconds: true })}, then replaced`;
      expect(within(tileOf(each)).getByText(words)).toBeInTheDocument();
    }
  });

  it("says the image comes from an older generation, not that none was saved, when the host set it (no save of it read), and finds it from there", async () => {
    const jobs = historyWithTheSavedOne();
    given(pagedHistory(() => jobs).handler, ...theSavedOnesReads(jobs));
    const { user, history } = await openOnSaved();

    expect(within(history).queryByText("None of these generations was saved to the identity.")).not.toBeInTheDocument();
    const note = await within(history).findByText(/^The identity's image comes from an older generation\./);
    // One way to it, in the note: not a second one in the header.
    expect(within(history).getAllByRole("button", { name: "Show the saved one" })).toHaveLength(1);
    await user.click(within(note).getByRole("button", { name: "Show the saved one" }));
    await waitFor(() => expect(history.querySelector(`[data-job-id="${savedId}"]`)).toHaveFocus());
    const results = within(history).getByRole("list", { name: "Results" });
    expect(within(results).getAllByRole("listitem")).toHaveLength(1);
  });
});

describe("the saved one, when an older page cannot be read", () => {
  it.each([
    ["refused (403)", 403],
    ["failing (500)", 500],
  ] as const)("is sought once, not asked for forever, when that page is %s: the button comes back", async (_how, status) => {
    const jobs = historyWithTheSavedOne();
    const secondPage = cursorAfter(jobs[19]!);
    let asked = 0;
    given(
      http.get("/v1/generations", ({ query, response }) => {
        if (query.get("cursor") === null) return response(200).json({ items: jobs.slice(0, 20), next_cursor: secondPage });
        asked += 1;
        return apiError(status, status === 403 ? "forbidden" : "internal_error", "That page could not be read.");
      }),
      ...theSavedOnesReads(jobs),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await within(history).findByText("20 newest generations · older below");

    await user.click(within(history).getByRole("button", { name: "Show the saved one" }));
    expect(await within(history).findByText("The saved one could not be found: try again.", {}, { timeout: 4000 })).toBeInTheDocument();
    expect(within(history).getByRole("button", { name: "Show the saved one" })).toHaveAttribute("aria-disabled", "false");
    // The read and, for a fault on the server, its one retry; no more while nobody asks.
    const tries = status === 403 ? 1 : 2;
    expect(asked).toBe(tries);
    await timePasses(1500);
    expect(asked).toBe(tries);
  });
});

describe("a job's row", () => {
  it("says how each job of the history came about", async () => {
    const base = succeeded(job({ prompt: "a portrait", created_at: "2026-03-14T09:26:00Z" }));
    const second = succeeded(job({ batch_id: "b", batch_index: 1, batch_size: 3, created_at: "2026-03-14T09:20:00Z" }));
    const failed = job({
      status: "failed",
      created_at: "2026-03-14T09:10:00Z",
      error: { code: "provider_unavailable", message: "Gemini is unavailable.", details: {} },
    });
    const items = [
      succeeded(job({ kind: "refine", parent_generation_id: base.id, instruction: "add a red scarf" })),
      succeeded(job({ kind: "rerun", parent_generation_id: base.id })),
      succeeded(job({ kind: "rerun", parent_generation_id: second.id })),
      succeeded(job({ kind: "rerun", parent_generation_id: failed.id })),
      succeeded(job({ kind: "rerun", parent_generation_id: "older-than-this-page" })),
      base,
      second,
      failed,
    ];
    given(
      ...historyOf(items),
    );
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    expect(await within(history).findByText(`Refined: “add a red scarf”, from the result of ${createdPhrase(base)}`)).toBeInTheDocument();
    expect(within(history).getByText(`Re-run of the result of ${createdPhrase(base)}`)).toBeInTheDocument();
    // Of which variant, when the click made several.
    expect(within(history).getByText(/^Re-run of the result of .*, variant 2 of 3$/)).toBeInTheDocument();
    // A job with no result is named by how it ended.
    expect(within(history).getByText(`Re-run of the failed generation of ${createdPhrase(failed)}`)).toBeInTheDocument();
    expect(within(history).getByText("Re-run of an earlier generation")).toBeInTheDocument();
    expect(within(history).getByText("Variant 2 of 3")).toBeInTheDocument();
    // The result pane's card (the latest job, a refinement) shows what was asked, only that:
    // of which result is the history's to show, and is said to a screen reader with the rest.
    const result = screen.getByRole("region", { name: "Result" });
    const from = `, from the result of ${createdPhrase(base)}`;
    const asked = within(result).getByText("Refined: “add a red scarf”");
    expect(asked).toHaveTextContent(`Refined: “add a red scarf”${from}`);
    expect(within(asked).getByText(from)).toHaveClass("visuallyHidden");
    expect(asked).not.toHaveAttribute("title");
  });

  it("says a click's prompt and settings once, above its variants, each of them a row alike", async () => {
    const batch = [0, 1, 2].map((index) =>
      succeeded(job({ prompt: "three ways", batch_id: "b", batch_index: index, batch_size: 3 })),
    );
    given(...historyOf([...batch, succeeded(job({ prompt: "alone" }))]));
    await openAsAlice();
    const history = screen.getByRole("region", { name: "History" });
    await within(history).findAllByRole("listitem");
    const list = within(history).getAllByRole("list")[0]!;
    const [click, alone] = within(list).getAllByRole("listitem").filter((row) => row.parentElement === list);
    expect(click).toHaveAccessibleName(/, 3 variants$/);
    // What they share, once: the prompt, the settings, the cost of all three, Edit settings.
    expect(within(click!).getAllByText("“three ways”")).toHaveLength(1);
    expect(click).toHaveTextContent(/\$0\.402 in all/);
    expect(within(click!).getAllByRole("button", { name: /^Edit settings\b/ })).toHaveLength(1);
    // Each variant, the first too: its own number, time, cost and actions, not the prompt.
    const variants = within(click!).getAllByRole("listitem");
    expect(variants.map((row) => row.getAttribute("aria-label"))).toEqual(
      [1, 2, 3].map((n) => expect.stringMatching(new RegExp(`variant ${n} of 3$`))),
    );
    for (const variant of variants) {
      expect(variant).not.toHaveTextContent("three ways");
      expect(within(variant).getByRole("button", { name: /^Save to identity\b/ })).toBeInTheDocument();
    }
    // No "Done": a result's picture says so.
    expect(variants[0]).toHaveTextContent(/^Variant 1 of 3\s*12 s · \$0\.134/);
    expect(alone).toHaveTextContent("“alone”");
    expect(within(alone!).queryByRole("listitem")).toBeNull();
  });
});

describe("older generations", () => {
  it("reads older generations on demand", async () => {
    const newer = [succeeded(job({ prompt: "newest" })), succeeded(job({ prompt: "newer" }))];
    const older = succeeded(job({ prompt: "oldest" }));
    const pages: (string | null)[] = [];
    given(
      http.get("/v1/generations", ({ query, response }) => {
        pages.push(query.get("cursor"));
        return query.get("cursor") === "page-2"
          ? response(200).json({ items: [older], next_cursor: null })
          : response(200).json({ items: newer, next_cursor: "page-2" });
      }),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json([...newer, older].find((item) => item.id === params.generation_id)!),
      ),
    );
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const shown = await within(history).findByText("2 newest generations · older below");
    // Kept on one line: a phone's header broke it after "older", leaving "below" alone.
    expect(shown.textContent).toMatch(/ ·\u00a0older\u00a0below$/);
    expect(within(history).queryByText("“oldest”")).not.toBeInTheDocument();
    const showOlder = within(history).getByRole("button", { name: "Show older generations" });
    fireEvent.click(showOlder);
    fireEvent.click(showOlder); // while the first read is out
    expect(await within(history).findByText("“oldest”")).toBeInTheDocument();
    expect(within(history).getByText("3 generations")).toBeInTheDocument();
    expect(within(history).getByRole("status")).toHaveTextContent(/^Showing 3 generations\.$/);
    expect(within(history).queryByRole("button", { name: "Show older generations" })).not.toBeInTheDocument();
    expect(pages).toEqual([null, "page-2"]);
    // The button went: the focus is on the first row it brought, not lost to the page, marked
    // for a moment (a focus given after a click draws no ring of its own).
    expect(within(history).getAllByRole("listitem")[2]).toHaveFocus();
    expect(within(history).getAllByRole("listitem")[2]).toHaveAttribute("data-arrived");
  });

  it("hands the focus to the first result older generations brought, in Results only", async () => {
    const newest = succeeded(job({ prompt: "newest" }));
    const olderFailed = job({ status: "failed", prompt: "no result" });
    const oldest = succeeded(job({ prompt: "oldest" }));
    given(
      http.get("/v1/generations", ({ query, response }) =>
        query.get("cursor") === "page-2"
          ? response(200).json({ items: [olderFailed, oldest], next_cursor: null })
          : response(200).json({ items: [newest], next_cursor: "page-2" }),
      ),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json([newest, olderFailed, oldest].find((item) => item.id === params.generation_id)!),
      ),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: "Results only" }));
    await user.click(within(history).getByRole("button", { name: "Show older generations" }));
    // The failed job has no tile: the focus goes to the oldest one's, the first it can.
    const tiles = await within(history).findAllByRole("listitem");
    expect(tiles).toHaveLength(2);
    await waitFor(() => expect(tiles[1]).toHaveFocus());
    expect(within(tiles[1]!).getByText("“oldest”")).toBeInTheDocument();
  });

  it("reads older generations on a click while the history is being read again", async () => {
    const running = job({ status: "running", prompt: "running" });
    const older = succeeded(job({ prompt: "oldest" }));
    const pages: (string | null)[] = [];
    let firstRead = true;
    given(
      http.get("/v1/generations", async ({ query, response }) => {
        pages.push(query.get("cursor"));
        if (query.get("cursor") === "page-2") return response(200).json({ items: [older], next_cursor: null });
        // Every read of the first page after the first one is slow: one is always under way.
        if (!firstRead) await new Promise((resolve) => setTimeout(resolve, 5_000));
        firstRead = false;
        return response(200).json({ items: [running], next_cursor: "page-2" });
      }),
      http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(running)),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const showOlder = await within(history).findByRole("button", { name: "Show older generations" });
    await waitFor(() => expect(pages.length).toBeGreaterThan(1), { timeout: 5_000 }); // a poll is out
    await user.click(showOlder);
    expect(await within(history).findByText("“oldest”")).toBeInTheDocument();
    expect(pages).toContain("page-2");
  });
});

describe("the identity's image, to its generation", () => {
  it("takes the admin from 'Current' to the row of the generation the image came from", async () => {
    const savedAt = "2026-12-04T10:00:00Z";
    const saved = {
      ...succeeded(job({ prompt: "the saved one", created_at: "2026-12-04T09:00:00Z" })),
      apply: { status: "applied" as const, attempt: 1, error: null, requested_at: savedAt, applied_at: savedAt },
    };
    const newer = succeeded(job({ prompt: "a newer one" }));
    given(
      chefWith({ image_path: chefImageOf(saved) }),
      ...historyOf([newer, saved]),
    );
    const user = await openAsAlice();
    const history = screen.getByRole("region", { name: "History" });
    await within(history).findAllByRole("listitem");
    await user.click(screen.getByRole("button", { name: "Current image: show its generation in the history" }));
    const row = jobRows(history).find((each) => each.dataset.jobId === saved.id)!;
    expect(row).toHaveFocus();
    expect(row).toHaveTextContent("the saved one");
    expect(row).toHaveTextContent("Saved to identity");
  });

  it("is a caption alone while the history read does not hold that generation", async () => {
    given(
      chefWith({ image_path: "generated/identities/id-chef/older-than-the-history.png" }),
      ...historyOf([succeeded(job({ prompt: "another" }))]),
    );
    await openAsAlice();
    await within(screen.getByRole("region", { name: "History" })).findAllByRole("listitem");
    const whose = screen.getByRole("region", { name: "Whose image" });
    expect(within(whose).getByText("Current")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Current image/ })).toBeNull();
  });
});
