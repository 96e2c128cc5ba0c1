import { useEffect, useId, useRef, useState, type ReactNode } from "react";

import type { Job } from "../../../api/imageGeneration";
import { offeredActions } from "../job/actions";
import { describeFailure } from "../job/failure";
import { actionName, askedLabel, jobAt, opensFullSize, variantLabel } from "../job/names";
import { downloadLink, fullSizeUrl, pictureRatio, previewUrl, SHOWN_WIDTH, thumbnailSources } from "../job/picture";
import {
  nextAttemptText,
  retryingAt,
  retryingBecause,
  runningAttempt,
  stageLabel,
  statusLabel,
  tookSeconds,
  tookText,
} from "../job/progress";
import { applyLabel, isSavedNow, isSaving, SAVED_NOW, wasReplaced } from "../job/saved";
import { isFinal } from "../job/state";
import { createdLabel } from "../job/time";
import { countOf, formatUsd } from "../config";
import type { ActionFailure } from "../hooks/use-job-actions";
import { useCutShort } from "../hooks/use-cut-short";
import { useFocusAfterUndo } from "../hooks/use-focus-after-undo";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import { useNow } from "../hooks/use-now";
import { useSeenWhenSaid } from "../hooks/use-seen-when-said";
import type { UndoOffer } from "../hooks/use-undo-save";
import { reveal } from "../motion";
import ui from "../ui.module.css";
import styles from "./GenerationHistory.module.css";
import { ActionLink } from "./ActionLink";
import type { FollowUps } from "./GeneratedImageDisplay";
import { RefineForm, refusedWords, useRefineBox } from "./RefineForm";
import { ResultPicture } from "./ResultPicture";
import { UndoSave } from "./UndoSave";

/** What each row needs besides its job: its follow-ups are a card's (`onCompare` compares it
 * as its card would, for the jobs `compares` says have something to compare with), with Save
 * and Cancel. */
export interface RowProps extends FollowUps {
  /** The job whose image the identity shows now (see `currentImageJobId`). */
  currentJobId: string | null;
  onSave: (job: Job) => void;
  /** The jobs whose save is out (see `isSaving`). */
  savingIds: readonly string[];
  /** The Undo a row or tile offers beside its "Saved to identity", if any (see `useUndoSave`). */
  undoOf?: ((job: Job) => UndoOffer | null) | undefined;
  /** Cancel a queued job. */
  onCancel: ((job: Job) => void) | null;
  /** The jobs whose cancel is out. */
  cancelingIds: readonly string[];
  /** The page cannot read the jobs' states now: a running row shows its last known state
   * (no spinner, no Cancel), as its card does. */
  outOfTouch: boolean;
  /** Why the last action asked from the history (a save, a cancel, a re-run, a refine) did
   * not go through: said on its job's row or tile, where the admin asked it. */
  actionError: ActionFailure | null;
}

/** One generation in the history's list: its picture, what it was (its state, when, its prompt,
 * settings and cost, why it failed) and what can be done with it. */
export function HistoryItem({
  job,
  currentJobId,
  onRerun,
  onRefine,
  onSave,
  onEditSettings,
  onCancel,
  cancelingIds,
  onCompare,
  compares,
  savingIds,
  undoOf,
  origin,
  sameClick,
  saidAbove = false,
  rerunSince = false,
  askedAt,
  replacedWords,
  busy,
  outOfTouch,
  actionError,
}: RowProps & {
  job: Job;
  origin: string | null;
  /** When it was asked, as its name says it (see `askedPhrases`). */
  askedAt: string;
  /** What it says once its save was replaced (see `savedThenReplacedIn`). */
  replacedWords: string;
  /** One of a click's variants, in its row (see `HistoryClick`): its prompt, time and settings
   * are said there, once for all of them. */
  sameClick: boolean;
  /** It failed for the words a variant of its click before it says: not said again. */
  saidAbove?: boolean;
  /** It ended without a picture and was re-run since (see `offeredActions`). */
  rerunSince?: boolean;
}) {
  const refine = useRefineBox();
  const row = useKeepsFocus<HTMLLIElement>();
  // Its failure on the row, or in its Refine box (refused words, while the box holds them).
  const failure = refusedWords(actionError?.jobId === job.id ? actionError : null, {
    open: refine.open,
    words: refine.box.instruction,
  });
  const ownError = failure.card;
  const errorNotice = useSeenWhenSaid<HTMLParagraphElement>(ownError);
  const label = jobAt("Generation", job, askedAt);
  const savedNow = isSavedNow(job, currentJobId);
  const offered = offeredActions(job, "row", { savedNow, sameClick, rerunSince });
  const saving = isSaving(job, savingIds);
  const canceling = cancelingIds.includes(job.id);
  const download = downloadLink(job);
  const undo = undoOf?.(job) ?? null;
  // Undone, its Save to identity shows again: the focus goes there from Undo.
  const { save: saveRef, undo: undoFocus } = useFocusAfterUndo();
  return (
    <li
      className={savedNow ? `${styles.item} ${styles.savedNow}` : styles.item}
      style={pictureRatio(job)}
      aria-label={label}
      data-job-id={job.id}
      {...row}
    >
      <RowThumb job={job} askedAt={askedAt} outOfTouch={outOfTouch} />
      <div className={styles.body}>
        {/* What the job is: beside its picture on a phone too; its actions under both there. */}
        <RowText
          job={job}
          askedAt={askedAt}
          replacedWords={replacedWords}
          currentJobId={currentJobId}
          origin={origin}
          sameClick={sameClick}
          saidAbove={saidAbove}
          rerunSince={rerunSince}
          outOfTouch={outOfTouch}
          undo={undo && <UndoSave offer={undo} of={label} focus={undoFocus} />}
        />
        {/* In the order of a result's card: what is done with this result first (save it,
            download it), then what follows from it (refine or compare it, then make another
            from its settings). Each pair wraps as one, and the follow-ups as one before that:
            a phone's row breaks between them, never leaving Edit settings alone on a line. */}
        <RowActions
          cancel={
            offered.cancel &&
            onCancel &&
            !outOfTouch && (
              <ActionLink
                off={canceling}
                onClick={() => onCancel(job)}
                label={actionName(canceling ? "Canceling…" : "Cancel", label)}
              >
                {canceling ? "Canceling…" : "Cancel"}
              </ActionLink>
            )
          }
          keep={wrapsAsOne(
            offered.save && (
              <ActionLink ref={saveRef} off={saving} onClick={() => onSave(job)} label={actionName("Save to identity", label)}>
                Save to identity
              </ActionLink>
            ),
            download && (
              <a
                className={ui.linkButton}
                href={download.href}
                download={download.download}
                aria-label={actionName("Download", label)}
              >
                Download
              </a>
            ),
          )}
          followUps={wrapsAsOne(
            wrapsAsOne(
              offered.refine && (
                <button type="button" className={ui.linkButton} {...refine.toggle} aria-label={actionName("Refine", label)}>
                  Refine
                </button>
              ),
              offered.compare && onCompare && (compares?.(job) ?? true) && (
                <button
                  type="button"
                  className={ui.linkButton}
                  onClick={() => onCompare(job)}
                  aria-label={actionName("Compare", label)}
                >
                  Compare
                </button>
              ),
            ),
            wrapsAsOne(
              offered.rerun && (
                <ActionLink off={busy} onClick={() => onRerun(job)} label={actionName("Re-run", label)}>
                  Re-run
                </ActionLink>
              ),
              offered.editSettings && (
                <ActionLink onClick={() => onEditSettings(job)} label={actionName("Edit settings", label)}>
                  Edit settings
                </ActionLink>
              ),
            ),
          )}
        />
        {ownError && (
          <p ref={errorNotice} role="alert" className={ui.alert}>
            {ownError.message}
          </p>
        )}
        {refine.open && (
          <RefineForm
            {...refine.box}
            problem={failure.box}
            costUsd={job.usage?.estimated_cost_usd ?? null}
            busy={busy}
            onSubmit={(words) => {
              void onRefine(job, words).then((started) => started && refine.sent());
            }}
          />
        )}
      </div>
    </li>
  );
}

/** A row's picture: its small rendition (its preview on a screen that needs it), linked to the
 * full size; a spinner while it is made; or, for a job that ended without one, a small mark. */
function RowThumb({ job, askedAt, outOfTouch }: { job: Job; askedAt: string; outOfTouch: boolean }) {
  const preview = previewUrl(job);
  return (
    <div className={styles.thumb}>
      {/* Ended without a picture (failed, canceled): a small mark, not a grey box as heavy
          as a picture, so the eye goes to the pictures; the column keeps its width, so the
          rows' words still start at one place. */}
      {isFinal(job) && !preview ? (
        <span className={job.status === "failed" ? styles.markFailed : styles.mark} aria-hidden="true">
          {job.status === "failed" ? "!" : "—"}
        </span>
      ) : (
        <div className={styles.thumbFrame}>
          {preview ? (
            <a
              href={fullSizeUrl(job) ?? preview}
              target="_blank"
              rel="noreferrer"
              className={styles.thumbLink}
              aria-label={opensFullSize(jobAt("Result", job, askedAt))}
            >
              <ResultPicture
                {...(thumbnailSources(job, { large: false }) ?? { src: preview })}
                sizes={SHOWN_WIDTH.historyThumb}
                alt=""
                loading="lazy"
                className={styles.thumbImage}
              />
            </a>
          ) : (
            <div className={styles.thumbEmpty} aria-hidden="true">
              {outOfTouch ? "—" : <span className={ui.spinner} />}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

/** What a row's job is, in words: its state, when it was asked, its badges; its prompt and where
 * it came from (once per click); its settings, time and cost; its next attempt, or why it failed. */
function RowText({
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
          savedNow || savedBefore ? null : saveState,
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
const RERUN_SINCE = "Re-run since: its re-run is above.";

/** What the job asked, first: a refinement's change (and what it refined), then the prompt it
 * kept; any other job's prompt, then how it came about. */
export function Asked({ job, origin }: { job: Job; origin: string | null }) {
  return job.kind === "refine" && origin ? (
    <>
      <Prompt text={origin} quoted={false} />
      {job.prompt && (
        <p className={styles.origin} title={job.prompt}>
          “{job.prompt}”
        </p>
      )}
    </>
  ) : (
    <>
      {job.prompt ? <Prompt text={job.prompt} /> : <p className={`${styles.prompt} ${ui.muted}`}>No prompt</p>}
      {origin && (
        <p className={styles.origin} title={origin}>
          {origin}
        </p>
      )}
    </>
  );
}

/** The state's badge: failed, on its way, or plain (canceled); a result has none. */
export function statusClass(job: Job): string {
  if (job.status === "failed") return ui.badgeDanger ?? "";
  if (job.status === "queued" || job.status === "running") return ui.badgeActive ?? "";
  return ui.badge ?? "";
}

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

/** A row's prompt (or a refinement's words, `quoted` in its own marks), three lines at most;
 * when it is cut there, "Show all" opens it whole (and "Show less" closes it), so a long
 * prompt can be read without copying it into the form. */
function Prompt({ text, quoted = true }: { text: string; quoted?: boolean }) {
  const ref = useRef<HTMLParagraphElement>(null);
  const [whole, setWhole] = useState(false);
  const cut = useCutShort(ref, { text, whole, direction: "down" });
  return (
    <>
      <p ref={ref} className={`${styles.prompt} ${whole ? styles.whole : ""}`} title={text}>
        {quoted ? `“${text}”` : text}
      </p>
      {(cut || whole) && (
        <button type="button" className={`${ui.linkButton} ${styles.promptToggle}`} onClick={() => setWhole(!whole)} aria-expanded={whole}>
          {whole ? "Show less" : "Show all"}
        </button>
      )}
    </>
  );
}
