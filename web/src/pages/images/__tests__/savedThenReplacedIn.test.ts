import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { savedThenReplacedIn } from "../job/saved";
import { momentPhrase } from "../job/time";

const savedAt = (iso: string): Job => ({
  ...succeeded(job()),
  apply: { status: "applied", attempt: 1, error: null, requested_at: iso, applied_at: iso },
});

describe("savedThenReplacedIn: an earlier save, told from the history's other saves", () => {
  it("says when it landed, to the minute when no other save landed that minute", () => {
    const monday = savedAt("2026-12-07T09:14:05Z");
    const later = savedAt("2026-12-07T10:30:40Z");
    const words = savedThenReplacedIn([later, monday]);
    expect(words(monday)).toBe(`Saved ${momentPhrase(monday.apply!.applied_at!)}, then replaced`);
    expect(words(monday)).not.toMatch(/:05/);
  });

  it("gives the second when two saves landed in one minute, so that their badges differ", () => {
    const first = savedAt("2026-12-07T09:14:05Z");
    const undone = savedAt("2026-12-07T09:14:40Z");
    const words = savedThenReplacedIn([undone, first]);
    expect(words(first)).toBe(`Saved ${momentPhrase("2026-12-07T09:14:05Z", { seconds: true })}, then replaced`);
    expect(words(undone)).toBe(`Saved ${momentPhrase("2026-12-07T09:14:40Z", { seconds: true })}, then replaced`);
    expect(words(first)).not.toBe(words(undone));
  });

  it("says a save with no time known as such", () => {
    const unknown: Job = { ...savedAt("2026-12-07T09:14:05Z") };
    unknown.apply = { ...unknown.apply!, applied_at: null };
    expect(savedThenReplacedIn([unknown])(unknown)).toBe("Saved, then replaced");
  });
});
