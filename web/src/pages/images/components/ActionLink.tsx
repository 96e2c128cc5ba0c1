import type { ReactNode, Ref } from "react";

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
