import { describe, expect, it } from "vitest";

import { job } from "../../../test/api";
import { createdLabel, createdPhrase } from "../job/time";

describe("createdLabel: when a job was asked for, as a list shows it", () => {
  // Local times: the labels are the admin's own clock's.
  const now = new Date(2026, 11, 4, 21, 30);
  const at = (...parts: [number, number, number, number, number]) => job({ created_at: new Date(...parts).toISOString() });
  const time = (hours: number, minutes: number) =>
    new Date(2026, 0, 1, hours, minutes).toLocaleTimeString([], { timeStyle: "short" });

  it("says today and yesterday by name, with the time", () => {
    expect(createdLabel(at(2026, 11, 4, 0, 5), { now })).toBe(`Today, ${time(0, 5)}`);
    expect(createdLabel(at(2026, 11, 3, 23, 59), { now })).toBe(`Yesterday, ${time(23, 59)}`);
  });

  it("gives the year only for another year", () => {
    expect(createdLabel(at(2026, 11, 1, 11, 14), { now })).toMatch(/^Dec 1, /);
    expect(createdLabel(at(2025, 11, 30, 16, 10), { now })).toMatch(/^Dec 30, 2025, /);
  });

  it("reads within a sentence in small letters, and to the second when told, the same way", () => {
    const today = at(2026, 11, 4, 9, 14);
    expect(createdPhrase(today, { now })).toBe(`today, ${time(9, 14)}`);
    expect(createdPhrase(at(2026, 11, 1, 9, 14), { now })).toMatch(/^Dec 1, /);
    const toTheSecond = new Date(2026, 0, 1, 9, 14).toLocaleTimeString([], { timeStyle: "medium" });
    expect(createdLabel(today, { now, seconds: true })).toBe(`Today, ${toTheSecond}`);
    expect(createdPhrase(today, { now, seconds: true })).toBe(`today, ${toTheSecond}`);
  });
});
