import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { costInAll } from "../job/click";

const billed = (cost: number | null): Job => {
  const done = succeeded(job());
  return { ...done, usage: cost === null ? null : { ...done.usage!, estimated_cost_usd: cost } };
};

describe("costInAll: what a click was billed in all, as its rows add up", () => {
  it("adds each cost as its row shows it: two of $0.140 make $0.280, not the exact $0.279", () => {
    expect(costInAll([billed(0.1396), billed(0.1396)])).toBe("$0.280 in all");
  });

  it("keeps a refusal's hundredths of a cent, and leaves out what was not billed", () => {
    expect(costInAll([billed(0.0024), billed(0.0024), billed(null)])).toBe("$0.0048 in all");
  });

  it("says nothing when none was billed", () => {
    expect(costInAll([billed(null), billed(null)])).toBeNull();
  });
});
