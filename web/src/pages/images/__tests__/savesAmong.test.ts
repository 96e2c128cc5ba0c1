import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { savesAmong } from "../hooks/use-saved-history";

const at = (each: Job, updated: string): Job => ({ ...each, updated_at: `2026-12-04T${updated}.000000Z` });

describe("savesAmong", () => {
  const old = succeeded(job({ prompt: "saved last week" }));
  const recent = succeeded(job({ prompt: "saved today" }));

  it("is the history alone until the saves are read", () => {
    expect(savesAmong([recent], undefined)).toEqual([recent]);
  });

  it("takes each save as the newer of its two reads, and keeps the history's jobs the saves lack", () => {
    const savedRead = at(old, "10:00:00");
    const historyRead = at(old, "10:00:05");
    const justSaved = at(recent, "10:00:09");
    expect(savesAmong([justSaved, historyRead], [savedRead])).toEqual([historyRead, justSaved]);
    // The saves read later than the history's older page: theirs.
    const savedLater = at(old, "10:01:00");
    expect(savesAmong([historyRead], [savedLater])).toEqual([savedLater]);
  });
});
