/** A duration as the page writes it: each number on its unit's line, whatever width wraps it. */
import { describe, expect, it } from "vitest";

import { formatDuration } from "../job/progress";

describe("formatDuration", () => {
  it("writes seconds, then minutes and seconds, never breaking a number from its unit", () => {
    expect(formatDuration(0.4)).toBe("under 1\u00a0s");
    expect(formatDuration(1)).toBe("1\u00a0s");
    expect(formatDuration(59)).toBe("59\u00a0s");
    expect(formatDuration(60)).toBe("1\u00a0min");
    // Between the minutes and the seconds the line may break.
    expect(formatDuration(75)).toBe("1\u00a0min 15\u00a0s");
  });
});
