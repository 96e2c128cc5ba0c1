import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { withSavesRead } from "../hooks/use-saved-history";

const at = (each: Job, updated: string): Job => ({ ...each, updated_at: `2026-12-04T${updated}.000000Z` });

describe("withSavesRead", () => {
  const recent = succeeded(job({ prompt: "saved today" }));
  const old = succeeded(job({ prompt: "saved last week" }));

  it("is the history alone until the saves are read", () => {
    expect(withSavesRead([recent], undefined)).toEqual([recent]);
  });

  it("keeps the history's order, each job as the newer of its two reads, then the saves older than its pages", () => {
    const historyRead = at(recent, "10:00:05");
    const landed = at(recent, "10:00:09");
    const older = at(old, "09:00:00");
    // The saves read after the history's read saw the save land: theirs.
    expect(withSavesRead([historyRead], [landed, older])).toEqual([landed, older]);
    // The history read later: its own.
    expect(withSavesRead([landed], [historyRead])).toEqual([landed]);
  });
});
