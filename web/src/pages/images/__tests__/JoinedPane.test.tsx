/**
 * A re-run or refinement of a card the result pane shows joins that card's click, beside it:
 * the click's other cards stay, and the new one is focused. One of a job the pane does not
 * show (from the history) takes the pane, as a Generate does; a reload keeps the pane joined,
 * and a new visit (nothing in the tab's session) finds it joined again from the history.
 */
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { apiError, http, job, succeeded } from "../../../test/api";
import { given, openAsAlice, renderImages } from "../../../test/render";
import { cardsInPane, FOUR, fourVariants, jobsInPane, pane } from "../../../test/pane";

const FAILED = { code: "provider_unavailable", message: "Gemini did not answer in time.", details: {} };

/**
 * The API, its jobs ended as they are made (succeeded, or failed where `fails` says), unless
 * `running` (a follow-up then stays queued until `finish`). The history lists them newest
 * first, `earlier` after them.
 */
function jobApi({ fails = [] as number[], earlier = [] as Job[] } = {}) {
  const jobs: Job[] = [...earlier];
  let running = false;
  let batches = 0;
  const made = (base: Job, index: number): Job =>
    fails.includes(index) ? { ...base, status: "failed", error: FAILED, finished_at: base.created_at } : succeeded(base);
  const followUp = (kind: "refine" | "rerun", parent: string, instruction: string | null): Job => {
    batches += 1;
    const base = job({ kind, parent_generation_id: parent, instruction, batch_id: `follow-${batches}`, batch_index: 0, batch_size: 1 });
    const child = running ? base : succeeded(base);
    jobs.unshift(child);
    return child;
  };
  return {
    jobs,
    /** Follow-ups from now on stay queued, until `finish`. */
    keepRunning: () => {
      running = true;
    },
    finish: () => {
      for (const [index, each] of jobs.entries()) if (each.status === "queued") jobs[index] = succeeded(each);
    },
    handlers: [
      http.get("/v1/generations", ({ response }) => response(200).json({ items: jobs, next_cursor: null })),
      http.get("/v1/generations/{generation_id}", ({ params, response }) => {
        const found = jobs.find((each) => each.id === params.generation_id);
        return found ? response(200).json(found) : apiError(404, "generation_not_found", "No.");
      }),
      http.post("/v1/generation-batches", async ({ request, response }) => {
        const body = await request.json();
        batches += 1;
        const batch = `batch-${batches}`;
        const items = Array.from({ length: body.count }, (_, index) =>
          made(
            job({
              prompt: body.prompt,
              aspect_ratio: body.aspect_ratio ?? "16:9",
              batch_id: batch,
              batch_index: index,
              batch_size: body.count,
            }),
            index,
          ),
        );
        jobs.unshift(...[...items].reverse());
        return response(202).json({ batch_id: batch, items });
      }),
      http.post("/v1/generations/{generation_id}/refine", async ({ params, request, response }) => {
        const body = await request.json();
        const child = followUp("refine", params.generation_id, body.instruction);
        return response(202).json({ batch_id: child.batch_id!, items: [child] });
      }),
      http.post("/v1/generations/{generation_id}/rerun", ({ params, response }) => {
        const child = followUp("rerun", params.generation_id, null);
        return response(202).json({ batch_id: child.batch_id!, items: [child] });
      }),
    ],
  };
}

/** Refine `card` of the pane with `words`. */
async function refineInPane(user: Awaited<ReturnType<typeof openAsAlice>>, card: string, words: string) {
  await user.click(within(pane().getByRole("article", { name: card })).getByRole("button", { name: /^Refine\b/ }));
  await user.keyboard(`${words}{Enter}`);
}

describe("a follow-up of a card the pane shows", () => {
  it("joins its click: the four variants stay, the refinement comes after the variant it refined, focused", async () => {
    const api = jobApi();
    const user = await fourVariants(api);
    await refineInPane(user, "Variant 3 of 4", "make the background a darker blue");

    await waitFor(() => expect(pane().getByRole("article", { name: "Refinement of variant 3" })).toHaveFocus());
    expect(cardsInPane()).toEqual(["Variant 1 of 4", "Variant 2 of 4", "Variant 3 of 4", "Refinement of variant 3", "Variant 4 of 4"]);
    // Said on screen, not only to a screen reader: its title, and what it asked.
    const refined = pane().getByRole("article", { name: "Refinement of variant 3" });
    expect(within(refined).getByRole("heading", { name: "Refinement of variant 3" })).toBeVisible();
    expect(refined).toHaveTextContent("Refined: “make the background a darker blue”");

    // Compared with the click's variants, it is named as its card is, not as a fifth variant.
    await user.click(within(refined).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare the variants" });
    expect(within(dialog).getByRole("img", { name: "Refinement of variant 3" })).toBeInTheDocument();
    expect(within(dialog).queryByRole("img", { name: /of 5$/ })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Close Compare" }));

    // A refinement of the refinement joins too, after it.
    await refineInPane(user, "Refinement of variant 3", "warmer");
    await waitFor(() => expect(pane().getByRole("article", { name: "Refinement of the refinement of variant 3" })).toHaveFocus());
    expect(cardsInPane()).toEqual([
      "Variant 1 of 4",
      "Variant 2 of 4",
      "Variant 3 of 4",
      "Refinement of variant 3",
      "Refinement of the refinement of variant 3",
      "Variant 4 of 4",
    ]);
  }, 30_000);

  it("joins its click when it re-runs a failed variant, in that variant's place", async () => {
    const api = jobApi({ fails: [1] });
    const user = await fourVariants(api);
    const failed = pane().getByRole("article", { name: "Variant 2 of 4" });
    await user.click(within(failed).getByRole("button", { name: /^Re-run\b/ }));

    await waitFor(() => expect(pane().getByText("Re-run · 1st try: Gemini busy")).toBeInTheDocument());
    const standIn = pane().getByRole("article", { name: "Variant 2 of 4" });
    expect(standIn.dataset.jobId).not.toBe(failed.dataset.jobId);
    await waitFor(() => expect(standIn).toHaveFocus());
    expect(cardsInPane()).toEqual(FOUR);
    // It says it is a re-run in a line: not again, with the first try's time, on three lines of a narrow card.
    expect(within(standIn).queryByText(/^Re-run of the /)).toBeNull();
  }, 30_000);

  it("joins its click when it re-runs a finished variant from its card, another take beside it, as its history row's Re-run does", async () => {
    const api = jobApi();
    const user = await fourVariants(api);
    const third = pane().getByRole("article", { name: "Variant 3 of 4" });
    // After what follows the result, in the order its history row has them.
    const links = within(third)
      .getAllByRole("button")
      .map((button) => button.textContent)
      .filter((words) => ["Refine", "Compare", "Re-run"].includes(words ?? ""));
    expect(links).toEqual(["Refine", "Compare", "Re-run"]);
    await user.click(within(third).getByRole("button", { name: "Re-run, variant 3 of 4" }));

    await waitFor(() => expect(pane().getByRole("article", { name: "Re-run of variant 3" })).toHaveFocus());
    expect(cardsInPane()).toEqual(["Variant 1 of 4", "Variant 2 of 4", "Variant 3 of 4", "Re-run of variant 3", "Variant 4 of 4"]);
    // Another take, not a retry of a failure: the click's row offers nothing for it.
    expect(pane().queryByRole("button", { name: /^Re-run the/ })).not.toBeInTheDocument();
  }, 30_000);

  it("joins from the history too, when the pane shows the job", async () => {
    const api = jobApi();
    const user = await fourVariants(api);
    const history = screen.getByRole("region", { name: "History" });
    const row = (await within(history).findAllByRole("button", { name: /^Refine\b.*variant 4 of 4/ }))[0]!;
    await user.click(row);
    await user.keyboard("sharper{Enter}");
    await waitFor(() => expect(pane().getByRole("article", { name: "Refinement of variant 4" })).toHaveFocus());
    expect(cardsInPane()).toEqual([...FOUR, "Refinement of variant 4"]);
  }, 30_000);

  it("is still said while the admin is on another identity, and Show brings the joined click back", async () => {
    const api = jobApi();
    const user = await fourVariants(api);
    api.keepRunning();
    await refineInPane(user, "Variant 2 of 4", "softer light");
    await waitFor(() => expect(pane().getByRole("article", { name: "Refinement of variant 2" })).toHaveFocus());
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    const notices = within(await screen.findByRole("group", { name: "Generations elsewhere" }));
    await notices.findByText("Still generating for Alice the chef.");
    api.finish();
    await notices.findByText("Ready for Alice the chef: 1 image.", {}, { timeout: 10_000 });
    await user.click(notices.getByRole("button", { name: "Show Alice the chef" }));
    await waitFor(() =>
      expect(cardsInPane()).toEqual(["Variant 1 of 4", "Variant 2 of 4", "Refinement of variant 2", "Variant 3 of 4", "Variant 4 of 4"]),
    );
  }, 30_000);

  it("keeps the pane joined through a reload", async () => {
    const api = jobApi();
    const user = await fourVariants(api);
    await refineInPane(user, "Variant 1 of 4", "closer");
    const joined = ["Variant 1 of 4", "Refinement of variant 1", "Variant 2 of 4", "Variant 3 of 4", "Variant 4 of 4"];
    await waitFor(() => expect(cardsInPane()).toEqual(joined));
    cleanup();

    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-chef"));
    await waitFor(() => expect(cardsInPane()).toEqual(joined));
  }, 30_000);
});

describe("a follow-up of a job the pane does not show", () => {
  it("takes the pane, from the history, as before", async () => {
    const older = succeeded(job({ prompt: "an older one", created_at: new Date(Date.now() - 3_600_000).toISOString() }));
    const api = jobApi({ earlier: [older] });
    const user = await fourVariants(api);
    const history = screen.getByRole("region", { name: "History" });
    const rows = await within(history).findAllByRole("button", { name: /^Refine\b/ });
    await user.click(rows.at(-1)!); // the older job's, last in the history
    await user.keyboard("darker{Enter}");
    await waitFor(() => expect(pane().getByRole("article", { name: "Refined image" })).toHaveFocus());
    expect(cardsInPane()).toEqual(["Refined image"]);
  }, 30_000);

  it("keeps that pane, joined since, through a reload: the tab knows what the history cannot tell", async () => {
    const older = succeeded(job({ prompt: "an older one", created_at: new Date(Date.now() - 3_600_000).toISOString() }));
    const api = jobApi({ earlier: [older] });
    const user = await fourVariants(api);
    const history = screen.getByRole("region", { name: "History" });
    await user.click((await within(history).findAllByRole("button", { name: /^Refine\b/ })).at(-1)!);
    await user.keyboard("darker{Enter}");
    await waitFor(() => expect(cardsInPane()).toEqual(["Refined image"]));
    await refineInPane(user, "Refined image", "warmer");
    const joined = ["Refined image", "Refinement of the refined image"];
    await waitFor(() => expect(cardsInPane()).toEqual(joined));
    cleanup();

    // Its history reads as a follow-up of an older click after a newer Generate: alone, on a new visit.
    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-chef"));
    await waitFor(() => expect(cardsInPane()).toEqual(joined));
  }, 30_000);
});

describe("a new Generate", () => {
  it("replaces a joined pane, every card of it", async () => {
    const api = jobApi();
    const user = await fourVariants(api);
    await refineInPane(user, "Variant 3 of 4", "darker");
    await waitFor(() => expect(cardsInPane()).toHaveLength(5));
    await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "1");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(cardsInPane()).toEqual(["New image"]));
  }, 30_000);
});

/** A click of `count` made `minutesAgo`, its jobs ended (`failed`: those that failed). */
function madeClick(batch: string, count: number, minutesAgo: number, failed: number[] = []): Job[] {
  const created_at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  return Array.from({ length: count }, (_, index) => {
    const base = job({ batch_id: batch, batch_index: index, batch_size: count, created_at });
    return failed.includes(index) ? { ...base, status: "failed", error: FAILED, finished_at: created_at } : succeeded(base);
  });
}

/** A re-run or refinement of `parent` asked `minutesAgo`, ended, alone in its batch (as the API makes them). */
function madeFollowUp(kind: "rerun" | "refine", parent: Job, minutesAgo: number): Job {
  const created_at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const base = job({ kind, parent_generation_id: parent.id, created_at, batch_index: 0, batch_size: 1 });
  return succeeded({ ...base, batch_id: `follow-${base.id}`, instruction: kind === "refine" ? "darker" : null });
}

/** Open the page afresh (nothing in this tab's session) on Alice the chef, whose history is `jobs`, newest first. */
async function visit(jobs: Job[]) {
  const api = jobApi({ earlier: jobs });
  given(...api.handlers);
  return openAsAlice();
}

describe("a new visit, with nothing in this tab's session", () => {
  it("shows the click the latest follow-ups joined, each after the card it came from, as the tab that made them did", async () => {
    const four = madeClick("four", 4, 30);
    const [v1, v2, v3, v4] = four as [Job, Job, Job, Job];
    const rerun = madeFollowUp("rerun", v2, 20);
    const refined = madeFollowUp("refine", v3, 10);
    await visit([refined, rerun, ...[...four].reverse()]);

    await waitFor(() => expect(jobsInPane()).toEqual([v1.id, v2.id, rerun.id, v3.id, refined.id, v4.id]));
    expect(cardsInPane()).toEqual([
      "Variant 1 of 4",
      "Variant 2 of 4",
      "Re-run of variant 2",
      "Variant 3 of 4",
      "Refinement of variant 3",
      "Variant 4 of 4",
    ]);
  }, 30_000);

  it("goes on joining there: another re-run of variant 3 comes after its refinement, as in the tab that made it", async () => {
    const four = madeClick("four", 4, 30);
    const [v1, v2, v3, v4] = four as [Job, Job, Job, Job];
    const refined = madeFollowUp("refine", v3, 10);
    const user = await visit([refined, ...[...four].reverse()]);
    await waitFor(() => expect(jobsInPane()).toEqual([v1.id, v2.id, v3.id, refined.id, v4.id]));

    await user.click(within(pane().getByRole("article", { name: "Variant 3 of 4" })).getByRole("button", { name: "Re-run, variant 3 of 4" }));
    await waitFor(() => expect(pane().getByRole("article", { name: "Re-run of variant 3" })).toHaveFocus());
    expect(cardsInPane()).toEqual(["Variant 1 of 4", "Variant 2 of 4", "Variant 3 of 4", "Refinement of variant 3", "Re-run of variant 3", "Variant 4 of 4"]);
  }, 30_000);

  it("shows the re-run of a failed variant with its click", async () => {
    const four = madeClick("four", 4, 30, [1]);
    const rerun = madeFollowUp("rerun", four[1]!, 10);
    await visit([rerun, ...[...four].reverse()]);

    await waitFor(() => expect(jobsInPane()).toContain(rerun.id));
    expect(jobsInPane()).toEqual(expect.arrayContaining([four[0]!.id, four[2]!.id, four[3]!.id]));
  }, 30_000);

  it("shows a follow-up of an older click alone when a newer Generate came between (from the history, it took the pane)", async () => {
    const older = madeClick("older", 4, 60);
    const newer = madeClick("newer", 1, 30);
    const rerun = madeFollowUp("rerun", older[1]!, 10);
    await visit([rerun, ...newer, ...[...older].reverse()]);

    await waitFor(() => expect(jobsInPane()).toEqual([rerun.id]));
  }, 30_000);
});
