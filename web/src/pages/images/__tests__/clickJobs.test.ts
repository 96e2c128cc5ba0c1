import { describe, expect, it } from "vitest";

import { job, succeeded } from "../../../test/api";
import { clickOffers, failedFor, failedToRerun, firstFailedToEdit, rerunsOutcome, sharedFailure, waitingToCancel } from "../job/click";

const BUSY = { code: "provider_unavailable", message: "Gemini did not answer in time.", details: {} };
const REFUSED = { code: "content_blocked", message: "Gemini blocked the prompt (PROHIBITED_CONTENT).", details: {} };
const failed = (error: typeof BUSY, more: Parameters<typeof job>[0] = {}) =>
  job({ status: "failed", error, finished_at: new Date().toISOString(), ...more });

describe("failedToRerun", () => {
  it("takes the failed cards a Re-run could end otherwise, not a canceled one nor one re-run in the pane already", () => {
    const busy = failed(BUSY);
    const rerunAlready = failed(BUSY);
    const again = failed(BUSY, { kind: "rerun", parent_generation_id: rerunAlready.id });
    const refused = failed(REFUSED);
    const canceled = job({ status: "canceled" });
    expect(failedToRerun([busy, rerunAlready, again, refused, canceled])).toEqual([busy, again]);
  });
});

describe("waitingToCancel", () => {
  it("takes the queued cards", () => {
    const queued = job();
    expect(waitingToCancel([queued, job({ status: "running" }), failed(BUSY)])).toEqual([queued]);
  });
});

describe("firstFailedToEdit", () => {
  it("takes the first failed card, not one on its way, done or canceled", () => {
    const refused = failed(REFUSED);
    const pane = [job(), succeeded(job()), job({ status: "canceled" }), refused, failed(REFUSED)];
    expect(firstFailedToEdit(pane)).toBe(refused);
    expect(firstFailedToEdit([job(), succeeded(job())])).toBeUndefined();
  });
});

describe("clickOffers", () => {
  const can = { rerun: true, rerunning: false, cancel: true, edit: true };

  it("offers the click's Edit settings for a reason no re-run mends, and only then", () => {
    const refused = [failed(REFUSED), failed(REFUSED)];
    expect(clickOffers(refused, sharedFailure(refused), can)).toMatchObject({ rerun: false, toEdit: refused[0] });
    const busy = [failed(BUSY), failed(BUSY)];
    expect(clickOffers(busy, sharedFailure(busy), can)).toMatchObject({ rerun: true, toEdit: undefined });
    expect(clickOffers(refused, sharedFailure(refused), { ...can, edit: false }).toEdit).toBeUndefined();
    expect(clickOffers([refused[0]!, failed(BUSY)], null, can).toEdit).toBeUndefined();
  });

  it("offers Cancel for two waiting or more, while the page can cancel", () => {
    const waiting = [job(), job()];
    expect(clickOffers(waiting, null, can)).toMatchObject({ cancel: true, waiting });
    expect(clickOffers(waiting, null, { ...can, cancel: false })).toMatchObject({ cancel: false, waiting: [] });
  });
});

describe("sharedFailure", () => {
  it("is the reason two or more failed variants all failed for, by code and words", () => {
    const one = failed(BUSY);
    expect(sharedFailure([one, failed(BUSY), job({ status: "succeeded" })])).toMatchObject({
      code: "provider_unavailable",
      title: "Gemini was unavailable",
    });
    expect(sharedFailure([one])).toBeNull();
    expect(sharedFailure([one, failed(REFUSED)])).toBeNull();
    // The same code in other words (the safety filter, not the prompt) is another reason.
    const filter = { ...REFUSED, message: "Gemini did not produce the image (IMAGE_SAFETY)." };
    expect(sharedFailure([failed(REFUSED), failed(filter)])).toBeNull();
  });

  it("marks the cards that failed for it, not one that failed otherwise", () => {
    const shared = sharedFailure([failed(BUSY), failed(BUSY)]);
    expect(failedFor(failed(BUSY), shared)).toBe(true);
    expect(failedFor(failed(REFUSED), shared)).toBe(false);
    expect(failedFor(failed(BUSY), null)).toBe(false);
  });
});

describe("rerunsOutcome", () => {
  const ready = () => succeeded(job({ kind: "rerun" }));
  const canceled = () => job({ kind: "rerun", status: "canceled" });
  it.each([
    ["all ready", [ready(), ready(), ready()], 3, "All 3 re-runs are ready."],
    ["both ready", [ready(), ready()], 2, "Both re-runs are ready."],
    ["one failed again", [ready(), ready(), failed(BUSY)], 3, "2 of the 3 re-runs are ready; 1 failed again: Gemini was unavailable."],
    ["all failed again, for one reason", [failed(BUSY), failed(BUSY)], 2, "Both re-runs failed again: Gemini was unavailable."],
    ["failed again for different reasons", [ready(), failed(BUSY), failed(REFUSED)], 3, "1 of the 3 re-runs is ready; 2 failed again."],
    ["none ready", [failed(BUSY), canceled()], 2, "None of the 2 re-runs is ready; 1 failed again: Gemini was unavailable; 1 was canceled."],
    ["the one started", [ready()], 1, "The re-run is ready."],
    ["one still running", [ready(), job({ kind: "rerun", status: "running" })], 2, ""],
    ["one not read yet", [ready(), ready()], 3, ""],
  ])("%s", (_, reruns, count, said) => {
    expect(rerunsOutcome(reruns, count)).toBe(said);
  });
});
