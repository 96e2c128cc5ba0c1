import type { Job } from "../../../api/imageGeneration";
import { offeredActions } from "../job/actions";
import { cardTitle, originLabel } from "../job/names";
import { fullSizeUrl, pictureRatio, previewUrl } from "../job/picture";
import { isSavedNow } from "../job/saved";
import { isFinal } from "../job/state";
import { NONE_LEFT } from "../job/without";
import { jobRatio } from "../shape";
import type { ActionFailure } from "../hooks/use-job-actions";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import type { UndoOffer } from "../hooks/use-undo-save";
import { useSeenWhenSaid } from "../hooks/use-seen-when-said";
import ui from "../ui.module.css";
import styles from "./GeneratedImageDisplay.module.css";
import { CardFailure, TryAgainActions } from "./CardFailure";
import { CardFacts, FollowUpActions, FooterRoom, KeepActions } from "./CardFooter";
import { CardPicture, opensName } from "./CardPicture";
import { CardProgress } from "./CardProgress";
import type { FollowUps } from "./followUps";
import type { RefineToggle } from "./RefineForm";

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
          <CardPicture job={job} title={title} opens={opensName(title, variant)} preview={preview} full={full} />
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
          <CardFailure job={job} reasonSaidAbove={reasonSaidAbove} note={without && without.keys.length === 0 ? NONE_LEFT : null} />
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

/** The preview's box: the picture's shape, whatever the job's state. While it runs, or once it
 * ended without a picture, at least that shape (its words and its Cancel whole): the card keeps
 * the size its placeholder had, and the grid does not jump as a job fails or is canceled. */
function frameClass(job: Job, preview: string | null): string {
  const shaped = `${styles.frame} ${styles.shaped}`;
  if (!isFinal(job)) return `${shaped} ${styles.pending}`;
  return preview ? shaped : `${shaped} ${styles.pending} ${styles.ended}`;
}
