/** A step that waits for the result pane to show a click: it runs once, when the click's first
 * job is first in the pane, and not after the admin went to another identity. */
import { renderHook } from "@testing-library/react";
import { StrictMode } from "react";
import { describe, expect, it, vi } from "vitest";

import { usePaneArrival } from "../hooks/use-pane-arrival";

function arrivalOn(paneIds: readonly string[], scope: string | null = "alice") {
  return renderHook(({ ids, on }) => usePaneArrival(ids, on), {
    initialProps: { ids: paneIds, on: scope },
    wrapper: StrictMode,
  });
}

describe("usePaneArrival", () => {
  it("runs the step once the pane shows the click, and only once", () => {
    const { result, rerender } = arrivalOn(["old"]);
    const step = vi.fn();
    result.current.whenShown("new-1", step, "alice");
    rerender({ ids: ["old"], on: "alice" });
    rerender({ ids: ["other", "old"], on: "alice" });
    expect(step).not.toHaveBeenCalled();

    rerender({ ids: ["new-1", "new-2"], on: "alice" });
    rerender({ ids: ["new-1"], on: "alice" });
    expect(step).toHaveBeenCalledOnce();
  });

  it("forgets the step when the admin goes to another identity, coming back or not", () => {
    const { result, rerender } = arrivalOn(["old"]);
    const step = vi.fn();
    result.current.whenShown("new-1", step, "alice");
    rerender({ ids: ["old"], on: "bob" });
    rerender({ ids: ["new-1"], on: "alice" });
    expect(step).not.toHaveBeenCalled();
  });

  it("takes no step for an identity the admin has left", () => {
    const { result, rerender } = arrivalOn(["old"], "bob");
    const step = vi.fn();
    result.current.whenShown("new-1", step, "alice");
    rerender({ ids: ["new-1"], on: "bob" });
    expect(step).not.toHaveBeenCalled();
  });

  it("lets the latest step stand in for one still waiting", () => {
    const { result, rerender } = arrivalOn(["old"], null);
    const first = vi.fn();
    const second = vi.fn();
    result.current.whenShown("a", first);
    result.current.whenShown("b", second);
    rerender({ ids: ["a"], on: null });
    rerender({ ids: ["b"], on: null });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
  });
});
