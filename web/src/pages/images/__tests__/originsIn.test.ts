import { afterEach, describe, expect, it, vi } from "vitest";

import { job, succeeded } from "../../../test/api";
import { originsIn } from "../job/names";
import { createdPhrase } from "../job/time";

describe("originsIn: how each job of a history came about, named among the rest", () => {
  afterEach(() => vi.restoreAllMocks());

  // A hundred results a minute apart, every fifth a refinement of the one before it.
  const history = Array.from({ length: 100 }, (_, index) => {
    const at = new Date(Date.UTC(2026, 11, 4, 9, index)).toISOString();
    return succeeded(job({ id: `j${index}`, created_at: at, batch_id: `b${index}`, prompt: `prompt ${index}` }));
  }).map((done, index, all) =>
    index % 5 === 4 ? { ...done, kind: "refine" as const, instruction: "warmer", parent_generation_id: all[index - 1]!.id } : done,
  );

  it("names each refinement by what it asked and the result it came from, and nothing else", () => {
    const originOf = originsIn(history);
    history.forEach((item, index) => {
      const expected = index % 5 === 4 ? `Refined: “warmer”, from the result of ${createdPhrase(history[index - 1]!)}` : null;
      expect(originOf(item)).toBe(expected);
    });
  });

  it("tells each job's time once for the whole list, not once per row and job (a long history made typing late)", () => {
    // A time is told by a format, or by the Date's own (which builds one at each call).
    // (`format` is a getter of a bound function: counted as it is got, once a call.)
    const formatted = vi.spyOn(Intl.DateTimeFormat.prototype as unknown as { format: string }, "format", "get");
    const toldByDate = vi.spyOn(Date.prototype, "toLocaleTimeString");
    const originOf = originsIn(history);
    for (const item of history) originOf(item);
    // Each job's day and time once, at most: twenty rows comparing their parent's minute with
    // every job's told some 2,000 times.
    expect(formatted.mock.calls.length + toldByDate.mock.calls.length).toBeLessThanOrEqual(2 * history.length);
  });
});
