import { useId, useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import { offeredActions } from "../job/actions";
import type { Problem } from "../job/failure";
import { actionName, variantLabel } from "../job/names";
import { tookSeconds, tookText } from "../job/progress";
import { allOf, countOf, formatUsd } from "../config";
import type { ActionFailure } from "../hooks/use-job-actions";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import { useSeenWhenSaid } from "../hooks/use-seen-when-said";
import ui from "../ui.module.css";
import styles from "./GenerationHistory.module.css";
import { ActionLink } from "./ActionLink";
import { ClickShared } from "./HistoryClick";
import { RowActions, wrapsAsOne } from "./RowActions";
import { statusClass } from "./RowText";

/**
 * A click whose variants all ended alike without a picture (see `sharedEnd`), as one row of
 * the history: "Failed · All 4 variants", what it asked and its settings once, why once
 * ("Gemini refused the prompt", and what to do about it), and its way on once: **Re-run all
 * 4** (when the same jobs could end otherwise) and **Edit settings**. A refused click of four
 * took four rows, some 250 px on a laptop, each saying the same. **Each variant** opens what
 * differs between them: each one's time and bill.
 *
 * Its variants re-run since (from the pane's "Re-run the 4 failed", a card's Re-run, or this
 * row's Re-run all) are said ("2 of 4 re-run since"), and only the others are offered again:
 * "Re-run the other 2", none once all were. Re-run all 4 stayed after them, and pressed paid
 * for four more of what was being tried already.
 */
export function FailedClick({
  jobs,
  end,
  rerunsSince,
  askedAt,
  origin,
  onRerunAll,
  onEditSettings,
  busy,
  actionError,
}: {
  /** The click's jobs, in its order; two or more. */
  jobs: readonly [Job, ...Job[]];
  /** How each of them ended, said once. */
  end: Problem;
  /** How many re-runs of its variants the history holds (see `HistoryRow`). */
  rerunsSince: number;
  /** When it was asked, as its name says it (see `askedPhrases`). */
  askedAt: string;
  origin: string | null;
  /** Re-run the click: as many new variants of its settings as it had. */
  onRerunAll: (first: Job, count: number) => void;
  onEditSettings: (job: Job) => void;
  busy: boolean;
  actionError: ActionFailure | null;
}) {
  const [first] = jobs;
  const row = useKeepsFocus<HTMLLIElement>();
  const [each, setEach] = useState(false);
  const eachId = useId();
  const ownError = actionError !== null && jobs.some((job) => job.id === actionError.jobId) ? actionError : null;
  const errorNotice = useSeenWhenSaid<HTMLParagraphElement>(ownError);
  const canceled = first.status === "canceled";
  const variants = countOf(jobs.length, "variant");
  // What it is, to a screen reader's list of rows: when, how many, and why.
  const named = `Generation of ${askedAt}`;
  const label = `${named}, ${variants}, all ${canceled ? "canceled" : `failed: ${end.title}`}`;
  const left = Math.max(0, jobs.length - rerunsSince);
  const rerun = left > 0 && jobs.every((job) => offeredActions(job, "row", { savedNow: false }).rerun);
  const rerunWords = left === jobs.length ? `Re-run all ${jobs.length}` : `Re-run the other ${left}`;
  return (
    <li className={styles.item} aria-label={label} data-job-id={first.id} data-click={jobs.map((job) => job.id).join(" ")} {...row}>
      <div className={styles.thumb}>
        <span className={canceled ? styles.mark : styles.markFailed} aria-hidden="true">
          {canceled ? "—" : "!"}
        </span>
      </div>
      <div className={styles.body}>
        <div className={styles.text}>
          <ClickShared
            jobs={jobs}
            askedAt={askedAt}
            origin={origin}
            count={allOf(jobs.length, "variant")}
            state={<span className={statusClass(first)}>{canceled ? "Canceled" : "Failed"}</span>}
          />
          {!canceled && (
            <p className={styles.failure}>
              <strong>{end.title}</strong>
              {end.detail && <span className={styles.failureDetail}>{end.detail}</span>}
            </p>
          )}
          {rerunsSince > 0 && <p className={styles.facts}>{rerunsSinceWords(rerunsSince, jobs.length)}</p>}
        </div>
        <RowActions
          cancel={null}
          keep={null}
          followUps={wrapsAsOne(
            wrapsAsOne(
              rerun && (
                <ActionLink off={busy} onClick={() => onRerunAll(first, left)} label={actionName(rerunWords, named)}>
                  {rerunWords}
                </ActionLink>
              ),
              <ActionLink onClick={() => onEditSettings(first)} label={actionName("Edit settings", named)}>
                Edit settings
              </ActionLink>,
            ),
            <button
              type="button"
              className={ui.linkButton}
              aria-expanded={each}
              aria-controls={eachId}
              onClick={() => setEach(!each)}
              aria-label={actionName("Each variant", named)}
            >
              Each variant<span aria-hidden="true">{each ? " ▴" : " ▾"}</span>
            </button>,
          )}
        />
        {ownError && (
          <p ref={errorNotice} role="alert" className={ui.alert}>
            {ownError.message}
          </p>
        )}
        <ul id={eachId} className={styles.eachVariant} hidden={!each}>
          {jobs.map((job) => (
            <li key={job.id}>{variantFacts(job)}</li>
          ))}
        </ul>
      </div>
    </li>
  );
}

/** What differs between the variants of a click that ended alike: which it was, how long it
 * took, what Gemini billed for it ("Variant 2 of 4 · 3 s · $0.006"). */
function variantFacts(job: Job): string {
  const took = job.status === "canceled" ? null : tookSeconds(job);
  return [
    variantLabel(job) ?? "Variant",
    took !== null ? tookText(job, took) : null,
    job.usage?.estimated_cost_usd != null ? formatUsd(job.usage.estimated_cost_usd) : "nothing billed",
  ]
    .filter(Boolean)
    .join(" · ");
}

/** "2 of 4 re-run since: their re-runs are above", "All 4 re-run since: …" (the history is
 * newest first: a re-run is always above what it re-ran). */
function rerunsSinceWords(reruns: number, variants: number): string {
  const which = reruns >= variants ? `All ${variants}` : `${reruns} of ${variants}`;
  return `${which} re-run since: ${reruns === 1 ? "its re-run is" : "their re-runs are"} above.`;
}
