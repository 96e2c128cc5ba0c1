import { describe, expect, it } from "vitest";

import { job } from "../../../test/api";
import { failedFor, failedToRerun, sharedFailure, waitingToCancel } from "../job/click";

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
