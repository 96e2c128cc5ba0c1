/**
 * The focus after a save's Undo (see `useUndoSave`), on a card, a history row or a result
 * tile: Undo goes once its undo landed, and the job's Save to identity shows again, which is
 * what the admin may want next (to save it after all). The focus, on Undo as it went, goes to
 * that Save, not to the page; Undo gone otherwise (a Generate, another identity) leaves it to
 * `useKeepsFocus` (the card or row). Spread `undo` on the Undo, and give `save` to the Save.
 */
import { useEffect, useRef, type FocusEvent } from "react";

export function useFocusAfterUndo() {
  const save = useRef<HTMLButtonElement>(null);
  // The Undo, while it has the focus.
  const undo = useRef<Element | null>(null);
  useEffect(() => {
    const focused = undo.current;
    if (focused === null || focused.isConnected) return;
    undo.current = null;
    const next = save.current;
    // Nowhere, or on the card or row that took it as Undo went (`useKeepsFocus`), and no
    // more: a control the admin went to meanwhile keeps it.
    const active = document.activeElement;
    const holder = next?.closest("[data-job-id]");
    if (next && (active === null || active === document.body || active === holder)) next.focus({ preventScroll: true });
  });
  return {
    save,
    undo: {
      onFocus: (event: FocusEvent<HTMLElement>) => {
        undo.current = event.currentTarget;
      },
      onBlur: (event: FocusEvent<HTMLElement>) => {
        // Gone to another control, not removed: nothing to give on.
        if (event.relatedTarget) undo.current = null;
      },
    },
  };
}
