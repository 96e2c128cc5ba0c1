/** A running card's clock: it stops while the page cannot check on the job, and shows the
 * time now as soon as it can again, not the time it stopped at until its next tick. */
import { act, renderHook } from "@testing-library/react";
import { StrictMode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { useNow } from "../hooks/use-now";

afterEach(() => vi.useRealTimers());

describe("useNow", () => {
  it("stands still while not ticking, and is the time now again as soon as it ticks", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { result, rerender } = renderHook(({ ticking }) => useNow(ticking), {
      initialProps: { ticking: true },
      wrapper: StrictMode,
    });
    act(() => vi.advanceTimersByTime(3000));
    expect(result.current).toBe(1_003_000);

    rerender({ ticking: false });
    act(() => vi.advanceTimersByTime(20_500));
    expect(result.current).toBe(1_003_000);

    rerender({ ticking: true });
    act(() => vi.advanceTimersByTime(0));
    expect(result.current).toBe(1_023_500);
  });
});
