import type { ImageSize, Job } from "../../../api/imageGeneration";
import type { ActionFailure } from "../hooks/use-job-actions";
import type { UndoOffer } from "../hooks/use-undo-save";
import { useOneColumn } from "../hooks/use-one-column";
import { useClickOutcome } from "../hooks/use-click-outcome";
import { CLICK_TOP_ON_PAGE, useTopOnPage } from "../hooks/use-top-on-page";
import { clickOffers, failedFor, sharedFailure, variantPlace } from "../job/click";
import { inSentence, joinedTitles } from "../job/names";
import { isSaving } from "../job/saved";
import { previewUrl } from "../job/picture";
import { batchId } from "../job/state";
import { foldTries, standInLine } from "../job/tries";
import { isUpright, isWide } from "../shape";
import ui from "../ui.module.css";
import { ClickActions } from "./ClickActions";
import { GeneratedImageDisplay } from "./GeneratedImageDisplay";
import type { FollowUps } from "./followUps";
import { RefineForm, refusedWords, useRefineBoxes } from "./RefineForm";
import styles from "./VariantsGrid.module.css";

export interface VariantsGridProps {
  jobs: Job[];
  /** The usual time of a job at a size (each card its own job's size), or null. */
  usualSecondsAt: (imageSize: ImageSize) => number | null;
  currentJobId: string | null;
  onSave: (job: Job) => void;
  /** The jobs whose save is out. */
  savingIds: readonly string[];
  /** The Undo a card offers beside its "Saved to identity", if any (see `useUndoSave`). */
  undoOf?: ((job: Job) => UndoOffer | null) | undefined;
  /** Cancel a queued job. */
  onCancel: ((job: Job) => void) | null;
  /** The jobs whose cancel is out. */
  cancelingIds?: readonly string[];
  followUps?: FollowUps | undefined;
  /** How a job came about, as the history tells it (which result a re-run is of). */
  originOf?: ((job: Job) => string | null) | undefined;
  /** The page cannot read the jobs' states now: the cards show the last they read. */
  outOfTouch?: boolean;
  /** Why the last actions asked from these cards did not go through, one a job. */
  failures?: readonly ActionFailure[];
  /** The identity the click is for, named when its variants are said to start. */
  identityName?: string | undefined;
}

/** The candidates of one click, side by side; save the one you like. */
export function VariantsGrid({
  jobs,
  usualSecondsAt,
  currentJobId,
  onSave,
  savingIds,
  undoOf,
  onCancel,
  cancelingIds = [],
  followUps,
  originOf,
  outOfTouch = false,
  failures = [],
  identityName,
}: VariantsGridProps) {
  // The click's own variants; the cards after them that joined it (re-runs and refinements of
  // its cards, each beside the one it came from) are named by that card (`joinedTitles`).
  const own = jobs.filter((job) => batchId(job) === batchId(jobs[0] ?? job));
  const count = own.length;
  // A re-run of a variant that failed or was canceled stands in its place, as that variant
  // (`foldTries`): a click of four reads as four results, the newest try of each.
  const { shown, standIns } = foldTries(jobs);
  const variantOf = (job: Job) => {
    const place = own.includes(job) ? job : standIns.get(job.id)?.first;
    return place && own.includes(place) ? variantPlace(place, own.indexOf(place), count) : undefined;
  };
  const titles = joinedTitles(jobs, variantOf);
  // A card's title: a stand-in's is its first try's ("Variant 2 of 4", "Re-run of variant 3").
  const titleOf = (job: Job) => {
    const first = standIns.get(job.id)?.first;
    return first ? titles.get(first.id) : titles.get(job.id);
  };
  // A re-run that joined the click is said by its title ("Re-run of variant 2"), beside the card
  // it re-ran: not again by how it came about ("Re-run of the failed generation of today, 8:52
  // PM, variant 2 of 4", three lines of a 230 px card, its Save pushed under a 768 px screen's
  // edge). A refinement's words are its own: said.
  // One standing in for a variant's failed try says so in a line of its own (see `standInLine`).
  const originShown = (job: Job) => {
    const standIn = standIns.get(job.id);
    if (standIn) return { origin: null, standIn: standInLine(standIn) };
    return titles.has(job.id) && job.kind !== "refine" ? { origin: null } : originOf ? { origin: originOf(job) } : {};
  };
  // The reason all the click's failed variants failed for, said once above the cards: as each
  // variant's newest try failed (one that a re-run stands in for is not shown).
  const shared = sharedFailure(shown.filter((job) => variantOf(job) !== undefined));
  // What the click's live region says as its jobs end, and "Re-run the N failed" that follows
  // the re-runs it starts, as a whole.
  const { outcome, rerunEach } = useClickOutcome({ jobs, own, identityName, onRerunEach: followUps?.onRerunEach });
  const cancelNow = onCancel && !outOfTouch ? onCancel : undefined;
  // What is done to the whole click, above the cards; its Edit settings there, theirs go.
  const offers = clickOffers(shown, shared, {
    rerun: !!rerunEach,
    rerunning: (followUps?.rerunningIds?.length ?? 0) > 0,
    cancel: !!cancelNow,
    edit: !!followUps,
  });
  const refineBoxOf = useRefineBoxes();
  // How far down the page the cards start: beside the form, a picture is no taller than the
  // window leaves under that (GeneratedImageDisplay.module.css).
  const topOnPage = useTopOnPage<HTMLDivElement>();
  // And where the row above them starts: at a picture's floor, the floor gives way by what the
  // row takes, rather than push the cards' Saves under the window's edge.
  const clickTop = useTopOnPage<HTMLDivElement>(CLICK_TOP_ON_PAGE);
  // Cards one a row (a phone): a card's Refine box comes right under it, not under the last.
  const [grid, oneColumn] = useOneColumn<HTMLDivElement>();
  // A failure on a job's card, or in its Refine box (refused words, while the box holds them).
  const failureOf = (job: Job) => {
    const refine = refineBoxOf(job.id);
    return refusedWords(failures.find((failure) => failure.jobId === job.id) ?? null, { open: refine.open, words: refine.box.instruction });
  };
  const refineBox = (job: Job) => {
    const refine = refineBoxOf(job.id);
    if (!followUps || !refine.open) return null;
    const place = variantOf(job);
    const title = titleOf(job);
    const label =
      place && place.count > 1
        ? `What should change in variant ${place.index}?`
        : title && `What should change in the ${inSentence(title)}?`;
    return (
      <div key={`refine-${job.id}`} className={styles.refine}>
        <RefineForm
          {...refine.box}
          problem={failureOf(job).box}
          label={label || undefined}
          picture={shown.length > 1 ? previewUrl(job) : null}
          costUsd={job.usage?.estimated_cost_usd ?? null}
          busy={followUps.busy}
          onSubmit={(words) => {
            // Started, its card joins the pane beside this one; the box is emptied all the
            // same, as the history's is (a refinement that did not start keeps its words).
            void followUps.onRefine(job, words).then((started) => started && refine.sent());
          }}
        />
      </div>
    );
  };
  return (
    // The pane's width, which the grid's columns follow (a grid cannot ask its own).
    <div ref={clickTop} className={styles.pane}>
      {/* One live region for the click's results, there before any of them ends (a region
          that appears with its text is not read by every screen reader). */}
      <p className={ui.visuallyHidden} aria-live="polite" aria-atomic="true">
        {outcome}
      </p>
      <ClickActions
        jobs={shown}
        shared={shared}
        offers={offers}
        onRerunEach={rerunEach}
        rerunningIds={followUps?.rerunningIds ?? []}
        onCancel={cancelNow}
        cancelingIds={cancelingIds}
        busy={followUps?.busy ?? false}
        onEditSettings={followUps?.onEditSettings}
      />
      {/* Where the cards start, which sizes their pictures (not the row above them). */}
      <div ref={topOnPage}>
        <div ref={grid} className={gridClass(shown, own)}>
          {shown.flatMap((job) => [
            <GeneratedImageDisplay
              key={job.id}
              job={job}
              variant={variantOf(job)}
              title={titleOf(job)}
              usualSeconds={usualSecondsAt(job.image_size)}
              currentJobId={currentJobId}
              onSave={onSave}
              saving={isSaving(job, savingIds)}
              undo={undoOf?.(job) ?? null}
              onCancel={onCancel ?? undefined}
              canceling={cancelingIds.includes(job.id)}
              followUps={followUps}
              refine={refineBoxOf(job.id).toggle}
              {...originShown(job)}
              outOfTouch={outOfTouch}
              failure={failureOf(job).card}
              reasonSaidAbove={failedFor(job, shared)}
              editSettingsAbove={offers.toEdit !== undefined}
            />,
            oneColumn && refineBox(job),
          ])}
        </div>
      </div>
      {/* Cards side by side: the Refine boxes they opened at the pane's width, where the words
          have room (a card beside two others is 190 px): after all the cards, so the page's
          order is the order seen (Tab from Send goes on past the cards, not up to the next
          one); the question names its variant. Not in the grid: a box across all its columns
          would keep an empty one open, and move the cards to the pane's start. One a row (a
          phone), each box is under its own card instead (in the grid above): under the last,
          it was a screen or more away from the card it was about. */}
      {followUps && !oneColumn && <div className={styles.refines}>{shown.map((job) => refineBox(job))}</div>}
    </div>
  );
}

/** One card takes the row; four variants go two by two, or one row of upright pictures where
 * the pane has room (a card that joined them, beside the one it came from, among them); the
 * variants of a wide picture take wider cards than others. */
function gridClass(jobs: Job[], own: Job[]): string {
  const ratio = jobs[0]?.aspect_ratio;
  if (jobs.length === 1 || own.length === 4) {
    const layout = jobs.length === 1 ? styles.single : styles.pairs;
    return ratio !== undefined && isUpright(ratio) ? `${styles.grid} ${layout} ${styles.upright}` : `${styles.grid} ${layout}`;
  }
  return ratio !== undefined && isWide(ratio) ? `${styles.grid} ${styles.wide}` : `${styles.grid}`;
}
