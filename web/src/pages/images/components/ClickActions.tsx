import { useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import type { ClickOffers, Reason } from "../job/click";
import { reveal } from "../motion";
import ui from "../ui.module.css";
import styles from "./ClickActions.module.css";

/**
 * What is done to a whole click at once, above its cards: the reason all its variants failed
 * for, said once (`sharedFailure`: each card then says only "Failed"), **Re-run the 3 failed**
 * and **Cancel the 2 waiting**, each from two cards up (one card has its own button, one press
 * away). Each press does what each card's own button does, for each card: four failed
 * variants were four presses, each moving the focus and the page. Beside a reason no re-run
 * can mend (Gemini refused the prompt), **Edit settings**, in place of each card's: the way on
 * is the prompt, and four cards' links were the only way to it. It is the row's primary
 * button, first, also beside a Re-run that may mend (the safety filter): a re-run of the same
 * prompt is refused again, and billed again, more often than not. Nothing while none applies.
 */
export function ClickActions({
  jobs,
  shared,
  offers,
  onRerunEach,
  rerunningIds,
  onCancel,
  cancelingIds,
  busy,
  onEditSettings,
}: {
  /** The pane's cards, the click's own and those that joined it. */
  jobs: readonly Job[];
  /** The reason every failed variant of the click failed for, or null. */
  shared: Reason | null;
  /** What it offers (`clickOffers`): the cards decide by the same answer whether they keep
   * their own Edit settings. */
  offers: ClickOffers;
  /** Re-runs each job, the re-runs that started; none where Re-run is not offered. */
  onRerunEach: ((jobs: readonly Job[]) => Promise<readonly Job[]>) | undefined;
  /** The jobs whose re-run, asked together, is out. */
  rerunningIds: readonly string[];
  /** A card's own cancel; none while the page cannot reach the service. */
  onCancel: ((job: Job) => void) | undefined;
  cancelingIds: readonly string[];
  /** Another start is out: Re-run waits for it, as a card's does. */
  busy: boolean;
  /** Puts a job's settings and photos in the form (a card's Edit settings). */
  onEditSettings?: ((job: Job) => void) | undefined;
}) {
  const [said, setSaid] = useState("");
  // The variants "Cancel the N waiting" asked to cancel, until each cancel has its answer.
  const [cancelAsked, setCancelAsked] = useState<readonly string[] | null>(null);
  const rerunning = rerunningIds.length > 0;
  const { failed, waiting, rerun: offersRerun, cancel: offersCancel, toEdit } = offers;
  const canceling = waiting.every((job) => cancelingIds.includes(job.id));
  // Every cancel answered: said what came of them (a card says why its own did not go through),
  // not left saying "Canceling…" (set during render, React's way to adjust state to what changed).
  if (cancelAsked !== null && !cancelAsked.some((id) => cancelingIds.includes(id))) {
    setCancelAsked(null);
    setSaid(cancelOutcome(cancelAsked.length, jobs.filter((job) => cancelAsked.includes(job.id) && job.status === "canceled").length));
  }

  const rerunEach = async () => {
    if (busy || rerunning || !onRerunEach) return;
    const asked = failed.length;
    setSaid("");
    // The focus goes to the first re-run's card once it joins the click (`rerunEach`), as a
    // card's own Re-run gives it: this button goes with the failed cards it re-ran.
    const started = (await onRerunEach(failed)).length;
    if (started === asked) setSaid(`Re-running the ${asked} failed variants.`);
    else if (started > 0) setSaid(`Re-running ${started} of the ${asked} failed variants: ${asked - started} could not start.`);
  };
  const cancelEach = () => {
    const first = waiting.find((job) => !cancelingIds.includes(job.id));
    if (!onCancel || first === undefined) return;
    for (const job of waiting) onCancel(job);
    setCancelAsked(waiting.map((job) => job.id));
    setSaid(`Canceling the ${waiting.length} waiting variants.`);
    // The focus to the first card canceled, as a card's own Cancel leaves it on its card: this
    // button goes once they are canceled, and the page would take the focus.
    const card = document.querySelector<HTMLElement>(`article[data-job-id="${CSS.escape(first.id)}"]`);
    card?.focus({ preventScroll: true });
    reveal(card);
  };

  return (
    <>
      {/* Said once a press has done its part: there from the start, as a region that appears
          with its words is not read by every screen reader. */}
      <p className={ui.visuallyHidden} role="status">
        {said}
      </p>
      {(shared || offersRerun || offersCancel) && (
        <div className={styles.row}>
          {shared && (
            <p className={styles.reason}>
              {/* One sentence after the other, where a card has them on two lines. */}
              <strong>{shared.title}.</strong> {shared.detail}
            </p>
          )}
          {(offersRerun || offersCancel || toEdit) && (
            <div className={styles.actions}>
              {toEdit && onEditSettings && (
                <button type="button" className={`${ui.button} ${ui.primary}`} onClick={() => onEditSettings(toEdit)}>
                  Edit settings
                </button>
              )}
              {offersRerun && (
                <button
                  type="button"
                  className={ui.button}
                  onClick={() => void rerunEach()}
                  aria-disabled={busy || rerunning}
                >
                  {rerunning ? "Re-running…" : `Re-run the ${failed.length} failed`}
                </button>
              )}
              {offersCancel && (
                <button type="button" className={ui.button} onClick={cancelEach} aria-disabled={canceling}>
                  {canceling ? "Canceling…" : `Cancel the ${waiting.length} waiting`}
                </button>
              )}
            </div>
          )}
        </div>
      )}
    </>
  );
}

/** What came of canceling `asked` waiting variants, `canceled` of which were. */
function cancelOutcome(asked: number, canceled: number): string {
  if (canceled === asked) return `Canceled the ${asked} waiting variants.`;
  if (canceled === 0) return `Not canceled: each card of the ${asked} says why.`;
  const others = asked - canceled === 1 ? "the other card says" : "the other cards say";
  return `Canceled ${canceled} of the ${asked} waiting variants: ${others} why not.`;
}
