/**
 * `useFocusGoesTo`: a control that goes (Undo once undone) gives the focus to its target
 * (Save, drawn in its place), also while the browser still names the removed control as the
 * focused element: Chrome may, until its next rendering update runs the focus fix-up, and a
 * loaded machine's effects can run before that. A control the admin went to keeps it.
 */
import { fireEvent, render, screen } from "@testing-library/react";
import { useRef, useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { useFocusGoesTo } from "../hooks/use-focus-goes-to";

function UndoThenSave() {
  const save = useRef<HTMLButtonElement>(null);
  const focus = useFocusGoesTo(save);
  const [undone, setUndone] = useState(false);
  return (
    <>
      {undone ? (
        <button key="save" ref={save}>
          Save
        </button>
      ) : (
        <button key="undo" {...focus} onClick={() => setUndone(true)}>
          Undo
        </button>
      )}
      <button>Elsewhere</button>
    </>
  );
}

/** `document.activeElement` as Chrome may say it: the removed `control`, until another
 * element takes the focus. */
function focusStaysNamedOn(control: HTMLElement) {
  const actual = Object.getOwnPropertyDescriptor(Document.prototype, "activeElement")?.get;
  if (actual === undefined) throw new Error("no activeElement getter");
  vi.spyOn(document, "activeElement", "get").mockImplementation(() => {
    const active = actual.call(document) as Element | null;
    return active === document.body && !control.isConnected ? control : active;
  });
}

describe("useFocusGoesTo", () => {
  afterEach(() => vi.restoreAllMocks());

  it("gives the focus to the target when the page holds it", () => {
    render(<UndoThenSave />);
    const undo = screen.getByRole("button", { name: "Undo" });
    undo.focus();
    fireEvent.click(undo);
    expect(screen.getByRole("button", { name: "Save" })).toHaveFocus();
  });

  it("gives it while the browser still names the removed control as focused", () => {
    render(<UndoThenSave />);
    const undo = screen.getByRole("button", { name: "Undo" });
    undo.focus();
    focusStaysNamedOn(undo);
    fireEvent.click(undo);
    expect(screen.getByRole("button", { name: "Save" })).toHaveFocus();
  });

  it("leaves it on a control the admin went to", () => {
    render(<UndoThenSave />);
    const undo = screen.getByRole("button", { name: "Undo" });
    undo.focus();
    const elsewhere = screen.getByRole("button", { name: "Elsewhere" });
    elsewhere.focus();
    fireEvent.click(undo);
    expect(elsewhere).toHaveFocus();
  });
});
