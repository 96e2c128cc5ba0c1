import type { Job } from "../../../api/imageGeneration";
import {
  elapsedSeconds,
  formatDuration,
  nextAttemptText,
  retryingAt,
  retryingBecause,
  runningAttempt,
  stageLabel,
  tooLateToCancel,
} from "../job/progress";
import { actionName } from "../job/names";
import { useNow } from "../hooks/use-now";
import ui from "../ui.module.css";
// A part of the result's card (`GeneratedImageDisplay`): its styles are the card's.
import styles from "./GeneratedImageDisplay.module.css";

/** A job on its way: its stage (and why it waits to retry), its time so far (see `Clock`), and
 * Cancel while it waits in the queue; once it runs, in Cancel's place, why there is none (a
 * slow click's running cards ran on 32 s with no word on why they could not be stopped, where
 * its waiting ones had a Cancel). Out of touch, the last state read, without a spinner. */
export function CardProgress({
  job,
  title,
  usualSeconds,
  onCancel,
  cancelable,
  canceling,
  outOfTouch,
  announces,
}: {
  job: Job;
  /** The card's title, which Cancel's name ends with (see `actionName`). */
  title: string;
  usualSeconds: number | null;
  /** The card can cancel a job; `cancelable` says whether this one, now (it is queued). */
  onCancel: ((job: Job) => void) | undefined;
  cancelable: boolean;
  canceling: boolean;
  outOfTouch: boolean;
  /** Its stage is said as it changes: a click's only card. Of several variants, moving
   * together, each card's would say each stage as many times; their grid says how they end. */
  announces: boolean;
}) {
  const why = retryingAt(job) && retryingBecause(job);
  const showsCancel = onCancel && cancelable && !outOfTouch;
  // Quiet, outside the live part: said when read, not each time the card changes.
  const tooLate = onCancel && !showsCancel && !outOfTouch ? tooLateToCancel(job) : null;
  // Cancel's room is kept once it goes (the page lost touch), half above and half below its
  // words: a box they fill (a 16:9 one in a narrow card) keeps its height, so the grid does not
  // jump under the admin as a job leaves the queue, and they stay centered. Why there is none
  // takes its room (see the CSS).
  const keepsCancelRoom = onCancel && !showsCancel && !tooLate;
  return (
    <div className={keepsCancelRoom ? `${styles.progress} ${styles.cancelGone}` : styles.progress}>
      {!outOfTouch && <span className={`${ui.spinner} ${styles.spinner}`} aria-hidden="true" />}
      {/* Only the stage (and why it waits to retry) is announced: the clock ticks every second. */}
      <div className={styles.live} {...(announces ? { role: "status", "aria-live": "polite" } : {})}>
        <strong className={styles.stage}>{stageLabel(job)}</strong>
        {/* On a line of its own, seen; read as one sentence, "Waiting to retry: Gemini is busy". */}
        {why && <span className={ui.visuallyHidden}>: </span>}
        {why && <span className={styles.retry}>{why.alone}</span>}
      </div>
      {outOfTouch && <span className={styles.stale}>Last known state: the page cannot check on it now.</span>}
      <span className={styles.timer}>
        <Clock job={job} usualSeconds={usualSeconds} ticking={!outOfTouch} />
      </span>
      {showsCancel && (
        <button
          type="button"
          className={ui.button}
          onClick={() => !canceling && onCancel(job)}
          aria-disabled={canceling}
          aria-label={actionName(canceling ? "Canceling…" : "Cancel", title)}
        >
          {canceling ? "Canceling…" : "Cancel"}
        </button>
      )}
      {tooLate && (
        <span className={styles.tooLate}>
          <span className={styles.piece}>{tooLate[0]}</span> <span className={styles.piece}>{tooLate[1]}</span>
        </span>
      )}
    </div>
  );
}

/** The time a job has taken so far, against the usual; once it took more than one attempt,
 * which one (while it waits to retry, how long until it is tried again) instead: its time
 * counts the waits, and set against a usual run of seconds it looked like a fault. To the
 * second while `ticking` (it stops with the spinner when the page cannot check on the job).
 * Once past the usual time, that it takes longer than that (a slow answer), or, still queued,
 * that it waits its turn.
 * Its own clock: the rest of the page does not render again each second. In a narrow card the
 * line wraps between its pieces, not inside one ("so far" alone on a line). */
function Clock({ job, usualSeconds, ticking }: { job: Job; usualSeconds: number | null; ticking: boolean }) {
  const now = useNow(ticking);
  const elapsed = formatDuration(elapsedSeconds(job, now));
  const retry = retryingAt(job);
  if (retry) return <ClockPieces first={nextAttemptText(job, retry, now)} then={`${elapsed} so far`} />;
  const attempt = runningAttempt(job);
  if (attempt) return <ClockPieces first={attempt} then={`${elapsed} so far`} />;
  if (usualSeconds === null) return elapsed;
  const usual = `${formatDuration(usualSeconds)} at ${job.image_size}`;
  if (elapsedSeconds(job, now) <= usualSeconds) return <ClockPieces first={elapsed} then={`usually about ${usual}`} />;
  // Past it, "usually about 5 s" beside "7 s" reads as a promise broken: it says so instead;
  // still queued, that it waits its turn (the third of four variants, behind the first two),
  // not that it runs long: it has not started.
  return <ClockPieces first={elapsed} then={job.status === "queued" ? "waiting its turn" : `longer than the usual ${usual}`} />;
}

/** "first · then", each piece kept whole on its line; in a narrow card (four abreast) `then`
 * on a line of its own, its "·" for a screen reader only: wrapped, it began its line with it
 * ("6 s" / "· longer than the usual 1 s at 1K"), which read as broken. */
function ClockPieces({ first, then }: { first: string; then: string }) {
  return (
    <>
      <span className={styles.piece}>{first}</span>{" "}
      <span className={`${styles.piece} ${styles.then}`}>
        <span className={styles.dot}>·</span> {then}
      </span>
    </>
  );
}
