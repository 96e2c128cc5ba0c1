import { describe, expect, it } from "vitest";

import { job } from "../../../test/api";
import { describeFailure, failsAgain, shortReason } from "../job/failure";
import { retryingBecause } from "../job/progress";
import { applyLabel } from "../job/saved";

const failedWith = (code: string, message: string) =>
  job({ status: "failed", error: { code, message, details: {} } });

describe("a failure the host can mend", () => {
  it("says an unnamed identity needs its name, and offers the re-run for after", () => {
    const unnamed = failedWith("identity_unnamed", "The identity needs a name.");
    expect(describeFailure(unnamed)).toEqual({
      title: "The identity has no name",
      detail: "The image is made around its name: name it in the host app, then re-run.",
    });
    expect(failsAgain(unnamed)).toBe(false);
  });

  it("says a gone identity is gone, with no re-run", () => {
    const gone = failedWith("identity_not_found", "No such identity.");
    expect(describeFailure(gone)?.title).toBe("The identity is gone");
    expect(failsAgain(gone)).toBe(true);
  });
});

describe("the pipeline's own words stay with whoever runs it", () => {
  // What the reaper and the callback write for an API client or an operator.
  const operatorWords =
    /dead-letter|redrive|POST \/v1|HTTP \d|attempt\(s\)|DJANGO_INTERNAL_URL|identity [0-9a-f-]{8,}|\bqueue\b/i;

  it.each([
    [
      "worker_gave_up",
      "The worker gave up on this job after 3 attempt(s): its message went to the dead-letter queue after the last allowed try (the worker was stopped: a timeout, out of memory, a crash). Start a new generation, or ask an operator to redrive it (identity-images dead-letters redrive).",
      "The generation stopped before it finished",
    ],
    ["host_unavailable", "The host app cannot be reached (DJANGO_INTERNAL_URL).", "The host app did not answer"],
    ["internal_error", "The callback secret is not a `whsec_...` secret.", "The generation failed"],
    ["queue_unavailable", "SQS SendMessage failed: the queue is unavailable.", "The generation failed"],
  ])("a job failed with %s", (code, message, title) => {
    const problem = describeFailure(failedWith(code, message));
    expect(problem?.title).toBe(title);
    expect(problem?.detail).toMatch(/Re-run it/);
    expect(`${problem?.title} ${problem?.detail}`).not.toMatch(operatorWords);
  });

  it.each([
    [
      "worker_gave_up",
      "The worker gave up saving the image to the identity (its message went to the dead-letter queue). The image is kept; ask again: POST /v1/generations/abc/apply.",
      "Not saved: the save stopped before it finished. Save it again.",
    ],
    [
      "host_rejected",
      "The host app refused the image for identity 6f1c2d3e-aaaa-bbbb-cccc-123456789abc (HTTP 500).",
      "Not saved: the host app refused it. Save it again; if it happens again, ask whoever runs the pipeline.",
    ],
    ["host_unavailable", "The host app cannot be reached.", "Not saved: the host app did not answer. Save it again in a few minutes."],
    // Nothing to save it to: no "Save it again".
    ["identity_not_found", "Identity 6f1c2d3e was not found in the host.", "Not saved: the identity was deleted in the host app."],
  ])("a save failed with %s", (code, message, said) => {
    const saved = job({
      status: "succeeded",
      apply: { status: "failed", attempt: 3, error: { code, message, details: {} }, applied_at: null, requested_at: null },
    });
    expect(applyLabel(saved, null)).toBe(said);
  });
});

describe("a photo a job could not use", () => {
  it("is named as uploaded, never by its storage key", () => {
    const key = "uploads/3/5f2c/2.jpg";
    const tooLarge = job({
      status: "failed",
      reference_keys: ["uploads/3/5f2c/1.jpg", key],
      reference_names: ["front.jpg", "side.jpg"],
      error: { code: "reference_invalid", message: `Reference '${key}' is larger than 15728640 bytes.`, details: { key, index: 1 } },
    });
    expect(describeFailure(tooLarge)).toEqual({
      title: "“side.jpg” (photo 2 of 2) could not be used",
      detail: "Add another photo in its place.",
    });
  });
});

describe("Gemini unavailable through every retry", () => {
  const gaveUp = (details: Record<string, unknown>) =>
    job({ status: "failed", error: { code: "provider_unavailable", message: "Gemini failed.", details } });

  it.each([
    [{}, "Gemini is busy", "Gemini was unavailable", "It stayed busy through every retry.", "Gemini busy"],
    [{ status_code: 503 }, "Gemini is busy", "Gemini was unavailable", "It stayed busy through every retry.", "Gemini busy"],
    [{ status_code: 500 }, "Gemini had a problem on its side", "Gemini had a problem on its side", "It failed again at every retry.", "Gemini error"],
    [{ reason: "timeout" }, "Gemini did not answer in time", "Gemini did not answer in time", "Nor at any retry.", "Gemini timed out"],
    [{ reason: "network" }, "Gemini could not be reached", "Gemini could not be reached", "Nor at any retry.", "Gemini unreachable"],
  ])("with %o: retried because %s, then says it alike", (details, retrying, title, detail, short) => {
    const retried = job({ status: "queued", attempts: 1, last_error: { code: "provider_unavailable", message: "", details } });
    expect(retryingBecause(retried)?.alone).toBe(retrying);
    const failed = gaveUp(details);
    expect(describeFailure(failed)).toEqual({ title, detail: `${detail} Try again in a few minutes.` });
    expect(shortReason(failed)).toBe(short);
  });
});
