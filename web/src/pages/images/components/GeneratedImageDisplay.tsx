import { Fragment, type Ref } from "react";

import type { Job } from "../../../api/imageGeneration";
import { offeredActions, type OfferedActions } from "../job/actions";
import { describeFailure } from "../job/failure";
import { actionName, cardTitle, originLabel } from "../job/names";
import { downloadLink, fullSizeUrl, pictureRatio, pictureSources, previewUrl, SHOWN_WIDTH } from "../job/picture";
import { tookSeconds, tookText } from "../job/progress";
import { applyLabel, isSavedNow, isSavingSlowly, SAVED_NOW, SLOW_SAVE } from "../job/saved";
import { isFinal } from "../job/state";
import { jobRatio } from "../shape";
import { formatUsd } from "../config";
import { useFocusAfterUndo } from "../hooks/use-focus-after-undo";
import type { ActionFailure } from "../hooks/use-job-actions";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import { useNow } from "../hooks/use-now";
import type { UndoOffer } from "../hooks/use-undo-save";
import { useSeenWhenSaid } from "../hooks/use-seen-when-said";
import ui from "../ui.module.css";
import styles from "./GeneratedImageDisplay.module.css";
import { NONE_LEFT, type WithoutIt } from "../job/without";
import { ActionLink } from "./ActionLink";
import { CardProgress } from "./CardProgress";
import { FirstWordSeen } from "./FirstWordSeen";
import { GenerateWithoutIt } from "./GenerateWithoutIt";
import type { FollowUps } from "./followUps";
import type { RefineToggle } from "./RefineForm";
import { ResultPicture } from "./ResultPicture";
import { UndoSave } from "./UndoSave";

/** Four abreast (four upright variants in a 1440 px screen's pane), Save and its saved badge
 * show their first word (see the CSS's `.wordsFirst`). */
const FOUR_ABREAST = { whole: styles.wordsWhole, first: styles.wordsFirst };

export interface GeneratedImageDisplayProps {
  job: Job;
  /** 1-based position among the click's variants, when there are several. */
  variant?: { index: number; count: number } | undefined;
  /** Its title, when not its job's own ("Variant 2 of 3", "New image"): a card that joined
   * the click of the card it came from says which ("Refinement of variant 3"). */
  title?: string | undefined;
  usualSeconds: number | null;
  /** The job whose image the identity shows now (see `currentImageJobId`). */
  currentJobId: string | null;
  onSave: (job: Job) => void;
  /** Its save is out (see `isSaving`). */
  saving: boolean;
  /** Its save was the newest, asked from this card: its Undo (see `useUndoSave`). */
  undo?: UndoOffer | null;
  onCancel?: ((job: Job) => void) | undefined;
  /** Its cancel is out: Cancel says so, and does nothing more. */
  canceling?: boolean;
  followUps?: FollowUps | undefined;
  /** How the job came about ("Refined: …", "Re-run of the result of …"); by default as far
   * as the job alone tells. */
  origin?: string | null;
  /** The page cannot read the job's state now (offline, the service unreachable, the session
   * ended): what the card says is the last it read. */
  outOfTouch?: boolean;
  /** Why the last action asked from this card (save, cancel, re-run, refine) did not go through. */
  failure?: ActionFailure | null;
  /** Its Refine button's part of the box it opens: the box is the grid's, at the pane's
   * width under the cards (see `VariantsGrid`). Without it, no Refine. */
  refine?: RefineToggle | undefined;
  /** It failed for the reason every failed variant of its click failed for, said once above
   * the cards: the card says only "Failed" (the reason to a screen reader, with the card). */
  reasonSaidAbove?: boolean;
  /** The click's own Edit settings, above the cards, puts its settings in the form (see
   * `clickOffers`): the card has none of its own. */
  editSettingsAbove?: boolean;
  /** It is a re-run standing in the place of its variant's try that failed or was canceled
   * (see `foldTries`): its line says so, short ("the first try failed: …"), the failure's
   * whole words in its tooltip. */
  standIn?: { words: string; whole: string } | undefined;
}

/** One generation: progress while it runs; then its preview, full size, save and download. */
export function GeneratedImageDisplay({
  job,
  variant,
  title: joinedTitle,
  usualSeconds,
  currentJobId,
  onSave,
  saving,
  undo = null,
  onCancel,
  canceling = false,
  followUps,
  origin = originLabel(job),
  outOfTouch = false,
  failure = null,
  refine,
  reasonSaidAbove = false,
  editSettingsAbove = false,
  standIn,
}: GeneratedImageDisplayProps) {
  const title = joinedTitle ?? (variant && variant.count > 1 ? `Variant ${variant.index} of ${variant.count}` : cardTitle(job));
  const preview = previewUrl(job);
  const full = fullSizeUrl(job);
  const applied = isSavedNow(job, currentJobId);
  const offered = offeredActions(job, "card", { savedNow: applied });
  // Save goes once the identity shows this image, and Cancel while its request is out and once
  // the job left the queue: the card keeps the focus.
  const card = useKeepsFocus<HTMLElement>();
  const failureNotice = useSeenWhenSaid<HTMLParagraphElement>(failure);
  const without = followUps?.withoutIt?.of(job) ?? null;

  const failureAlert = failure && (
    <p ref={failureNotice} role="alert" className={ui.alert}>
      {failure.message}
    </p>
  );

  return (
    // The picture's shape is the card's (`--ratio`): its header spans the picture, not the card.
    <article
      className={cardClass(job, applied)}
      aria-label={title}
      style={pictureRatio(job)}
      data-job-id={job.id}
      {...card}
    >
      <header className={styles.header}>
        <h3 className={styles.title}>{title}</h3>
        <span className={styles.settings}>
          {job.aspect_ratio} · {job.image_size}
        </span>
      </header>
      {/* A refinement shows what was asked; of which result is said to a screen reader (and
          shown in the history), where a tooltip would reach only a mouse. */}
      {origin && <Origin job={job} origin={origin} />}

      {/* The image's shape while it comes (at least: more when its words need it), and once it
          is there; once it ended without one, only as tall as why (see `.ended`). */}
      <div className={frameClass(job, preview)}>
        {job.status === "succeeded" && preview ? (
          <Picture job={job} title={title} opens={opensName(title, variant)} preview={preview} full={full} />
        ) : !isFinal(job) ? (
          <CardProgress
            job={job}
            usualSeconds={usualSeconds}
            title={title}
            onCancel={onCancel}
            cancelable={offered.cancel}
            canceling={canceling}
            outOfTouch={outOfTouch}
            announces={(variant?.count ?? 1) === 1 || standIn !== undefined}
          />
        ) : (
          <Failure job={job} reasonSaidAbove={reasonSaidAbove} note={without && without.keys.length === 0 ? NONE_LEFT : null} />
        )}
      </div>

      {/* A re-run standing in its variant's place says which try it is with what the card says
          of itself: on its way or ended without a picture, right under its progress or why. */}
      {standIn && job.status !== "succeeded" && <StandInLine {...standIn} />}
      {/* On its way: why its cancel did not go through, right under its Cancel, not under the
          room kept for its result's buttons (some 120 px lower). */}
      {!isFinal(job) && failureAlert}
      {!isFinal(job) && <FooterRoom followUps={followUps !== undefined} />}
      {job.status === "succeeded" && (
        <footer className={styles.footer}>
          {/* What is done with the result, one row: Save (the page's point) and Download. */}
          <KeepActions
            job={job}
            title={title}
            currentJobId={currentJobId}
            saveOffered={offered.save}
            saving={saving}
            onSave={onSave}
            undo={undo}
          />
          {/* What follows from it, a row of its own: saving (its button goes) does not move these. */}
          {followUps && (offered.refine || offered.compare || offered.rerun) && (
            <FollowUpActions job={job} title={title} offered={offered} followUps={followUps} refine={refine} />
          )}
          <CardFacts job={job} title={title} currentJobId={currentJobId} saveOffered={offered.save} />
        </footer>
      )}
      {/* A failed or canceled job: try again as it was, or change it first. */}
      {followUps && offered.editSettings && (offered.rerun || without || !editSettingsAbove) && (
        <TryAgainActions job={job} title={title} offered={offered} followUps={followUps} without={without} edit={!editSettingsAbove} />
      )}
      {/* With a picture, under its facts: its picture and Save level with the cards beside it. */}
      {standIn && job.status === "succeeded" && <StandInLine {...standIn} />}
      {isFinal(job) && failureAlert}
    </article>
  );
}

/** The card: green once saved; an upright or square picture marked, as one card alone in a wide
 * pane puts its words and buttons beside it rather than leave a strip empty (see the CSS). */
function cardClass(job: Job, savedNow: boolean): string {
  return [styles.card, savedNow && styles.saved, jobRatio(job) <= 1 && styles.upright].filter(Boolean).join(" ");
}

/** How the card's job came about: a re-run of which result, or a refinement's words, the
 * result it refined (", from the result of today, 9:14 PM") in its text, not shown. */
function Origin({ job, origin }: { job: Job; origin: string }) {
  const shown = job.kind === "refine" ? (originLabel(job) ?? origin) : origin;
  const unseen = origin.startsWith(shown) ? origin.slice(shown.length) : "";
  return (
    <p className={styles.origin}>
      {shown}
      {unseen && <span className={ui.visuallyHidden}>{unseen}</span>}
    </p>
  );
}

/** A re-run standing in its variant's place: "Re-run · 1st try: safety filter". With its
 * picture, last in the card, under its facts: under its title, the line pushed its picture and
 * Save 25 px below those of the cards beside it (its Save under a 1366 by 768 laptop's edge, at
 * the pictures' floor), and was cut short on a card four abreast. On its way, or failed again,
 * right under its progress or why it failed, before what can be done: last in the card, it
 * stood under the room kept for its result's buttons, or under Re-run and Edit settings, and
 * read as belonging to neither. The failure's whole words (what to do) in its tooltip, and in
 * the history, which keeps every try. */
function StandInLine({ words, whole }: { words: string; whole: string }) {
  return (
    <p className={styles.standIn} title={whole}>
      Re-run · {words}
    </p>
  );
}

/** The result, which opens its full size in a new tab: a click on it, as people expect, or
 * Enter on it (one tab stop, named for what it does, "Open variant 2 full size"). Hovered or
 * focused, a hint says so on the picture. */
function Picture({
  job,
  title,
  opens,
  preview,
  full,
}: {
  job: Job;
  title: string;
  /** The link's name (see `opensName`). */
  opens: string;
  preview: string;
  full: string | null;
}) {
  // Lazily loaded, for the browser to measure the box it fills (`sizes`): it loads at once on
  // screen, and takes the preview or the large rendition as the box and the screen need.
  const picture = (
    <ResultPicture
      className={styles.image}
      {...(pictureSources(job) ?? { src: preview })}
      sizes={SHOWN_WIDTH.card}
      loading="lazy"
      alt={`${title}, ${job.output?.width}×${job.output?.height}`}
    />
  );
  if (!full) return picture;
  return (
    <a className={styles.imageLink} href={full} target="_blank" rel="noreferrer" aria-label={`${opens} (new tab)`}>
      {picture}
      {/* Its words are in the link's name ("Open variant 2 full size"), as a name must hold
          what is seen of it; the arrow is drawn by the style. */}
      <span className={styles.openHint} aria-hidden="true">
        Full size
      </span>
    </a>
  );
}

/** What a click on the picture does, for its link's name: "Open variant 2 full size" among a
 * click's variants (each its own, in a screen reader's list of links), else "Open the new image
 * full size". */
function opensName(title: string, variant: { index: number; count: number } | undefined): string {
  if (variant && variant.count > 1) return `Open variant ${variant.index} full size`;
  return `Open the ${title.charAt(0).toLowerCase()}${title.slice(1)} full size`;
}

/** Why a job ended without an image. Not an alert: the grid's live region says once that the
 * job failed; a failure seen on arrival (another identity, a reload) is read like the rest of
 * the page. */
function Failure({ job, reasonSaidAbove, note = null }: { job: Job; reasonSaidAbove: boolean; note?: string | null }) {
  // Canceled is all there is to say: the admin canceled it, and its card stays as it was.
  if (job.status === "canceled") {
    return (
      <div className={styles.canceled}>
        <strong>Canceled</strong>
      </div>
    );
  }
  const failure = describeFailure(job);
  // Gemini bills an answer without an image too (a refusal, text only): what this one cost.
  const billed = job.usage?.estimated_cost_usd;
  // Said once above the cards when the click's variants all failed for it: side by side, each
  // card said it again. Its title stays with the card for a screen reader, which reads a card
  // on its own.
  return (
    <div className={styles.failure}>
      {reasonSaidAbove ? (
        <strong>
          Failed<span className={ui.visuallyHidden}>: {failure?.title}</span>
        </strong>
      ) : (
        <>
          <strong>{failure?.title ?? "No image"}</strong>
          {failure?.detail && <span>{failure.detail}</span>}
        </>
      )}
      {note && <span>{note}</span>}
      {billed != null && billed > 0 && <span className={styles.billed}>Gemini billed about {formatUsd(billed)} for its answer.</span>}
    </div>
  );
}

/** While the job runs, the room its result's footer will take, unseen (its rows, as they wrap in
 * the card's width): the cards under a row of them did not wait for theirs, and jumped down as
 * it came (132 px, four squares on a tablet). A failed job's card gives it back, as its frame
 * does (see `frameClass`). */
function FooterRoom({ followUps }: { followUps: boolean }) {
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

/** The preview's box: the picture's shape, whatever the job's state. While it runs, or once it
 * ended without a picture, at least that shape (its words and its Cancel whole): the card keeps
 * the size its placeholder had, and the grid does not jump as a job fails or is canceled. */
function frameClass(job: Job, preview: string | null): string {
  const shaped = `${styles.frame} ${styles.shaped}`;
  if (!isFinal(job)) return `${shaped} ${styles.pending}`;
  return preview ? shaped : `${shaped} ${styles.pending} ${styles.ended}`;
}

/** A result's first row, what is done with it: Save (once the identity shows the image, its
 * badge in Save's place, and the save's Undo right after it) and Download. */
function KeepActions({
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
        <a className={`${ui.button} ${styles.download}`} href={download.href}
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
function FollowUpActions({
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
function CardFacts({
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

/** A failed or canceled job's row: Re-run (when it could end otherwise), Generate without it
 * (when it failed on a photo), and Edit settings (unless the click's is above the cards). */
function TryAgainActions({
  job,
  title,
  offered,
  followUps,
  without,
  edit,
}: {
  job: Job;
  title: string;
  offered: OfferedActions;
  followUps: FollowUps;
  without: WithoutIt | null;
  /** Its own Edit settings (none where the click's is above the cards). */
  edit: boolean;
}) {
  return (
    <footer className={`${styles.actions} ${styles.links}`}>
      {without && followUps.withoutIt && (
        <GenerateWithoutIt job={job} title={title} without={without} followUp={followUps.withoutIt} busy={followUps.busy} />
      )}
      {offered.rerun && (
        <ActionLink off={followUps.busy} onClick={() => followUps.onRerun(job)} label={actionName("Re-run", title)}>
          Re-run
        </ActionLink>
      )}
      {edit && (
        <ActionLink onClick={() => followUps.onEditSettings(job)} label={actionName("Edit settings", title)}>
          Edit settings
        </ActionLink>
      )}
    </footer>
  );
}
