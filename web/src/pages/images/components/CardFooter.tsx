import { Fragment, type Ref } from "react";

import type { Job } from "../../../api/imageGeneration";
import type { OfferedActions } from "../job/actions";
import { actionName } from "../job/names";
import { downloadLink } from "../job/picture";
import { tookSeconds, tookText } from "../job/progress";
import { applyLabel, isSavedNow, isSavingSlowly, SAVED_NOW, SLOW_SAVE } from "../job/saved";
import { formatUsd } from "../config";
import { useFocusAfterUndo } from "../hooks/use-focus-after-undo";
import { useNow } from "../hooks/use-now";
import type { UndoOffer } from "../hooks/use-undo-save";
import ui from "../ui.module.css";
import styles from "./GeneratedImageDisplay.module.css";
import { ActionLink } from "./ActionLink";
import { FirstWordSeen } from "./FirstWordSeen";
import type { FollowUps } from "./followUps";
import type { RefineToggle } from "./RefineForm";
import { UndoSave } from "./UndoSave";

/* A result card's footer, under its picture: what is done with the result (Save, Download),
   what follows from it (Refine, Compare, Re-run), its facts; and while it is made, the room
   they will take. */

/** Four abreast (four upright variants in a 1440 px screen's pane), Save and its saved badge
 * show their first word (see the CSS's `.wordsFirst`). */
const FOUR_ABREAST = { whole: styles.wordsWhole, first: styles.wordsFirst };

/** While the job runs, the room its result's footer will take, as the quiet shapes of its rows
 * (as they wrap in the card's width): the cards under a row of them did not wait for theirs, and jumped down as
 * it came (132 px, four squares on a tablet). A failed job's card gives it back, as its frame
 * does (see `frameClass`). */
export function FooterRoom({ followUps }: { followUps: boolean }) {
  return (
    <div className={`${styles.footer} ${styles.footerRoom}`} aria-hidden="true">
      <div className={styles.actions}>
        <span className={ui.primary}>
          <FirstWordSeen words="Save to identity" classes={FOUR_ABREAST} />
        </span>
        <span className={`${ui.button} ${styles.download}`}>
          <span className={styles.downloadIcon}>↓</span>
          <span className={styles.downloadWord}>Download</span>
        </span>
      </div>
      {followUps && (
        <div className={`${styles.actions} ${styles.links}`}>
          <span className={ui.linkButton}>Refine</span>
          <span className={ui.linkButton}>Compare</span>
          <span className={ui.linkButton}>Re-run</span>
        </div>
      )}
      <div className={styles.facts}>
        <span className={ui.muted}>1024×1024</span>
      </div>
    </div>
  );
}

/** A result's first row, what is done with it: Save (once the identity shows the image, its
 * badge in Save's place, and the save's Undo right after it) and Download. */
export function KeepActions({
  job,
  title,
  currentJobId,
  saveOffered,
  saving,
  onSave,
  undo,
}: {
  job: Job;
  /** The card's title, which its actions' names end with (see `actionName`). */
  title: string;
  currentJobId: string | null;
  /** Save can be asked (see `offeredActions`). */
  saveOffered: boolean;
  saving: boolean;
  onSave: (job: Job) => void;
  undo: UndoOffer | null;
}) {
  const download = downloadLink(job);
  // Undone, Save shows again in the badge's place: the focus goes there from Undo.
  const { save: saveRef, undo: undoFocus } = useFocusAfterUndo();
  return (
    <div className={styles.actions}>
      {/* Saved: the green badge takes Save's place (the row does not move); a grey "Save"
          beside it would read as the opposite. */}
      {saveOffered ? (
        <SaveButton ref={saveRef} job={job} title={title} saving={saving} onSave={onSave} />
      ) : (
        <span className={styles.saveSlot}>
          <SaveBadge job={job} currentJobId={currentJobId} />
          {undo && <UndoSave offer={undo} of={title} focus={undoFocus} />}
        </span>
      )}
      {download && (
        <a
          className={`${ui.button} ${styles.download}`}
          href={download.href}
          download={download.download}
          title="Download"
          aria-label={actionName("Download", title)}
        >
          {/* In a card too narrow for both words (three abreast), its arrow, so Save and
              Download still share a row; its name stays "Download". */}
          <span className={styles.downloadIcon} aria-hidden="true">
            ↓
          </span>
          <span className={styles.downloadWord}>Download</span>
        </a>
      )}
    </div>
  );
}

/** Save to identity. It stays focusable while it cannot be used (a disabled button would drop
 * the focus to the page when the click that disables it came from the keyboard):
 * `aria-disabled`. (A double click's second click asks nothing more: `useApply` sends one save
 * per job at a time.) */
function SaveButton({
  ref,
  job,
  title,
  saving,
  onSave,
}: {
  ref?: Ref<HTMLButtonElement>;
  job: Job;
  title: string;
  saving: boolean;
  onSave: (job: Job) => void;
}) {
  const pending = saving || job.apply?.status === "pending";
  const askSave = () => {
    if (!pending) onSave(job);
  };
  return (
    <button
      ref={ref}
      type="button"
      className={ui.primary}
      onClick={askSave}
      aria-disabled={pending}
      aria-label={actionName(pending ? "Saving…" : "Save to identity", title)}
    >
      {/* Saving is said in Save's own place, both words holding its width: nothing moves. */}
      <span className={styles.saveLabels}>
        <span aria-hidden={pending || undefined}>
          <FirstWordSeen words="Save to identity" classes={FOUR_ABREAST} />
        </span>
        <span aria-hidden={!pending || undefined}>Saving…</span>
      </span>
    </button>
  );
}

/** Where the job's save stands, as a badge (see `applyBadge`); nothing before one is asked. */
function SaveBadge({ job, currentJobId }: { job: Job; currentJobId: string | null }) {
  const applied = isSavedNow(job, currentJobId);
  const applyText = applyLabel(job, currentJobId);
  return (
    applyText && (
      <span className={applyBadge(job, applied)}>
        {applied && <span aria-hidden="true">✓</span>}
        {applyText === SAVED_NOW ? <FirstWordSeen words={SAVED_NOW} classes={FOUR_ABREAST} /> : applyText}
      </span>
    )
  );
}

/** The save's badge: ok while the identity shows the image, plain once another replaced it;
 * danger when it was refused, warn when a newer save won; active while on its way. */
function applyBadge(job: Job, savedNow: boolean): string | undefined {
  switch (job.apply?.status) {
    case "applied":
      return savedNow ? ui.badgeOk : ui.badge;
    case "failed":
      return ui.badgeDanger;
    case "superseded":
      return ui.badgeWarn;
    default:
      return ui.badgeActive;
  }
}

/** What follows from a result: Refine (its box is the grid's), Compare and Re-run (another
 * take, beside it), as each is offered, in its history row's order. */
export function FollowUpActions({
  job,
  title,
  offered,
  followUps,
  refine,
}: {
  job: Job;
  title: string;
  offered: OfferedActions;
  followUps: FollowUps;
  refine: RefineToggle | undefined;
}) {
  return (
    <div className={`${styles.actions} ${styles.links}`}>
      {offered.refine && refine && (
        <button type="button" className={ui.linkButton} {...refine} aria-label={actionName("Refine", title)}>
          Refine
        </button>
      )}
      {followUps.onCompare && offered.compare && (followUps.compares?.(job) ?? true) && (
        <button
          type="button"
          className={ui.linkButton}
          onClick={() => followUps.onCompare?.(job)}
          aria-label={actionName("Compare", title)}
        >
          Compare
        </button>
      )}
      {offered.rerun && (
        <ActionLink off={followUps.busy} onClick={() => followUps.onRerun(job)} label={actionName("Re-run", title)}>
          Re-run
        </ActionLink>
      )}
    </div>
  );
}

/** A result's facts line: where its save stands (while Save is offered: once saved, the badge
 * is in Save's place), then its size, time and cost. */
export function CardFacts({
  job,
  title,
  currentJobId,
  saveOffered,
}: {
  job: Job;
  title: string;
  currentJobId: string | null;
  saveOffered: boolean;
}) {
  const took = tookSeconds(job);
  // A save long on its way says why it takes so (see `isSavingSlowly`).
  const now = useNow(job.apply?.status === "pending");
  const slow = isSavingSlowly(job, now);
  const save = slow ? SLOW_SAVE : applyLabel(job, currentJobId);
  return (
    <div className={styles.facts}>
      {/* Where its save stands, said as it changes (Saving, saved, why not), named for its card:
          one region there from the start, as a badge that replaces Save is not read by every
          screen reader. A save on its way shows on Save itself, and once slow under it too;
          the badge shows the rest. */}
      <span className={ui.visuallyHidden} role="status">
        {save && `${title}: ${save}`}
      </span>
      {slow && <span className={`${ui.muted} ${styles.slowSave}`}>{SLOW_SAVE}</span>}
      {saveOffered && job.apply?.status !== "pending" && <SaveBadge job={job} currentJobId={currentJobId} />}
      {/* Its pieces whole, each "·" starting its piece: a narrow card wrapped within them, and
          left "$0.139" alone under a line that ended on its "·". */}
      <span className={ui.muted}>
        {[
          job.output && `${job.output.width}×${job.output.height}`,
          took !== null && tookText(job, took),
          job.usage?.estimated_cost_usd != null && formatUsd(job.usage.estimated_cost_usd),
        ]
          .filter((fact): fact is string => Boolean(fact))
          .map((fact, index) => (
            <Fragment key={index}>
              {index > 0 && " "}
              <span className={styles.piece}>{index > 0 ? `· ${fact}` : fact}</span>
            </Fragment>
          ))}
      </span>
    </div>
  );
}

