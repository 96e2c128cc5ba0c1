import { describe, expect, it } from "vitest";

import { job, succeeded } from "../../../test/api";
import { foldTries, standInLine } from "../job/tries";

const BUSY = { code: "provider_unavailable", message: "Gemini did not answer in time.", details: {} };
const SAFETY = { code: "content_blocked", message: "Gemini blocked the image (IMAGE_SAFETY).", details: {} };
const failed = (error: typeof BUSY, more: Parameters<typeof job>[0] = {}) =>
  job({ status: "failed", error, finished_at: new Date().toISOString(), ...more });
const variant = (index: number, more: Parameters<typeof job>[0] = {}) =>
  job({ batch_id: "b", batch_index: index, batch_size: 4, ...more });
const rerunOf = (parent: { id: string }, more: Parameters<typeof job>[0] = {}) =>
  job({ kind: "rerun", parent_generation_id: parent.id, batch_id: `r-${parent.id}`, batch_index: 0, batch_size: 1, ...more });

describe("foldTries", () => {
  it("shows a failed or canceled variant's newest try in its place, each try's place and number known", () => {
    const [first, second, third, fourth] = [
      variant(0, { status: "failed", error: SAFETY }),
      variant(1, { status: "canceled" }),
      succeeded(variant(2)),
      succeeded(variant(3)),
    ];
    const again = rerunOf(first!, { status: "failed", error: BUSY });
    const thirdTry = rerunOf(again);
    const afterCancel = succeeded(rerunOf(second!));
    const { shown, standIns } = foldTries([first!, again, thirdTry, second!, afterCancel, third!, fourth!]);
    expect(shown).toEqual([thirdTry, afterCancel, third, fourth]);
    expect(standIns.get(thirdTry.id)).toEqual({ first, previous: again, number: 3 });
    expect(standIns.get(afterCancel.id)).toEqual({ first: second, previous: second, number: 2 });
  });

  it("leaves beside its card a re-run of a finished one, a refinement, and a whole click's re-run", () => {
    const done = succeeded(variant(0));
    const take = rerunOf(done);
    const failedOne = failed(SAFETY, { batch_id: "b", batch_index: 1, batch_size: 4 });
    const whole = rerunOf(failedOne, { batch_size: 4 });
    const refined = job({ kind: "refine", parent_generation_id: done.id });
    const jobs = [done, take, refined, failedOne, whole];
    expect(foldTries(jobs)).toEqual({ shown: jobs, standIns: new Map() });
  });
});

describe("standInLine", () => {
  it("says in a few words which try it follows and why that one ended, the whole words apart", () => {
    const first = failed(SAFETY);
    expect(standInLine({ first, previous: first, number: 2 })).toEqual({
      words: "1st try: safety filter",
      whole: "The 1st try failed: Gemini's safety filter stopped the image. Try a different prompt or other reference photos.",
    });
    const again = failed(BUSY);
    expect(standInLine({ first, previous: again, number: 3 }).words).toBe("2nd try: Gemini busy");
    const canceled = job({ status: "canceled" });
    expect(standInLine({ first: canceled, previous: canceled, number: 2 })).toEqual({
      words: "1st try canceled",
      whole: "The 1st try was canceled.",
    });
    const odd = failed({ code: "internal", message: "queue", details: {} });
    expect(standInLine({ first: odd, previous: odd, number: 2 }).words).toBe("1st try failed");
  });
});
