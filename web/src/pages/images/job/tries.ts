/**
 * A click of four read as four results: a re-run of a variant that failed or was canceled,
 * once it joined the click (see `joinAfter`), stands in that variant's place rather than
 * beside it. The newest try of a variant is the one shown; its card says it is a re-run and
 * why the try before it failed. The history keeps every try.
 *
 * Not a re-run of a finished card (another take, beside it to compare), nor a refinement,
 * which stay beside the card they came from. (A re-run of a whole click at once, the
 * history's Re-run all 4, is a click of its own and does not join: `isFollowUp`; were it in
 * the pane, its several variants would not stand in one's place.)
 */
import type { Job } from "../../../api/imageGeneration";
import { describeFailure, GENERIC_FAILURE, shortReason } from "./failure";
import { isFollowUp } from "./joins";
import { endedWithout } from "./rows";

/** A card that stands in the place of the tries before it. */
export interface StandIn {
  /** The click's own variant whose place it takes (the first try). */
  first: Job;
  /** The try just before it, whose failure it says. */
  previous: Job;
  /** Which try it is: 2 for the first re-run. */
  number: number;
}

/** What the pane shows of its cards (`jobs`, in the pane's order), and which of them stand in
 * for the tries before them, by id. */
export interface Tries {
  shown: Job[];
  standIns: ReadonlyMap<string, StandIn>;
}

/** A re-run of `parent` that takes its place: one try (a follow-up, not a click of its own),
 * of a try that ended without an image. */
function takesPlace(job: Job, parent: Job): boolean {
  return job.kind === "rerun" && isFollowUp(job) && endedWithout(parent);
}

/**
 * The pane's cards with each failed or canceled try that a re-run of it joined left out, the
 * re-run in its place (a re-run comes right after the card it came from: `joinAfter`).
 */
export function foldTries(jobs: readonly Job[]): Tries {
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const standIns = new Map<string, StandIn>();
  const replaced = new Set<string>();
  // In the pane's order: a try comes after the one it re-ran, whose own place is known then.
  for (const job of jobs) {
    const parent = job.parent_generation_id ? byId.get(job.parent_generation_id) : undefined;
    if (!parent || !takesPlace(job, parent)) continue;
    replaced.add(parent.id);
    const before = standIns.get(parent.id);
    standIns.set(job.id, { first: before?.first ?? parent, previous: parent, number: (before?.number ?? 1) + 1 });
  }
  return { shown: jobs.filter((job) => !replaced.has(job.id)), standIns };
}

/** "1st", "2nd", "3rd", "4th"… (to 20: no click is re-run that often). */
function ordinal(number: number): string {
  return `${number}${["st", "nd", "rd"][number - 1] ?? "th"}`;
}

/**
 * The stand-in's line after "Re-run · ", one line of a 230 px card: "1st try: safety filter",
 * "2nd try canceled", "1st try failed" (no better words); and the failure's whole words (its
 * title and what to do), for the line's tooltip: "The 1st try failed: Gemini's safety filter
 * stopped the image. Try a different prompt or other reference photos."
 */
export function standInLine({ previous, number }: StandIn): { words: string; whole: string } {
  const which = `${ordinal(number - 1)} try`;
  if (previous.status === "canceled") return { words: `${which} canceled`, whole: `The ${which} was canceled.` };
  const problem = describeFailure(previous);
  const short = shortReason(previous);
  const whole = `The ${which} failed: ${problem?.title ?? GENERIC_FAILURE}.${problem?.detail ? ` ${problem.detail}` : ""}`;
  return { words: short === null ? `${which} failed` : `${which}: ${short}`, whole };
}
