/**
 * The focus after a save's Undo (see `useUndoSave`), on a card, a history row or a result
 * tile: Undo goes once its undo landed, and the job's Save to identity shows again, which is
 * what the admin may want next (to save it after all). The focus, on Undo as it went, goes to
 * that Save, not to the page, also when the card or row around it took it first
 * (`useKeepsFocus`). Spread `undo` on the Undo, and give `save` to the Save.
 */
import { useRef } from "react";
import { useFocusGoesTo } from "./use-focus-goes-to";

const holder = (save: HTMLElement) => save.closest("[data-job-id]");

export function useFocusAfterUndo() {
  const save = useRef<HTMLButtonElement>(null);
  return { save, undo: useFocusGoesTo(save, { over: holder }) };
}
