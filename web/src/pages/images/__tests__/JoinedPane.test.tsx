/**
 * A re-run or refinement of a card the result pane shows joins that card's click, beside it:
 * the click's other cards stay, and the new one is focused. One of a job the pane does not
 * show (from the history) takes the pane, as a Generate does; a reload keeps the pane joined.
 */
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { apiError, http, job, succeeded } from "../../../test/api";
import { openAsAlice, renderImages } from "../../../test/render";
import { cardsInPane, FOUR, fourVariants, pane } from "../../../test/pane";

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

  it("joins its click when it re-runs a failed variant, after that variant", async () => {
    const api = jobApi({ fails: [1] });
    const user = await fourVariants(api);
    await user.click(within(pane().getByRole("article", { name: "Variant 2 of 4" })).getByRole("button", { name: /^Re-run\b/ }));

    await waitFor(() => expect(pane().getByRole("article", { name: "Re-run of variant 2" })).toHaveFocus());
    expect(cardsInPane()).toEqual(["Variant 1 of 4", "Variant 2 of 4", "Re-run of variant 2", "Variant 3 of 4", "Variant 4 of 4"]);
    // Its title says what it re-ran, beside it: not again, with that card's time, on three lines of a narrow card.
    expect(within(pane().getByRole("article", { name: "Re-run of variant 2" })).queryByText(/^Re-run of the /)).toBeNull();
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
