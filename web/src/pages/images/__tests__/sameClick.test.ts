import { describe, expect, it } from "vitest";

import type { CreateVariantsRequest, Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { alreadyOnItsWay, sameClickOnItsWay } from "../sameClick";

const asked: CreateVariantsRequest = {
  identity_id: "id-chef",
  user_id: "3",
  reference_keys: ["uploads/1/u/a.jpg", "uploads/1/u/b.jpg"],
  reference_names: ["a.jpg", "b.jpg"],
  prompt: "at the market",
  aspect_ratio: "16:9",
  image_size: "1K",
  count: 2,
  apply: false,
};

/** What a job keeps of `asked`. */
const kept = {
  identity_id: asked.identity_id,
  reference_keys: asked.reference_keys,
  prompt: asked.prompt,
  aspect_ratio: "16:9",
  image_size: "1K",
} satisfies Partial<Job>;

/** The click of two `asked` made, its jobs as given. */
function click(...changes: Partial<Job>[]): Job[] {
  return changes.map((change, index) =>
    job({ ...kept, batch_id: "b-1", batch_index: index, batch_size: 2, ...change }),
  );
}

describe("sameClickOnItsWay", () => {
  it("is the pane's click while one of its own jobs is on its way, asked the same", () => {
    const jobs = click({ status: "succeeded" }, { status: "running" });
    expect(sameClickOnItsWay(jobs, asked)).toEqual({ key: JSON.stringify([jobs[0]!.id, asked]), startedAt: jobs[0]!.created_at });
  });

  it("is none once its own jobs ended, a re-run that joined it running or not", () => {
    const [first, second] = click({}, {}).map((variant) => succeeded(variant));
    const rerun = job({ ...kept, kind: "rerun", parent_generation_id: second!.id, batch_id: "b-2", batch_size: 1 });
    expect(sameClickOnItsWay([first!, second!, rerun], asked)).toBeNull();
  });

  it("is none for a click asked otherwise in anything", () => {
    const jobs = click({}, {});
    const others: Partial<CreateVariantsRequest>[] = [
      { identity_id: "id-pilot" },
      { prompt: "at the market " },
      { aspect_ratio: "1:1" },
      { image_size: "2K" },
      { count: 3 },
      { reference_keys: ["uploads/1/u/a.jpg"] },
      { reference_keys: ["uploads/1/u/b.jpg", "uploads/1/u/a.jpg"] },
    ];
    for (const other of others) expect(sameClickOnItsWay(jobs, { ...asked, ...other })).toBeNull();
    expect(sameClickOnItsWay(jobs, asked)).not.toBeNull();
  });

  it("is none for a refinement, which sends an image to edit and words", () => {
    const refined = click({ kind: "refine", instruction: "darker", edit_source_key: "out/1.png" }, {});
    expect(sameClickOnItsWay(refined, asked)).toBeNull();
  });
});

describe("alreadyOnItsWay", () => {
  it("says when the click started", () => {
    const at = "2026-12-07T10:00:00Z";
    expect(alreadyOnItsWay(at, Date.parse(at) + 400)).toBe("This same generation is already on its way (started just now).");
    expect(alreadyOnItsWay(at, Date.parse(at) + 2000)).toBe("This same generation is already on its way (started 2\u00a0s ago).");
    // A server clock ahead of the browser's is not "in the future".
    expect(alreadyOnItsWay(at, Date.parse(at) - 3000)).toBe("This same generation is already on its way (started just now).");
  });
});
