/**
 * What the result pane does for a whole click with one press: re-run its failed cards, cancel
 * its waiting ones; and the reason all its variants failed for, said once above the cards.
 */
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { apiError, http, historyOf, job, succeeded } from "../../../test/api";
import { given, openAsAlice } from "../../../test/render";
import { cardsInPane, FOUR, fourVariants, pane } from "../../../test/pane";
import ui from "../ui.module.css";

const BUSY = { code: "provider_unavailable", message: "Gemini did not answer in time.", details: {} };
const REFUSED = { code: "content_blocked", message: "Gemini blocked the prompt (PROHIBITED_CONTENT).", details: {} };

/**
 * The API: a Generate's variants end as they are made, failed (with `BUSY`) where `fails`
 * says, or stay queued when `queued`; a re-run succeeds at once (fails with `rerunFails` when
 * given), but of `rerunRefused` (503); with `rerunsWait`, re-runs stay queued until
 * `endReruns`, which fails (with `BUSY`) those of the variants `rerunsFailAgain` says and
 * succeeds the others;
 * a cancel cancels, but `cancelRunning`'s, which started meanwhile (409). What each re-run and
 * cancel was asked of is noted.
 */
function clickApi({
  fails = [] as number[],
  queued = false,
  rerunRefused = [] as number[],
  cancelRunning = [] as number[],
  rerunFails = null as Job["error"],
  rerunsWait = false,
  rerunsFailAgain = [] as number[],
} = {}) {
  const jobs: Job[] = [];
  const reruns: string[] = [];
  const cancels: string[] = [];
  let variants: Job[] = [];
  const indexOf = (id: string) => variants.findIndex((each) => each.id === id);
  return {
    jobs,
    reruns,
    cancels,
    /** The waiting re-runs end, each as `rerunsFailAgain` says of its variant. */
    endReruns: () => {
      for (const [at, each] of jobs.entries()) {
        if (each.kind !== "rerun" || each.status !== "queued") continue;
        const again = rerunsFailAgain.includes(indexOf(each.parent_generation_id ?? ""));
        jobs[at] = again ? { ...each, status: "failed", error: BUSY, finished_at: new Date().toISOString() } : succeeded(each);
      }
    },
    handlers: [
      http.get("/v1/generations", ({ response }) => response(200).json({ items: jobs, next_cursor: null })),
      http.get("/v1/generations/{generation_id}", ({ params, response }) => {
        const found = jobs.find((each) => each.id === params.generation_id);
        return found ? response(200).json(found) : apiError(404, "generation_not_found", "No.");
      }),
      http.post("/v1/generation-batches", async ({ request, response }) => {
        const body = await request.json();
        variants = Array.from({ length: body.count }, (_, index) => {
          const base = job({ prompt: body.prompt, batch_id: "batch-1", batch_index: index, batch_size: body.count });
          if (queued) return base;
          return fails.includes(index) ? { ...base, status: "failed", error: BUSY, finished_at: base.created_at } : succeeded(base);
        });
        jobs.unshift(...[...variants].reverse());
        return response(202).json({ batch_id: "batch-1", items: variants });
      }),
      http.post("/v1/generations/{generation_id}/rerun", ({ params, response }) => {
        reruns.push(params.generation_id);
        if (rerunRefused.includes(indexOf(params.generation_id))) {
          return apiError(503, "queue_unavailable", "The job queue did not answer; try again.");
        }
        const base = job({ kind: "rerun", parent_generation_id: params.generation_id, batch_id: `rerun-${reruns.length}` });
        const again = rerunsWait
          ? base
          : rerunFails
            ? { ...base, status: "failed" as const, error: rerunFails, finished_at: base.created_at }
            : succeeded(base);
        jobs.unshift(again);
        return response(202).json({ batch_id: again.batch_id!, items: [again] });
      }),
      http.post("/v1/generations/{generation_id}/cancel", ({ params, response }) => {
        cancels.push(params.generation_id);
        const at = jobs.findIndex((each) => each.id === params.generation_id);
        const current = jobs[at]!;
        if (cancelRunning.includes(indexOf(current.id))) {
          jobs[at] = { ...current, status: "running", started_at: new Date().toISOString() };
          return apiError(409, "generation_running", `Generation '${current.id}' is already running; it cannot be canceled.`, {
            generation_id: current.id,
            status: "running",
          });
        }
        const canceled: Job = { ...current, status: "canceled", canceled_at: new Date().toISOString() };
        jobs[at] = canceled;
        return response(200).json(canceled);
      }),
    ],
  };
}

describe("Re-run the failed", () => {
  it("re-runs each failed variant with one press, each standing in its variant's place, and says so once", async () => {
    const api = clickApi({ fails: [1, 2, 3] });
    const user = await fourVariants(api);
    expect(pane().getByText("Gemini was unavailable.")).toBeInTheDocument();
    await user.click(await pane().findByRole("button", { name: "Re-run the 3 failed" }));

    // Four results, each variant's newest try in its place: not the failed card and its re-run
    // side by side (seven cards, three of them empty boxes).
    await waitFor(() => expect(pane().getAllByText(/^Re-run · 1st try/)).toHaveLength(3));
    expect(cardsInPane()).toEqual(FOUR);
    const reruns = api.jobs.filter((each) => each.kind === "rerun").map((each) => each.id);
    for (const [at, name] of FOUR.slice(1).entries()) {
      const card = pane().getByRole("article", { name });
      expect(reruns).toContain(card.dataset.jobId);
      expect(within(card).getByText("Re-run · 1st try: Gemini busy")).toHaveAttribute(
        "title",
        "The 1st try failed: Gemini was unavailable. It stayed busy through every retry. Try again in a few minutes.",
      );
      expect(within(card).getByRole("img", { name: new RegExp(`^Variant ${at + 2} of 4`) })).toBeInTheDocument();
    }
    // Nothing shown failed any more: the reason said above the cards goes.
    expect(pane().queryByText("Gemini was unavailable.")).not.toBeInTheDocument();
    expect(pane().queryByText("Failed")).not.toBeInTheDocument();
    // One request a job, as each card's own Re-run sends.
    expect([...api.reruns].sort()).toEqual(api.jobs.filter((each) => each.status === "failed").map((each) => each.id).sort());
    expect(api.reruns).toHaveLength(3);
    // The focus with the first of them, as one card's Re-run gives it to its new card.
    await waitFor(() => expect(pane().getByRole("article", { name: "Variant 2 of 4" })).toHaveFocus());
    expect(pane().getByRole("article", { name: "Variant 2 of 4" }).dataset.jobId).toBe(reruns.at(-1));
    await waitFor(() => expect(pane().getByText("Re-running the 3 failed variants.")).toHaveAttribute("role", "status"));
    // Each failed card has its re-run now: pressed again it would pay twice.
    expect(pane().queryByRole("button", { name: /^Re-run the/ })).not.toBeInTheDocument();
  }, 30_000);

  it("says a re-run that could not start on its card, and starts the others", async () => {
    const api = clickApi({ fails: [0, 1, 3], rerunRefused: [1] });
    const user = await fourVariants(api);
    await user.click(await pane().findByRole("button", { name: "Re-run the 3 failed" }));

    await waitFor(() => expect(pane().getAllByText(/^Re-run · 1st try/)).toHaveLength(2));
    expect(cardsInPane()).toEqual(FOUR);
    expect(api.reruns).toHaveLength(3);
    const refused = pane().getByRole("article", { name: "Variant 2 of 4" });
    expect(await within(refused).findByRole("alert")).toHaveTextContent("The job queue did not answer; try again.");
    expect(pane().getAllByRole("alert")).toHaveLength(1);
    // The one left failed says its own reason: no other failed card shown shares it.
    expect(within(refused).getByText("Gemini was unavailable")).toBeInTheDocument();
    expect(pane().queryByText("Gemini was unavailable.")).not.toBeInTheDocument();
    await waitFor(() => expect(pane().getByRole("article", { name: "Variant 1 of 4" })).toHaveFocus());
    expect(pane().getByText("Re-running 2 of the 3 failed variants: 1 could not start.")).toBeInTheDocument();
  }, 30_000);

  it("shows a re-run still on its way in its variant's place, and offers the failed card's Re-run no more", async () => {
    const api = clickApi({ fails: [1], rerunsWait: true });
    const user = await fourVariants(api);
    const failed = pane().getByRole("article", { name: "Variant 2 of 4" });
    await user.click(within(failed).getByRole("button", { name: /^Re-run\b/ }));

    await waitFor(() => expect(pane().getByText(/^Re-run · 1st try/)).toBeInTheDocument());
    expect(cardsInPane()).toEqual(FOUR);
    const standIn = pane().getByRole("article", { name: "Variant 2 of 4" });
    expect(standIn.dataset.jobId).not.toBe(failed.dataset.jobId);
    await waitFor(() => expect(standIn).toHaveFocus());
    expect(within(standIn).getByRole("status")).toHaveTextContent(/Waiting in the queue|Generating/);
    // Its first try's Re-run is not offered beside it: a second press would pay again.
    expect(pane().queryByRole("button", { name: "Re-run, variant 2 of 4" })).not.toBeInTheDocument();

    api.endReruns();
    await waitFor(() => expect(within(standIn).getByRole("img", { name: /^Variant 2 of 4/ })).toBeInTheDocument(), { timeout: 10_000 });
    expect(cardsInPane()).toEqual(FOUR);
  }, 30_000);

  it("shows a re-run that failed again in its place, with its Re-run and the reason above, and a third try after it", async () => {
    const api = clickApi({ fails: [0, 1], rerunFails: BUSY });
    const user = await fourVariants(api);
    await user.click(await pane().findByRole("button", { name: "Re-run the 2 failed" }));

    await waitFor(() => expect(pane().getAllByText("Re-run · 1st try: Gemini busy")).toHaveLength(2));
    expect(cardsInPane()).toEqual(FOUR);
    // The newest tries failed alike: said once above them, each card "Failed" with its Re-run.
    expect(pane().getAllByText("Gemini was unavailable.")).toHaveLength(1);
    for (const name of FOUR.slice(0, 2)) {
      const card = pane().getByRole("article", { name });
      expect(within(card).getByText("Failed")).toBeInTheDocument();
      expect(within(card).getByRole("button", { name: `Re-run, ${name.toLowerCase()}` })).toBeInTheDocument();
    }
    await waitFor(() => expect(pane().getByRole("button", { name: "Re-run the 2 failed" })).toBeInTheDocument());

    await user.click(pane().getByRole("button", { name: "Re-run the 2 failed" }));
    await waitFor(() => expect(pane().getAllByText("Re-run · 2nd try: Gemini busy")).toHaveLength(2));
    expect(cardsInPane()).toEqual(FOUR);
    expect(api.reruns).toHaveLength(4);
  }, 30_000);

  it("says how the re-runs ended as a whole once they all have, not only the newest one's outcome", async () => {
    const api = clickApi({ fails: [1, 2, 3], rerunsWait: true, rerunsFailAgain: [3] });
    const user = await fourVariants(api);
    // The click's outcome, said in one live region for its cards.
    const region = screen.getByRole("region", { name: "Result" }).querySelector<HTMLElement>('[aria-live="polite"][aria-atomic="true"]')!;
    await user.click(await pane().findByRole("button", { name: "Re-run the 3 failed" }));
    await waitFor(() => expect(pane().getAllByText(/^Re-run · 1st try/)).toHaveLength(3));
    await waitFor(() => expect(pane().getByText("Re-running the 3 failed variants.")).toBeInTheDocument());
    expect(region).toHaveTextContent(/^$/);

    api.endReruns();
    await waitFor(() => expect(region).toHaveTextContent(/./), { timeout: 10_000 });
    expect(region).toHaveTextContent(/^2 of the 3 re-runs are ready; 1 failed again: Gemini was unavailable\.$/);
  }, 30_000);

  it("says which try a re-run is with what its card says of itself: under its progress, its failure, or its facts", async () => {
    const api = clickApi({ fails: [1, 2], rerunsWait: true, rerunsFailAgain: [1] });
    const user = await fourVariants(api);
    await user.click(await pane().findByRole("button", { name: "Re-run the 2 failed" }));
    await waitFor(() => expect(pane().getAllByText("Re-run · 1st try: Gemini busy")).toHaveLength(2));
    const card = (name: string) => pane().getByRole("article", { name });
    const line = (name: string) => within(card(name)).getByText("Re-run · 1st try: Gemini busy");

    // On its way: right under its progress, not under the room its result's buttons will take.
    for (const name of ["Variant 2 of 4", "Variant 3 of 4"]) {
      const progress = within(card(name)).getByRole("status");
      expect(line(name).previousElementSibling).toContainElement(progress);
    }

    api.endReruns();
    // Failed again: under why, before what can be done (after Re-run and Edit settings, the
    // line read as belonging to neither).
    const failed = await within(card("Variant 2 of 4")).findByText("Gemini was unavailable");
    expect(failed.compareDocumentPosition(line("Variant 2 of 4")) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    for (const action of [/^Re-run\b/, /^Edit settings\b/]) {
      const button = within(card("Variant 2 of 4")).getByRole("button", { name: action });
      expect(line("Variant 2 of 4").compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    }
    // Done: last, under its facts (its picture and Save level with the cards beside it).
    const picture = await within(card("Variant 3 of 4")).findByRole("img", { name: /^Variant 3 of 4/ }, { timeout: 10_000 });
    const facts = within(card("Variant 3 of 4")).getByText(/^\d+×\d+/);
    for (const before of [picture, facts]) {
      expect(before.compareDocumentPosition(line("Variant 3 of 4")) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    }
    expect(card("Variant 3 of 4").lastElementChild).toBe(line("Variant 3 of 4"));
  }, 30_000);

  it("is not offered for one failed card, whose own Re-run is one press", async () => {
    const api = clickApi({ fails: [2] });
    await fourVariants(api);
    expect(within(pane().getByRole("article", { name: "Variant 3 of 4" })).getByRole("button", { name: /^Re-run\b/ })).toBeInTheDocument();
    expect(pane().queryByRole("button", { name: /^Re-run the/ })).not.toBeInTheDocument();
  }, 30_000);
});

describe("Cancel the waiting", () => {
  it("cancels each waiting variant with one press, and says on its card one that had started meanwhile", async () => {
    const api = clickApi({ queued: true, cancelRunning: [2] });
    const user = await fourVariants(api);
    await user.click(await pane().findByRole("button", { name: "Cancel the 4 waiting" }));
    // Once each cancel had its answer, what came of them, not "Canceling…" still.
    expect(await pane().findByText("Canceled 3 of the 4 waiting variants: the other card says why not.")).toHaveAttribute(
      "role",
      "status",
    );

    expect(pane().getByRole("article", { name: "Variant 1 of 4" })).toHaveFocus();
    for (const name of ["Variant 1 of 4", "Variant 2 of 4", "Variant 4 of 4"]) {
      expect(await within(pane().getByRole("article", { name })).findByText("Canceled")).toBeInTheDocument();
    }
    expect(api.cancels).toHaveLength(4);
    const started = pane().getByRole("article", { name: "Variant 3 of 4" });
    expect(await within(started).findByRole("alert")).toHaveTextContent("Not canceled: it had started before the cancel reached it.");
    // Once each cancel had its answer, what came of them, not "Canceling…" still.
    expect(await pane().findByText("Canceled 3 of the 4 waiting variants: the other card says why not.")).toHaveAttribute(
      "role",
      "status",
    );
    // Nothing waits any more: no such button.
    await waitFor(() => expect(pane().queryByRole("button", { name: /^Cancel the/ })).not.toBeInTheDocument());
  }, 30_000);

  it("says so once every waiting variant was canceled", async () => {
    const api = clickApi({ queued: true });
    const user = await fourVariants(api);
    await user.click(await pane().findByRole("button", { name: "Cancel the 4 waiting" }));
    expect(await pane().findByText("Canceled the 4 waiting variants.")).toHaveAttribute("role", "status");
    expect(api.cancels).toHaveLength(4);
  }, 30_000);
});

describe("the reason every variant failed for", () => {
  const failedBatch = (errors: Job["error"][]) =>
    errors.map((error, index) =>
      job({ status: "failed", error, finished_at: new Date().toISOString(), batch_id: "b", batch_index: index, batch_size: errors.length }),
    );

  it("is said once above the cards, each card keeping its short state, the way on once above them", async () => {
    given(...historyOf(failedBatch([REFUSED, REFUSED])));
    await openAsAlice();
    await waitFor(() => expect(cardsInPane()).toEqual(["Variant 1 of 2", "Variant 2 of 2"]));
    expect(pane().getAllByText("Rephrase the prompt and try again.")).toHaveLength(1);
    expect(pane().getAllByText("Gemini refused the prompt.")).toHaveLength(1);
    // One Edit settings, the click's: not one under it on each card as well.
    expect(pane().getAllByRole("button", { name: /^Edit settings\b/ })).toHaveLength(1);
    for (const card of pane().getAllByRole("article")) {
      expect(card).not.toHaveTextContent("Rephrase");
      expect(within(card).getByText("Failed")).toBeVisible();
    }
  });

  it("that no re-run would mend has Edit settings beside it: one press puts the click's prompt in the form", async () => {
    given(...historyOf(failedBatch([REFUSED, REFUSED]).map((each) => ({ ...each, prompt: "a knight in armour" }))));
    const user = await openAsAlice();
    await waitFor(() => expect(cardsInPane()).toEqual(["Variant 1 of 2", "Variant 2 of 2"]));
    expect(pane().queryByRole("button", { name: /^Re-run/ })).toBeNull();
    // Above the cards, not one of theirs (theirs are named with their variant).
    await user.click(pane().getByRole("button", { name: "Edit settings" }));
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    expect(prompt).toHaveValue("a knight in armour");
    expect(prompt).toHaveFocus();
  });

  it("that a re-run may mend has Re-run the failed beside it, and no Edit settings of the click", async () => {
    given(...historyOf(failedBatch([BUSY, BUSY])));
    await openAsAlice();
    expect(await pane().findByRole("button", { name: "Re-run the 2 failed" })).toBeInTheDocument();
    expect(pane().queryByRole("button", { name: "Edit settings" })).toBeNull();
    // Each card keeps its own, beside its Re-run.
    for (const card of pane().getAllByRole("article")) {
      expect(within(card).getByRole("button", { name: /^Edit settings\b/ })).toBeInTheDocument();
    }
  });

  it("that a re-run may mend but whose words advise a change (the safety filter) has Edit settings first, then Re-run the failed", async () => {
    const STOPPED = { code: "content_blocked", message: "Gemini's safety filter blocked the image (IMAGE_SAFETY).", details: {} };
    given(...historyOf(failedBatch([STOPPED, STOPPED, STOPPED])));
    await openAsAlice();
    await pane().findByText("Try a different prompt or other reference photos.");
    const above = pane().getAllByRole("button", { name: /^(Edit settings|Re-run the 3 failed)$/ });
    expect(above.map((button) => button.textContent)).toEqual(["Edit settings", "Re-run the 3 failed"]);
    // The way on, drawn as such: a re-run of the same prompt is most often refused (and billed) again.
    expect(above.map((button) => button.classList.contains(ui.primary!))).toEqual([true, false]);
    // The click's Edit settings: not one on each card as well.
    for (const card of pane().getAllByRole("article")) {
      expect(within(card).queryByRole("button", { name: /^Edit settings\b/ })).toBeNull();
    }
  });

  it("is left on each card when the variants failed for different reasons", async () => {
    given(...historyOf(failedBatch([REFUSED, BUSY])));
    await openAsAlice();
    const first = await pane().findByRole("article", { name: "Variant 1 of 2" });
    expect(within(first).getByText("Rephrase the prompt and try again.")).toBeInTheDocument();
    const second = pane().getByRole("article", { name: "Variant 2 of 2" });
    expect(within(second).getByText("Gemini was unavailable")).toBeInTheDocument();
    expect(pane().getAllByText(/^Gemini/)).toHaveLength(2);
  });

  it("is said on each card once a re-run in a variant's place failed otherwise, which keeps its words", async () => {
    const api = clickApi({ fails: [0, 1], rerunFails: REFUSED });
    const user = await fourVariants(api);
    expect(pane().getAllByText("Gemini was unavailable.")).toHaveLength(1);
    await user.click(within(pane().getByRole("article", { name: "Variant 2 of 4" })).getByRole("button", { name: /^Re-run\b/ }));
    await waitFor(() => expect(pane().getByText("Re-run · 1st try: Gemini busy")).toBeInTheDocument());
    const again = pane().getByRole("article", { name: "Variant 2 of 4" });
    expect(await within(again).findByText("Rephrase the prompt and try again.")).toBeInTheDocument();
    // Variant 1's try and variant 2's newest failed for two reasons: each card says its own.
    expect(pane().queryByText("Gemini was unavailable.")).not.toBeInTheDocument();
    expect(within(pane().getByRole("article", { name: "Variant 1 of 4" })).getByText("Gemini was unavailable")).toBeInTheDocument();
    expect(cardsInPane()).toEqual(FOUR);
  }, 30_000);
});
