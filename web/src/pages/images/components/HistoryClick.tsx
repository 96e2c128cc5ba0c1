import type { ReactNode } from "react";

import type { Job } from "../../../api/imageGeneration";
import type { JobRow } from "../job/rows";
import { actionName, askedLabel } from "../job/names";
import { createdLabel } from "../job/time";
import { costInAll } from "../job/click";
import { countOf } from "../config";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import ui from "../ui.module.css";
import styles from "./GenerationHistory.module.css";
import { ActionLink } from "./ActionLink";
import { Asked } from "./Asked";
import { HistoryItem, type RowProps } from "./HistoryItem";

/**
 * A click of several variants, as one row of the history: what its variants share, said once
 * (when, how many, what it asked and how it came about, its settings, what it cost in all,
 * and Edit settings), then each variant as a row of its own, side by side, all at one weight.
 * The first variant's row had been the click's header too: a larger picture, the prompt and
 * Edit settings, its siblings smaller and indented under it, as if they were lesser takes.
 */
export function HistoryClick({
  variants,
  askedAt,
  originOf,
  replacedWords,
  ...row
}: RowProps & {
  /** Its variants' rows, in the click's order; two or more. */
  variants: readonly [JobRow, JobRow, ...JobRow[]];
  /** When it was asked, as its name says it (see `askedPhrases`): its variants share it. */
  askedAt: string;
  /** How each job came about (see `originsIn`). */
  originOf: (job: Job) => string | null;
  /** What each one says once its save was replaced (see `savedThenReplacedIn`). */
  replacedWords: (job: Job) => string;
}) {
  const first = variants[0].job;
  const keeps = useKeepsFocus<HTMLLIElement>();
  const jobs: [Job, ...Job[]] = [first, ...variants.slice(1).map((variant) => variant.job)];
  const named = `Generation of ${askedAt}`;
  const count = countOf(jobs.length, "variant");
  return (
    <li
      className={styles.click}
      aria-label={`${named}, ${count}`}
      data-click={jobs.map((job) => job.id).join(" ")}
      {...keeps}
    >
      <div className={styles.clickHead}>
        <div className={styles.text}>
          <ClickShared jobs={jobs} askedAt={askedAt} origin={originOf(first)} count={count} />
        </div>
        <div className={styles.actions}>
          <ActionLink onClick={() => row.onEditSettings(first)} label={actionName("Edit settings", named)}>
            Edit settings
          </ActionLink>
        </div>
      </div>
      <ul className={styles.variants}>
        {variants.map((variant) => (
          <HistoryItem
            key={variant.job.id}
            {...variant}
            sameClick
            askedAt={askedAt}
            replacedWords={replacedWords(variant.job)}
            origin={originOf(variant.job)}
            {...row}
          />
        ))}
      </ul>
    </li>
  );
}

/** What a click's variants share, said once at the top of its row: its time, how many (and
 * how all of them ended, for a click that ended alike: `state`), what it asked and how it came
 * about, its settings and what it cost in all. */
export function ClickShared({
  jobs,
  askedAt,
  origin,
  count,
  state = null,
}: {
  /** The click's jobs, in its order. */
  jobs: readonly [Job, ...Job[]];
  askedAt: string;
  origin: string | null;
  /** How many it made, as its badge says it ("3 variants", "All 4 variants"). */
  count: string;
  state?: ReactNode;
}) {
  const [first] = jobs;
  return (
    <>
      <div className={styles.line}>
        {state}
        <time dateTime={first.created_at} className={styles.time} title={createdLabel(first, { seconds: true })}>
          {askedLabel(first, askedAt)}
        </time>
        <span className={ui.badge}>{count}</span>
        {first.source === "s3_event" && <span className={ui.badge}>from new references</span>}
      </div>
      <Asked job={first} origin={origin} />
      <p className={styles.facts}>
        {[first.aspect_ratio, first.image_size, countOf(first.reference_keys.length, "photo"), costInAll(jobs)]
          .filter(Boolean)
          .join(" · ")}
      </p>
    </>
  );
}
