/**
 * A step that waits for the result pane to show a click: bringing its results into view,
 * focusing its heading or first card (or the card a re-run or refinement of a card there
 * joined it with). Not at once: until the pane shows the click, it shows
 * what it showed before (taller cards, a notice about to go), and a scroll measured on that
 * lands elsewhere.
 */
import { useEffect, useMemo, useRef } from "react";

interface Waiting {
  /** The click's first job: the pane shows the click once it shows this job (first, for a
   * click that takes the pane; beside the card it came from, for one that joins it). */
  firstId: string;
  step: () => void;
}

/**
 * `paneIds`: the ids the pane shows now. `scope`: what is on screen (the identity, for one);
 * a step is for one scope, and forgotten when the admin goes to another, so coming back later
 * does not move the page or the focus.
 */
export function usePaneArrival(paneIds: readonly string[], scope: string | null = null) {
  const waiting = useRef<Waiting | null>(null);
  const scopeNow = useRef(scope);
  // The ids the pane shows on screen now (rendered).
  const shownNow = useRef<readonly string[]>([]);
  useEffect(() => {
    shownNow.current = paneIds;
    if (scopeNow.current !== scope) {
      scopeNow.current = scope;
      waiting.current = null;
      return;
    }
    const click = waiting.current;
    if (click === null || !paneIds.includes(click.firstId)) return;
    waiting.current = null;
    click.step();
  }, [paneIds, scope]);
  return useMemo(
    () => ({
      /** Runs `step` once the pane shows the click whose first job is `firstId` (in place of
       * any step waiting), at once when it shows it already (several re-runs, each joined as
       * its answer came); nothing if `forScope`, the click's (the one on screen when not
       * given), is no longer the one on screen. */
      whenShown: (firstId: string, step: () => void, forScope?: string | null) => {
        if (forScope !== undefined && forScope !== scopeNow.current) return;
        if (shownNow.current.includes(firstId)) {
          waiting.current = null;
          step();
        } else waiting.current = { firstId, step };
      },
    }),
    [],
  );
}
