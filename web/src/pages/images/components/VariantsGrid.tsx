import { useEffect, useState } from "react";

import type { ImageSize, Job } from "../../../api/imageGeneration";
import { allOf } from "../config";
import type { ActionFailure } from "../hooks/use-job-actions";
import type { UndoOffer } from "../hooks/use-undo-save";
import { useOneColumn } from "../hooks/use-one-column";
import { CLICK_TOP_ON_PAGE, useTopOnPage } from "../hooks/use-top-on-page";
import { clickOffers, failedFor, rerunsOutcome, sharedFailure } from "../job/click";
import { describeFailure, GENERIC_FAILURE } from "../job/failure";
import { inSentence, joinedTitles } from "../job/names";
import { isSaving } from "../job/saved";
import { previewUrl } from "../job/picture";
import { batchId, isFinal } from "../job/state";
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
    return place && own.includes(place) ? placeOf(place, own.indexOf(place), count) : undefined;
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
  // What the admin waits for: the card that joined last, once one did; else the click's; the
  // re-runs one press of "Re-run the 3 failed" started, as a whole, from that press on.
  const [reruns, setReruns] = useState<RerunPress | null>(null);
  const joined = newestJoined(jobs, own);
  const subject = joined ?? jobs;
  const outcome = useOutcomeAnnouncement(saidOf(subject, joined?.[0]?.id, jobs, reruns), subject, identityName);
  const onRerunEach = followUps?.onRerunEach;
  const rerunEach =
    onRerunEach &&
    (async (failed: readonly Job[]) => {
      const press = (reruns?.press ?? 0) + 1;
      const before = jobs.filter((job) => !own.includes(job)).map((job) => job.id);
      setReruns({ press, before, ids: null });
      const started = await onRerunEach(failed);
      setReruns(started.length > 0 ? { press, before, ids: started.map((job) => job.id) } : null);
      return started;
    });
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

/** One press of "Re-run the 3 failed": the cards that had joined the click before it, and the
 * re-runs it started (null until its answers came). */
interface RerunPress {
  press: number;
  before: readonly string[];
  ids: readonly string[] | null;
}

/** What the click's live region follows (`key`: another one says nothing until its outcome
 * changes) and its outcome now: the re-runs of the last press of "Re-run the 3 failed", as a
 * whole, until a card joins the click otherwise; else `subject`'s (the card that joined last,
 * or the click's own). */
function saidOf(
  subject: Job[],
  newest: string | undefined,
  jobs: Job[],
  reruns: RerunPress | null,
): { key: string; outcome: string } {
  const ids = reruns?.ids ?? null;
  const joinedOtherwise =
    newest !== undefined && reruns !== null && !reruns.before.includes(newest) && ids !== null && !ids.includes(newest);
  if (reruns === null || joinedOtherwise) {
    return { key: subject.map((job) => job.id).join(" "), outcome: outcomeText(subject) };
  }
  const outcome = ids === null ? "" : rerunsOutcome(jobs.filter((job) => ids.includes(job.id)), ids.length);
  return { key: `reruns ${reruns.press}`, outcome };
}

/** The card that joined the click last (the newest asked of those not its own), if any. */
function newestJoined(jobs: Job[], own: Job[]): Job[] | null {
  const joined = jobs.filter((job) => !own.includes(job));
  const newest = joined.reduce<Job | null>((last, job) => (last === null || job.created_at > last.created_at ? job : last), null);
  return newest && [newest];
}

/** A job's place among its click's variants: its own (`batch_index` of `batch_size`), which
 * holds while a sibling is not read yet; else its place in the grid. */
function placeOf(job: Job, index: number, count: number): { index: number; count: number } {
  return job.batch_index !== null && job.batch_size !== null
    ? { index: job.batch_index + 1, count: job.batch_size }
    : { index: index + 1, count };
}


/**
 * What the click's jobs came to so far, in one sentence ("" while none has ended):
 * "The image is ready.", "Variant 2 of 3 is ready.", "2 of 3 variants done: 1 ready, 1 failed."
 */
export function outcomeText(jobs: Job[]): string {
  const ended = jobs.filter(isFinal);
  // The click's size, also while a variant of it is not read yet.
  const count = Math.max(jobs.length, jobs[0]?.batch_size ?? 0);
  const only = count === 1 ? jobs[0] : undefined;
  if (only) {
    if (!isFinal(only)) return "";
    if (only.status === "succeeded") return "The image is ready.";
    if (only.status === "canceled") return "The generation was canceled.";
    const why = describeFailure(only)?.title ?? GENERIC_FAILURE;
    return why === GENERIC_FAILURE ? `${GENERIC_FAILURE}.` : `${GENERIC_FAILURE}: ${why}.`;
  }
  const first = ended[0];
  if (!first) return "";
  if (ended.length === 1) {
    const which = `Variant ${placeOf(first, jobs.indexOf(first), count).index} of ${count}`;
    if (first.status === "succeeded") return `${which} is ready.`;
    return first.status === "canceled" ? `${which} was canceled.` : `${which} failed.`;
  }
  const ready = ended.filter((job) => job.status === "succeeded").length;
  const failed = ended.filter((job) => job.status === "failed").length;
  const canceled = ended.length - ready - failed;
  const done = ended.length === count ? allOf(count, "variant") : `${ended.length} of ${count} variants`;
  if (ready === ended.length) return `${done} are ready.`;
  const parts = [
    ready > 0 && `${ready} ready`,
    failed > 0 && `${failed} failed`,
    canceled > 0 && `${canceled} canceled`,
  ].filter(Boolean);
  return `${done} done: ${parts.join(", ")}.`;
}

/**
 * What several variants that have not begun are, in one sentence ("" for one image, whose card
 * says its own stage, or once one of them has left the queue): "Generating 3 variants for Alice
 * the chef."
 */
function startText(jobs: Job[], identityName?: string): string {
  const count = Math.max(jobs.length, jobs[0]?.batch_size ?? 0);
  if (count < 2 || !jobs.every((job) => job.status === "queued")) return "";
  return identityName ? `Generating ${count} variants for ${identityName}.` : `Generating ${count} variants.`;
}

/** How long the grid's region is in the page, empty, before it says the click started: a
 * region that appears with its text is not read by every screen reader, and the grid comes
 * with its click. */
const REGION_SETTLES_MS = 250;

/**
 * The outcome to announce (`key` and `outcome`: see `saidOf`): it changes when a job of the
 * same click ends (the same `key`: the same jobs, or the same press of "Re-run the 3 failed");
 * a click that comes into view (another click, another identity, the page opened) says
 * nothing until one of its jobs ends. Before that, several variants all in the queue as the
 * grid came (a click just made) say that they started, as one image's card says "Waiting in
 * the queue": the focus stays on Generate, and the first of them ends seconds later.
 */
function useOutcomeAnnouncement(
  { key: ids, outcome }: { key: string; outcome: string },
  jobs: Job[],
  identityName: string | undefined,
): string {
  const [seen, setSeen] = useState({ ids, outcome, announced: "" });
  // The click as the grid came with it: only one still all in the queue then says it started.
  const [startsAs] = useState(() => ({ ids, text: startText(jobs, identityName) }));
  const [started, setStarted] = useState({ ids: "", text: "" });
  useEffect(() => {
    if (startsAs.text === "") return;
    const timer = setTimeout(() => setStarted(startsAs), REGION_SETTLES_MS);
    return () => clearTimeout(timer);
  }, [startsAs]);
  let announced = seen.announced;
  if (seen.ids !== ids || seen.outcome !== outcome) {
    const next = { ids, outcome, announced: seen.ids === ids ? outcome : "" };
    setSeen(next);
    announced = next.announced;
  }
  return announced || (started.ids === ids ? started.text : "");
}
