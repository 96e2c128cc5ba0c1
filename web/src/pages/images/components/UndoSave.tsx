import type { FocusEvent } from "react";

import type { UndoOffer } from "../hooks/use-undo-save";
import { jobAt, undoSaveName } from "../job/names";
import ui from "../ui.module.css";

/**
 * **Undo**, beside the "Saved to identity" of the save just made (see `useUndoSave`): it saves
 * the generation the identity showed before again. Named for what it undoes ("Undo saving
 * variant 2 of 4"), its tooltip (and description) says what it puts back. While its undo is on
 * its way it says "Undoing…" and stays focusable (`aria-disabled`), as Save says "Saving…".
 */
export function UndoSave({
  offer,
  of,
  focus,
}: {
  offer: UndoOffer;
  /** What it undoes the save of: its card's title, its row's or tile's name, what its Save in
   * Compare names ("the earlier image"). */
  of: string;
  /** Its part of `useFocusAfterUndo`. */
  focus: { onFocus: (event: FocusEvent<HTMLElement>) => void; onBlur: (event: FocusEvent<HTMLElement>) => void };
}) {
  return (
    <button
      type="button"
      className={ui.linkButton}
      onClick={() => !offer.undoing && offer.undo()}
      aria-disabled={offer.undoing}
      aria-label={undoSaveName(of, offer.undoing)}
      title={`Puts back ${jobAt("the result", offer.before, offer.beforeAt)}`}
      {...focus}
    >
      {offer.undoing ? "Undoing…" : "Undo"}
    </button>
  );
}
