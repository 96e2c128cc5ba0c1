import type { Job } from "../../../api/imageGeneration";
import { offeredActions } from "../job/actions";
import { actionName, jobAt, opensFullSize } from "../job/names";
import { downloadLink, fullSizeUrl, pictureRatio, previewUrl, SHOWN_WIDTH, thumbnailSources } from "../job/picture";
import { isSavedNow, isSaving } from "../job/saved";
import { isFinal } from "../job/state";
import type { ActionFailure } from "../hooks/use-job-actions";
import { useFocusAfterUndo } from "../hooks/use-focus-after-undo";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import { useSeenWhenSaid } from "../hooks/use-seen-when-said";
import type { UndoOffer } from "../hooks/use-undo-save";
import ui from "../ui.module.css";
import styles from "./GenerationHistory.module.css";
import { ActionLink, SaveLink } from "./ActionLink";
import type { FollowUps } from "./followUps";
import { RefineForm, refusedWords, useRefineBox } from "./RefineForm";
import { ResultPicture } from "./ResultPicture";
import { RowActions, wrapsAsOne } from "./RowActions";
import { RowText } from "./RowText";
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
            offered.save && <SaveLink ref={saveRef} saving={saving} onSave={() => onSave(job)} of={label} />,
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
