import type { ReactNode } from "react";

import type { Job } from "../../../api/imageGeneration";
import { offeredActions } from "../job/actions";
import type { HistoryNames } from "../job/historyNames";
import { actionName, askedLabel, jobAt, opensFullSize, variantLabel } from "../job/names";
import { downloadLink, fullSizeUrl, pictureRatio, previewUrl, SHOWN_WIDTH, thumbnailSources } from "../job/picture";
import { isSavedNow, isSaving, SAVED_NOW, wasReplaced } from "../job/saved";
import { createdLabel } from "../job/time";
import { jobRatio } from "../shape";
import { useFocusAfterUndo } from "../hooks/use-focus-after-undo";
import type { ActionFailure } from "../hooks/use-job-actions";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import { useSeenWhenSaid } from "../hooks/use-seen-when-said";
import type { UndoOffer } from "../hooks/use-undo-save";
import ui from "../ui.module.css";
import { SaveLink } from "./ActionLink";
import styles from "./HistoryResults.module.css";
import { AskedFor } from "./AskedFor";
import { ResultPicture } from "./ResultPicture";
import { UndoSave } from "./UndoSave";

interface Props {
  /** The history's jobs, newest first: only the ones with a result show. */
  jobs: Job[];
  /** How the page names them (see `historyNames`): a job has one name in every view. */
  names: Pick<HistoryNames, "askedAt" | "replacedWords">;
  currentJobId: string | null;
  /** The jobs whose save is out (see `isSaving`). */
  savingIds: readonly string[];
  onSave: (job: Job) => void;
  /** The Undo a tile offers beside its "Saved to identity", if any (see `useUndoSave`). */
  undoOf?: ((job: Job) => UndoOffer | null) | undefined;
  /** Open a result's Compare (see `useCompare`'s `fromHistory`). */
  onCompare: ((job: Job) => void) | null;
  /** Whether a result has anything to compare it with (unsaid: each has). */
  compares?: ((job: Job) => boolean) | undefined;
  /** Why a save asked from here did not go through: said on its tile. */
  actionError: ActionFailure | null;
  /** Only the results once saved to the identity (the one it shows, and the ones replaced
   * since): the way back to an earlier image. */
  savedOnly?: boolean;
  /** What an empty view says instead of that none of these has a result (or was saved). */
  whenNone?: ReactNode;
}

/** The history's results as a grid of pictures large enough to judge a face: to find an
 * earlier result and save it, or compare it, in two clicks. */
export function HistoryResults({
  jobs,
  names: { askedAt, replacedWords },
  currentJobId,
  savingIds,
  onSave,
  undoOf,
  onCompare,
  compares,
  actionError,
  savedOnly = false,
  whenNone,
}: Props) {
  const results = savedOnly ? savedOf(jobs, currentJobId) : resultsOf(jobs);
  if (results.length === 0)
    return (
      whenNone ?? (
        <p className={ui.emptyNote}>
          {savedOnly ? "None of these generations was saved to the identity." : "No results among these generations yet."}
        </p>
      )
    );
  return (
    <ul className={results.some(isLandscape) ? `${styles.grid} ${styles.withLandscape}` : styles.grid} aria-label="Results">
      {results.map((job) => (
        <ResultTile
          key={job.id}
          job={job}
          label={jobAt("Result", job, askedAt(job))}
          askedAt={askedAt(job)}
          current={isSavedNow(job, currentJobId)}
          replaced={wasReplaced(job, currentJobId) ? replacedWords(job) : null}
          saving={isSaving(job, savingIds)}
          onSave={onSave}
          undo={undoOf?.(job) ?? null}
          onCompare={onCompare}
          compares={compares}
          failure={actionError?.jobId === job.id ? actionError : null}
        />
      ))}
    </ul>
  );
}

/** The jobs that have a tile: the ones with a result to see. */
export function resultsOf(jobs: Job[]): Job[] {
  return jobs.filter((job) => job.status === "succeeded" && previewUrl(job) !== null);
}

/** The results once saved to the identity: the one it shows (`currentJobId`, also when its
 * save read as failed though the host took it, or the host set it itself) first, then the ones
 * replaced since, the last saved first: the way back, one image at a time (in the order they
 * were asked, the image saved last Tuesday sat among this morning's). One being saved again
 * (an Undo back to it) keeps its tile: it was saved, whatever its new save does. */
export function savedOf(jobs: Job[], currentJobId: string | null): Job[] {
  const saved = resultsOf(jobs).filter((job) => Boolean(job.apply?.applied_at) || job.id === currentJobId);
  const current = (job: Job) => (job.id === currentJobId ? 1 : 0);
  const savedAt = (job: Job) => Date.parse(job.apply?.applied_at ?? "") || 0;
  // Stable: saves of one moment, or of no known moment, keep the history's order.
  return saved.sort((a, b) => current(b) - current(a) || savedAt(b) - savedAt(a));
}

function ResultTile({
  job,
  label,
  askedAt,
  current,
  replaced,
  saving,
  onSave,
  undo,
  onCompare,
  compares,
  failure,
}: {
  job: Job;
  /** Its name: "Result of today, 9:14 PM, variant 1 of 3". */
  label: string;
  /** When it was asked, as its name says it (see `askedPhrases`). */
  askedAt: string;
  current: boolean;
  /** Saved before, and replaced since (see `wasReplaced`): its badge's words; else null. */
  replaced: string | null;
  saving: boolean;
  onSave: (job: Job) => void;
  /** Its save's Undo, beside its "Saved to identity" (see `useUndoSave`). */
  undo: UndoOffer | null;
  onCompare: ((job: Job) => void) | null;
  /** Whether it has anything to compare it with. */
  compares: ((job: Job) => boolean) | undefined;
  /** Why its save did not go through. */
  failure: ActionFailure | null;
}) {
  const failureNotice = useSeenWhenSaid<HTMLParagraphElement>(failure);
  const variant = variantLabel(job);
  const offered = offeredActions(job, "row", { savedNow: current });
  const download = downloadLink(job);
  // Saved, Save goes: the tile keeps the focus it had.
  const tile = useKeepsFocus<HTMLLIElement>();
  // Undone, its Save to identity shows again: the focus goes there from Undo.
  const { save: saveRef, undo: undoFocus } = useFocusAfterUndo();
  return (
    <li
      // A landscape picture takes two of the grid's columns (see `.grid`).
      className={`${styles.tile} ${isLandscape(job) ? styles.landscape : ""} ${current ? styles.current : ""}`}
      style={pictureRatio(job)}
      // The saved one told apart in a screen reader's list, as its badge tells it apart seen.
      aria-label={current ? `${label}, ${SAVED_NOW.toLowerCase()}` : label}
      data-job-id={job.id}
      {...tile}
    >
      <a
        href={fullSizeUrl(job) ?? undefined}
        target="_blank"
        rel="noreferrer"
        className={styles.picture}
        aria-label={opensFullSize(label)}
      >
        {/* Its small rendition on a 1x screen, the preview or (a landscape one) the large one
            on a 2x screen: the browser measures the box (`sizes="auto"`, lazily loaded). */}
        <ResultPicture
          {...(thumbnailSources(job, { large: true }) ?? {})}
          sizes={SHOWN_WIDTH.resultTile}
          alt=""
          loading="lazy"
          className={styles.image}
        />
      </a>
      <p className={styles.prompt} title={job.prompt}>
        <AskedFor job={job} />
      </p>
      <div className={styles.caption}>
        <time dateTime={job.created_at} title={createdLabel(job, { seconds: true })}>
          {askedLabel(job, askedAt)}
        </time>
        {variant && <span className={ui.muted}>{variant}</span>}
        {current && <span className={ui.badgeOk}>{SAVED_NOW}</span>}
        {current && undo && <UndoSave offer={undo} of={label} focus={undoFocus} />}
        {replaced && <span className={`${ui.badge} ${styles.replaced}`}>{replaced}</span>}
      </div>
      <div className={styles.actions}>
        {offered.save && <SaveLink ref={saveRef} saving={saving} onSave={() => onSave(job)} of={label} />}
        {/* In a narrow tile, Save takes a line and these the next, together. */}
        <span className={ui.linkGroup}>
          {download && (
            <a className={ui.linkButton} href={download.href} download={download.download} aria-label={actionName("Download", label)}>
              Download
            </a>
          )}
          {offered.compare && onCompare && (compares?.(job) ?? true) && (
            <button
              type="button"
              className={ui.linkButton}
              onClick={() => onCompare(job)}
              aria-label={actionName("Compare", label)}
            >
              Compare
            </button>
          )}
        </span>
      </div>
      {failure && (
        <p ref={failureNotice} role="alert" className={`${ui.alert} ${styles.failure}`}>
          {failure.message}
        </p>
      )}
    </li>
  );
}

/** A landscape result takes two of the grid's columns (see `.grid`). */
const isLandscape = (job: Job) => jobRatio(job) > 1;
