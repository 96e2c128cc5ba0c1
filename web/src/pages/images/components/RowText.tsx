import type { ReactNode } from "react";

import type { Job } from "../../../api/imageGeneration";
import { describeFailure } from "../job/failure";
import { askedLabel, variantLabel } from "../job/names";
import { nextAttemptText, retryingAt, retryingBecause, runningAttempt, stageLabel, statusLabel, tookSeconds, tookText } from "../job/progress";
import { applyLabel, isSavedNow, SAVED_NOW, wasReplaced } from "../job/saved";
import { isFinal } from "../job/state";
import { createdLabel } from "../job/time";
import { countOf, formatUsd } from "../config";
import { useNow } from "../hooks/use-now";
import ui from "../ui.module.css";
import styles from "./GenerationHistory.module.css";
import { Asked } from "./Asked";

/** What a row's job is, in words: its state, when it was asked, its badges; its prompt and where
 * it came from (once per click); its settings, time and cost; its next attempt, or why it failed. */
export function RowText({
  job,
  askedAt,
  replacedWords,
  currentJobId,
  origin,
  sameClick,
  saidAbove,
  rerunSince,
  outOfTouch,
  undo,
}: {
  job: Job;
  /** When it was asked, as its name says it: to the second when another click shares its minute. */
  askedAt: string;
  replacedWords: string;
  currentJobId: string | null;
  origin: string | null;
  sameClick: boolean;
  saidAbove: boolean;
  /** It ended without a picture and was re-run since (see `HistoryRow`). */
  rerunSince: boolean;
  outOfTouch: boolean;
  /** Its save's Undo, beside its "Saved to identity" (see `useUndoSave`). */
  undo: ReactNode;
}) {
  const failure = describeFailure(job);
  const final = isFinal(job);
  const variant = variantLabel(job);
  const savedNow = isSavedNow(job, currentJobId);
  const saveState = applyLabel(job, currentJobId);
  // A save that landed is a badge in the first line, green while the identity shows it, grey
  // once another replaced it; a save on its way or refused is said with the facts.
  const savedBefore = wasReplaced(job, currentJobId);
  // A canceled job's time is how long it waited, not how long it took: none.
  const took = job.status === "canceled" ? null : tookSeconds(job);
  const retry = retryingAt(job);
  return (
    <div className={styles.text}>
      <div className={styles.line}>
        {/* A result's picture says it is done: a green "Done" on every row of a busy history
            was the list's loudest word (16 alike in a session's 18 rows), and it hid the
            rows that need the eye, those failed or still on their way. */}
        {job.status !== "succeeded" && (
          <span className={statusClass(job)}>
            {final ? statusLabel(job) : outOfTouch ? `${stageLabel(job)} (last known)` : stageLabel(job)}
          </span>
        )}
        {!sameClick && (
          <time dateTime={job.created_at} className={styles.time} title={createdLabel(job, { seconds: true })}>
            {askedLabel(job, askedAt)}
          </time>
        )}
        {variant && <span className={ui.badge}>{variant}</span>}
        {savedNow && <span className={ui.badgeOk}>{SAVED_NOW}</span>}
        {savedNow && undo}
        {savedBefore && <span className={`${ui.badge} ${styles.replaced}`}>{replacedWords}</span>}
        {!sameClick && job.source === "s3_event" && <span className={ui.badge}>from new references</span>}
      </div>
      {!sameClick && <Asked job={job} origin={origin} />}
      <p className={styles.facts}>
        {[
          ...(sameClick
            ? []
            : [
                job.aspect_ratio,
                job.image_size,
                countOf(job.reference_keys.length, "photo"),
              ]),
          took !== null ? tookText(job, took) : runningAttempt(job),
          job.usage?.estimated_cost_usd != null ? formatUsd(job.usage.estimated_cost_usd) : null,
          // A save on its way is said by its Save ("Saving…"), as on its card and tile.
          savedNow || savedBefore || job.apply?.status === "pending" ? null : saveState,
        ]
          .filter(Boolean)
          .join(" · ")}
      </p>
      {retry && <NextAttempt job={job} at={retry} ticking={!outOfTouch} />}
      {/* Said by a variant above it (its "Failed" seen here): its title still read with the
          row, which a screen reader reads on its own. */}
      {failure && job.status !== "canceled" && saidAbove && <p className={ui.visuallyHidden}>{failure.title}</p>}
      {failure && job.status !== "canceled" && !saidAbove && (
        <p className={styles.failure}>
          <strong>{failure.title}</strong>
          {failure.detail && <span className={styles.failureDetail}>{failure.detail}</span>}
        </p>
      )}
      {/* Dealt with: a failure read alone, its re-run a row or a page away, looked like one
          still to see to (the history keeps every try; the pane shows the re-run in its place). */}
      {rerunSince && <p className={styles.facts}>{RERUN_SINCE}</p>}
    </div>
  );
}

/** What a failed or canceled row re-run since says (the history is newest first: a re-run is
 * always above what it re-ran). */
const RERUN_SINCE = "Re-run since; see above.";

/** The state's badge: failed, on its way, or plain (canceled); a result has none. */
export function statusClass(job: Job): string {
  if (job.status === "failed") return ui.badgeDanger ?? "";
  if (job.status === "queued" || job.status === "running") return ui.badgeActive ?? "";
  return ui.badge ?? "";
}

/** When a job waiting to retry is tried next, and why when it says, in its card's words
 * ("Gemini is busy · Attempt 2 of 5 in 25 s"), counted down while the page can check on it.
 * Its own clock: the row does not render again each second. */
function NextAttempt({ job, at, ticking }: { job: Job; at: Date; ticking: boolean }) {
  const now = useNow(ticking);
  const why = retryingBecause(job);
  return (
    <p className={styles.retry}>
      {why && (
        <>
          <span className={styles.retryWhy}>{why.alone}</span> ·{" "}
        </>
      )}
      <span>{nextAttemptText(job, at, now)}</span>
    </p>
  );
}

