import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { joinedInHistory, latestBatch } from "../job/joins";

const at = (minutes: number) => new Date(Date.UTC(2026, 11, 6, 10, minutes)).toISOString();

/** A click of `count` made at `minutes`, its jobs ended. */
function click(batch: string, count: number, minutes: number): Job[] {
  return Array.from({ length: count }, (_, index) =>
    succeeded(job({ batch_id: batch, batch_index: index, batch_size: count, created_at: at(minutes) })),
  );
}

/** A re-run or refinement of `parent`, alone in its batch, asked at `minutes`. */
function followUp(kind: "rerun" | "refine", parent: Job, minutes: number): Job {
  const made = job({ kind, parent_generation_id: parent.id, created_at: at(minutes), batch_size: 1, batch_index: 0 });
  return succeeded({ ...made, batch_id: made.id });
}

/** The history as the API lists it: newest first. */
const newestFirst = (...jobs: Job[]) => [...jobs].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));

describe("joinedInHistory", () => {
  it("joins the newest click's re-runs and refinements, each after the card it came from, in the order asked", () => {
    const four = click("four", 4, 0);
    const [v1, v2, v3, v4] = four as [Job, Job, Job, Job];
    const rerun = followUp("rerun", v2, 1);
    const refined = followUp("refine", v3, 2);
    const again = followUp("refine", v3, 3); // a second one of variant 3: after the first
    const ofRefined = followUp("refine", refined, 4); // of the refinement: right after it
    const history = newestFirst(...four, rerun, refined, again, ofRefined);

    expect(joinedInHistory(history)).toEqual({
      ids: [v1.id, v2.id, rerun.id, v3.id, refined.id, ofRefined.id, again.id, v4.id],
      from: { [rerun.id]: v2.id, [refined.id]: v3.id, [again.id]: v3.id, [ofRefined.id]: refined.id },
    });
  });

  it("leaves a latest batch that is a click alone (nothing joined it)", () => {
    const two = click("two", 2, 5);
    const history = [two[1]!, two[0]!, ...click("older", 1, 0)];
    expect(joinedInHistory(history)).toBeUndefined();
    expect(latestBatch(history)).toEqual(two.map((each) => each.id)); // in variant order
  });

  it("leaves alone a follow-up of an older click made after a newer Generate (from the history, it took the pane)", () => {
    const older = click("older", 4, 0);
    const newer = click("newer", 1, 5);
    const rerun = followUp("rerun", older[1]!, 9);
    expect(joinedInHistory(newestFirst(...older, ...newer, rerun))).toBeUndefined();
  });

  it("leaves alone a follow-up whose parent is not in the pages read", () => {
    const [, v2] = click("four", 4, 0) as [Job, Job];
    const rerun = followUp("rerun", v2, 1);
    const refined = followUp("refine", rerun, 2);
    // The click's jobs are on a page not read yet; the newest click read is another, older one.
    expect(joinedInHistory(newestFirst(refined, rerun))).toBeUndefined();
  });

  it("joins a re-run of a failed variant too", () => {
    const four = click("four", 4, 0);
    four[1] = { ...four[1]!, status: "failed", output: null };
    const rerun = followUp("rerun", four[1], 1);
    expect(joinedInHistory(newestFirst(...four, rerun))?.ids).toContain(rerun.id);
  });

  it("leaves alone a re-run of a whole click (the history's Re-run all 4): a click of its own", () => {
    const four = click("four", 4, 0).map((each): Job => ({ ...each, status: "failed", output: null }));
    const all = Array.from({ length: 4 }, (_, index): Job => ({
      ...job({ kind: "rerun", parent_generation_id: four[0]!.id, created_at: at(1), batch_index: index, batch_size: 4 }),
      batch_id: "all",
    }));
    const history = newestFirst(...four, ...all);
    expect(joinedInHistory(history)).toBeUndefined();
    expect(latestBatch(history)).toEqual(all.map((each) => each.id));
  });
});
