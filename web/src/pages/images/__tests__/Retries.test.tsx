/**
 * A job that waits to be tried again (Gemini busy through the SDK's own retries, or another
 * passing fault): its card says why, and counts down to the next attempt; once it succeeds,
 * its time says it took more than one.
 */
import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { historyOf, http, job, succeeded } from "../../../test/api";
import { clockLine, fakeClock, given, openAsAlice, spaced, timePasses } from "../../../test/render";

/** A job back in the queue after its first attempt met `code`, tried again `inSeconds` from now. */
function waiting(code: string, inSeconds: number): Job {
  return job({
    status: "queued",
    attempts: 1,
    next_attempt_at: new Date(Date.now() + inSeconds * 1000).toISOString(),
    last_error: { code, message: "the pipeline's own words", details: {} },
  });
}

/** The card of `shown`, the identity's latest job, over a history of `earlier` ones too. */
async function cardOf(shown: Job, earlier: Job[] = []) {
  given(...historyOf([shown, ...earlier]));
  await openAsAlice();
  return screen.findByRole("article", { name: "New image" });
}

describe("a job waiting to be tried again", () => {
  it("announces why it waits, and counts down to its next attempt outside the announced part", async () => {
    const card = await cardOf(waiting("provider_unavailable", 25));
    // Said once, in words that do not change each second: the count down is not announced.
    expect(within(card).getByRole("status")).toHaveTextContent(/^Waiting to retry: Gemini is busy$/);
    expect(within(card).getByText(clockLine(/^Attempt 2 of 5 in 2\d s · .+ so far$/))).toBeInTheDocument();
  });

  it("keeps each piece of its clock line whole: a narrow card wraps between them, never leaves \"so far\" alone", async () => {
    const card = await cardOf(waiting("provider_unavailable", 25));
    const pieces = [...card.querySelectorAll(".timer > .piece")].map((piece) => spaced(piece.textContent ?? ""));
    expect(pieces).toEqual([
      expect.stringMatching(/^Attempt 2 of 5 in 2\d s$/),
      expect.stringMatching(/^· .+ so far$/),
    ]);
  });

  it("says a fault other than Gemini's as what it is", async () => {
    const card = await cardOf(waiting("host_unavailable", 60));
    expect(within(card).getByRole("status")).toHaveTextContent(/^Waiting to retry: The host app did not answer$/);
    expect(within(card).queryByText(/Gemini/)).not.toBeInTheDocument();
    expect(within(card).getByText(clockLine(/^Attempt 2 of 5 in (1 min|[1-5]?\d s) · .+ so far$/))).toBeInTheDocument();
  });

  it("is read again at its next attempt, not every 2 s through a wait that can tell nothing new", async () => {
    fakeClock();
    try {
      const shown = waiting("provider_unavailable", 25);
      const reads = { history: 0, job: 0 };
      given(
        http.get("/v1/generations", ({ response }) => {
          reads.history += 1;
          return response(200).json({ items: [shown], next_cursor: null });
        }),
        http.get("/v1/generations/{generation_id}", ({ response }) => {
          reads.job += 1;
          return response(200).json(shown);
        }),
      );
      await openAsAlice();
      await screen.findByRole("article", { name: "New image" });
      const before = { ...reads };
      await timePasses(4500);
      // Two polls' time: read every 2 s, each would have been read twice more.
      expect(reads).toEqual(before);
      // Read again within the longest wait (15 s after its last read), before its attempt 25 s
      // on: a cancel from another tab still shows.
      await timePasses(14_000);
      expect(reads.job).toBeGreaterThan(before.job);
      expect(reads.history).toBeGreaterThan(before.history);
    } finally {
      vi.useRealTimers();
    }
  });

  it("says the attempt is about to start once its time has come, not a time gone by", async () => {
    const card = await cardOf(waiting("provider_unavailable", -5));
    expect(within(card).getByText(clockLine(/^Attempt 2 of 5 about to start · .+ so far$/))).toBeInTheDocument();
  });
});

/** A run of 2 s at 1K that took one attempt: what sets the usual time. */
const usual = (): Job => ({ ...succeeded(job({ prompt: "quick" })), timings: { ...succeeded(job()).timings, total_s: 2 } });

describe("a job's time while it takes more than one attempt", () => {
  it("is not set against the usual run: a wait is not a slow run", async () => {
    const card = await cardOf(waiting("provider_unavailable", 25), [usual()]);
    expect(within(card).getByText(clockLine(/^Attempt 2 of 5 in 2\d s · .+ so far$/))).toBeInTheDocument();
    expect(card).not.toHaveTextContent(/usually/);
  });

  it("says which attempt runs, not the usual time, once it runs again", async () => {
    const again = job({ status: "running", stage: "generating", attempts: 2, last_error: waiting("provider_unavailable", 0).last_error });
    const card = await cardOf({ ...again, created_at: new Date(Date.now() - 65_000).toISOString() }, [usual()]);
    expect(within(card).getByRole("status")).toHaveTextContent(/^Gemini is generating$/);
    expect(within(card).getByText(clockLine(/^Attempt 2 of 5 · 1 min \d+ s so far$/))).toBeInTheDocument();
    expect(card).not.toHaveTextContent(/usually/);
    const row = within(screen.getByRole("region", { name: "History" })).getAllByRole("listitem")[0]!;
    expect(within(row).getByText(/· Attempt 2 of 5$/)).toBeInTheDocument();
  });

  it("says on its history row why it waits and when it is tried next, as its card does", async () => {
    await cardOf(waiting("host_unavailable", 25));
    const row = within(screen.getByRole("region", { name: "History" })).getAllByRole("listitem")[0]!;
    expect(within(row).getByText("Waiting to retry")).toBeInTheDocument();
    expect(within(row).getByText("The host app did not answer")).toBeInTheDocument();
    expect(within(row).getByText(/^Attempt 2 of 5 in 2\d s$/)).toBeInTheDocument();
  });

  it("counts down on its history row, as on its card, when it does not say why", async () => {
    const card = await cardOf({ ...waiting("provider_unavailable", 25), last_error: null });
    expect(within(card).getByRole("status")).toHaveTextContent(/^Waiting to retry$/);
    expect(within(card).getByText(clockLine(/^Attempt 2 of 5 in 2\d s · .+ so far$/))).toBeInTheDocument();
    const row = within(screen.getByRole("region", { name: "History" })).getAllByRole("listitem")[0]!;
    expect(within(row).getByText(/^Attempt 2 of 5 in 2\d s$/)).toBeInTheDocument();
  });
});

describe("a job that succeeded on a later attempt", () => {
  it("says how many attempts its time covers, on its card and its history row", async () => {
    const done: Job = { ...succeeded(job({ prompt: "patient" })), attempts: 2 };
    const card = await cardOf({ ...done, timings: { ...done.timings, total_s: 41 } });
    expect(within(card).getByText("· 41 s (2 attempts)")).toBeInTheDocument();
    const row = within(screen.getByRole("region", { name: "History" })).getAllByRole("listitem")[0]!;
    expect(within(row).getByText(/41 s \(2 attempts\)/)).toBeInTheDocument();
  });
});
