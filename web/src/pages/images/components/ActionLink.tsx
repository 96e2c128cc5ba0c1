import type { ReactNode, Ref } from "react";

import { actionName } from "../job/names";
import ui from "../ui.module.css";

/**
 * An action on a job, styled as a link. While `off` (its request is out, or another start
 * is) it stays focusable (`aria-disabled`: a disabled button would drop a keyboard user's
 * focus to the page) and a click does nothing.
 */
export function ActionLink({
  ref,
  off = false,
  onClick,
  label,
  children,
}: {
  ref?: Ref<HTMLButtonElement>;
  off?: boolean;
  onClick: () => void;
  /** Its name, when its words do not say all of it (see `actionName`). */
  label?: string;
  children: ReactNode;
}) {
  return (
    <button ref={ref} type="button" className={ui.linkButton} onClick={() => !off && onClick()} aria-disabled={off} aria-label={label}>
      {children}
    </button>
  );
}

/** A history row's or tile's Save to identity, named for `of` (the row's or tile's name): it
 * reads "Saving…" while its save is on its way, as a card's Save does. */
export function SaveLink({ ref, saving, onSave, of }: { ref?: Ref<HTMLButtonElement>; saving: boolean; onSave: () => void; of: string }) {
  const words = saving ? "Saving…" : "Save to identity";
  return (
    <ActionLink ref={ref} off={saving} onClick={onSave} label={actionName(words, of)}>
      {words}
    </ActionLink>
  );
}
