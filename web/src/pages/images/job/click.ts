/**
 * What the result pane does for a whole click at once: re-run its failed cards, cancel its
 * waiting ones, and say once the reason its variants all failed for. Each is offered only
 * where it saves presses or words: for two cards or more.
 */
import type { Job } from "../../../api/imageGeneration";
import { allOf, asShownUsd, formatUsd } from "../config";
import { offeredActions } from "./actions";
import { describeFailure, GENERIC_FAILURE, sameProblem, type Problem } from "./failure";
import { isFinal } from "./state";

/**
 * The pane's failed cards a card's own Re-run would re-run (the same job could end
 * otherwise: `offeredActions`), but for those already re-run in the pane (a card there came
 * from it): pressed once, its re-runs have joined the click, and pressed again it would pay
 * for each a second time. A re-run that failed in turn is among them. Not a canceled card:
 * the admin stopped it.
 */
export function failedToRerun(jobs: readonly Job[]): Job[] {
  const parents = new Set(jobs.map((job) => job.parent_generation_id));
  return jobs.filter(
    (job) => job.status === "failed" && offeredActions(job, "card", { savedNow: false }).rerun && !parents.has(job.id),
  );
}

/** The pane's cards waiting in the queue, which their own Cancel can stop. */
export function waitingToCancel(jobs: readonly Job[]): Job[] {
  return jobs.filter((job) => offeredActions(job, "card", { savedNow: false }).cancel);
}

/** The pane's first failed card, whose settings and photos Edit settings puts in the form: a
 * click whose variants all failed for a reason no re-run mends offers it once, above its cards. */
export function firstFailedToEdit(jobs: readonly Job[]): Job | undefined {
  return jobs.find((job) => job.status === "failed" && offeredActions(job, "card", { savedNow: false }).editSettings);
}

/** What the page can do to a click's cards now. */
export interface ClickAbilities {
  /** Re-run a card (not while a start is refused: no `onRerunEach`). */
  rerun: boolean;
  /** A re-run of several, asked together, is out. */
  rerunning: boolean;
  /** Cancel a card (not out of touch with the service). */
  cancel: boolean;
  /** Put a card's settings in the form. */
  edit: boolean;
}

/** What the pane offers for the whole click (see `clickOffers`). */
export interface ClickOffers {
  /** The failed cards "Re-run the N failed" re-runs. */
  failed: Job[];
  /** "Re-run the N failed" is offered (or on its way). */
  rerun: boolean;
  /** The waiting cards "Cancel the N waiting" cancels. */
  waiting: Job[];
  /** "Cancel the N waiting" is offered. */
  cancel: boolean;
  /** The card whose settings the click's Edit settings puts in the form; none offered else. */
  toEdit: Job | undefined;
}

/**
 * What the pane offers for the whole click, above its cards (`ClickActions`), from its cards
 * `jobs` and the reason its failed variants all failed for (`shared`): its failed cards to
 * re-run and its waiting ones to cancel, each offered for two or more; and, for a reason no
 * re-run would mend or whose words advise a change (`changeAdvised`), the card whose settings
 * Edit settings puts in the form (the cards then have none of their own: four "Edit settings"
 * under one).
 */
export function clickOffers(jobs: readonly Job[], shared: Reason | null, can: ClickAbilities): ClickOffers {
  const failed = can.rerun ? failedToRerun(jobs) : [];
  const waiting = can.cancel ? waitingToCancel(jobs) : [];
  const rerun = can.rerunning || failed.length >= 2;
  return {
    failed,
    rerun,
    waiting,
    cancel: waiting.length >= 2,
    toEdit: shared !== null && (!rerun || changeAdvised(shared)) && can.edit ? firstFailedToEdit(jobs) : undefined,
  };
}

/** A reason a re-run may mend, whose words advise a change first: Gemini's safety filter stopped
 * the images ("Try a different prompt or other reference photos."). Its click offers Edit
 * settings beside "Re-run the 4 failed", first: with Re-run alone above the cards, an admin
 * re-ran four refused images and paid for four refusals more. */
function changeAdvised(shared: Reason): boolean {
  return shared.code === "content_blocked";
}

/** A reason a card failed for, as it is told apart from another: its code and its words (a
 * photo's names the photo). */
export interface Reason extends Problem {
  code: string;
}

function reasonOf(job: Job): Reason | null {
  const problem = job.status === "failed" && job.error ? describeFailure(job) : null;
  return problem && job.error ? { code: job.error.code, ...problem } : null;
}

/** One reason: the same code said in the same words (see `sameProblem`). */
const same = (a: Reason, b: Reason) => a.code === b.code && sameProblem(a, b);

/**
 * The reason every failed variant of the click (`variants`: each of its own variants' card
 * shown, or the re-run that stands in its place) failed for, when two or more failed and all
 * for the same reason (the same code, the same words): said once above the cards rather than
 * on each, side by side. Null otherwise.
 */
export function sharedFailure(variants: readonly Job[]): Reason | null {
  const reasons = variants.filter((job) => job.status === "failed").map(reasonOf);
  const [first] = reasons;
  if (reasons.length < 2 || !first) return null;
  return reasons.every((reason) => reason !== null && same(reason, first)) ? first : null;
}

/** Whether `job` failed for `shared` (see `sharedFailure`): its card then says only "Failed". A
 * card that joined the click (a re-run) and failed otherwise keeps its own words. */
export function failedFor(job: Job, shared: Reason | null): boolean {
  const reason = reasonOf(job);
  return shared !== null && reason !== null && same(reason, shared);
}

/**
 * How the re-runs one press of "Re-run the 3 failed" started (`count` of them; `reruns`, those
 * the pane has read) ended, as a whole, once they all have ("" until then): "All 3 re-runs
 * are ready.", "2 of the 3 re-runs are ready; 1 failed again: Gemini was unavailable." The
 * reason they failed for when they all failed for one (by its title, as a card's is said).
 */
export function rerunsOutcome(reruns: readonly Job[], count: number): string {
  if (count === 0 || reruns.length < count || !reruns.every(isFinal)) return "";
  const ready = reruns.filter((job) => job.status === "succeeded").length;
  const failed = reruns.filter((job) => job.status === "failed");
  const canceled = count - ready - failed.length;
  const why = failedAgainFor(failed);
  const all = count === 1 ? "The re-run" : allOf(count, "re-run");
  const are = count === 1 ? "is" : "are";
  if (ready === count) return `${all} ${are} ready.`;
  if (failed.length === count) return `${all} failed again${why}.`;
  if (canceled === count) return `${all} ${count === 1 ? "was" : "were"} canceled.`;
  const head = ready > 0 ? `${ready} of the ${count} re-runs ${ready === 1 ? "is" : "are"} ready` : `None of the ${count} re-runs is ready`;
  const rest = [
    failed.length > 0 && `${failed.length} failed again${why}`,
    canceled > 0 && `${canceled} ${canceled === 1 ? "was" : "were"} canceled`,
  ].filter(Boolean);
  return `${head}; ${rest.join("; ")}.`;
}

/** ": Gemini was unavailable" when every one of `failed` failed for that; else "". */
function failedAgainFor(failed: readonly Job[]): string {
  const titles = new Set(failed.map((job) => describeFailure(job)?.title ?? GENERIC_FAILURE));
  const [title] = titles;
  return titles.size === 1 && title !== undefined && title !== GENERIC_FAILURE ? `: ${title}` : "";
}

/**
 * What a click's jobs were billed in all, as its row says it ("$0.280 in all"): the sum of each
 * one's cost as its own row shows it, so that two of "$0.140" make "$0.280", not the unrounded
 * sum's "$0.279" (two results of $0.1396). Null when none was billed.
 */
export function costInAll(jobs: readonly Job[]): string | null {
  const billed = jobs.flatMap((job) => job.usage?.estimated_cost_usd ?? []);
  return billed.length > 0 ? `${formatUsd(billed.reduce((sum, cost) => sum + asShownUsd(cost), 0))} in all` : null;
}

/** A job's place among its click's variants: its own (`batch_index` of `batch_size`), which
 * holds while a sibling is not read yet; else its place in the grid. */
export function variantPlace(job: Job, index: number, count: number): { index: number; count: number } {
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
    const which = `Variant ${variantPlace(first, jobs.indexOf(first), count).index} of ${count}`;
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
