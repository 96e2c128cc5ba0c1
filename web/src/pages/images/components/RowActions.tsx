import { useEffect, useId, useRef, useState, type ReactNode } from "react";

import { reveal } from "../motion";
import ui from "../ui.module.css";
import styles from "./GenerationHistory.module.css";

/**
 * A row's actions: what is done with the job first (Cancel; Save and Download), then what
 * follows from it. On a phone, where all of them took two 44 px lines, the follow-ups wait
 * behind **More** (a disclosure button: pressed, they show after it, in Tab's order), so a
 * row is one line of actions; a row with nothing before them shows them as they are. On a
 * wider screen More is not shown and the follow-ups always are (see the CSS). Opened at the
 * screen's foot, the follow-ups it shows come into view, as little as it takes: they were
 * under the screen's edge, and the admin scrolled to find what More had offered.
 */
export function RowActions({ cancel, keep, followUps }: { cancel: ReactNode; keep: ReactNode; followUps: ReactNode }) {
  const [more, setMore] = useState(false);
  const id = useId();
  const actions = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (more) reveal(actions.current);
  }, [more]);
  const folds = Boolean(cancel || keep) && Boolean(followUps);
  return (
    <div ref={actions} className={styles.actions}>
      {cancel}
      {keep}
      {folds && (
        <button
          type="button"
          className={`${ui.linkButton} ${styles.more}`}
          aria-expanded={more}
          aria-controls={id}
          onClick={() => setMore(!more)}
        >
          More<span aria-hidden="true">{more ? " ▴" : " ▾"}</span>
        </button>
      )}
      {followUps && (
        <span id={id} className={folds && !more ? `${styles.followUps} ${styles.folded}` : styles.followUps}>
          {followUps}
        </span>
      )}
    </div>
  );
}

/** Two of a row's links (or groups of them) that wrap as one (see `ui.linkGroup`); the one
 * offered alone as it is; nothing when neither is. */
export function wrapsAsOne(first: ReactNode, second: ReactNode): ReactNode {
  if (!first || !second) return first || second || null;
  return (
    <span className={ui.linkGroup}>
      {first}
      {second}
    </span>
  );
}

