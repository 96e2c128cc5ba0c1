/**
 * The history's list as rows: a click of one job a row; a click of several one row too, its
 * prompt and settings said once above its variants, each of them a row of its own inside it
 * (each variant at one weight: the first one had been the click's header as well). A click
 * whose variants all ended alike without a picture (each failed for the reason its row would
 * say, or each was canceled) is one row, its reason said once: a refused click of four took
 * four rows and said "Gemini refused the prompt" four times. In a click with a result too, a
 * reason a variant before it said already is not said again (`saidAbove`). And the jobs the
 * admin asked not to see, those that ended without a picture, left out.
 */
import type { Job } from "../../../api/imageGeneration";
import { describeFailure, sameProblem, type Problem } from "./failure";

/** One job's row (`saidAbove`: it failed for the words a variant of its click before it says;
 * `rerunSince`: it ended without a picture and a re-run of it is in the history: see
 * `offeredActions`). */
export interface JobRow {
  job: Job;
  saidAbove: boolean;
  rerunSince: boolean;
}

/** A row of the history: a click of one job; a click of several, its variants' rows under
 * what they share (two at least: one left by Hide failed is a click of one); or a click whose
 * jobs ended alike (`rerunsSince`: how many re-runs of its variants the history holds, one a
 * variant re-run one by one, four a Re-run all 4: see `FailedClick`). */
export type HistoryRow =
  | ({ kind: "job" } & JobRow)
  | { kind: "click"; variants: readonly [JobRow, JobRow, ...JobRow[]] }
  | { kind: "endedAlike"; jobs: readonly [Job, ...Job[]]; end: Problem; rerunsSince: number };

/** Ended without a picture: failed or canceled. "Hide failed" hides these. */
export function endedWithout(job: Pick<Job, "status">): boolean {
  return job.status === "failed" || job.status === "canceled";
}

/** The rows of `jobs` (newest first, as read), without the jobs that ended without a picture
 * when `hideFailed`: a click left with one variant is a click of one then. */
export function historyRows(jobs: readonly Job[], { hideFailed }: { hideFailed: boolean }): HistoryRow[] {
  const shown = hideFailed ? jobs.filter((job) => !endedWithout(job)) : jobs;
  const reruns = rerunsOf(jobs);
  const rows: HistoryRow[] = [];
  for (let at = 0; at < shown.length; ) {
    let end = at + 1;
    while (end < shown.length && oneClick(shown[end - 1], shown[end])) end += 1;
    const click = shown.slice(at, end);
    const [head, ...rest] = click;
    const alike = head && rest.length > 0 ? sharedEnd(click) : null;
    if (head && alike) {
      const rerunsSince = click.reduce((sum, job) => sum + (reruns.get(job.id) ?? 0), 0);
      rows.push({ kind: "endedAlike", jobs: [head, ...rest], end: alike, rerunsSince });
    } else {
      const [one, two, ...more] = rowsOfClick(click, reruns);
      if (one && two) rows.push({ kind: "click", variants: [one, two, ...more] });
      else if (one) rows.push({ kind: "job", ...one });
    }
    at = end;
  }
  return rows;
}

/** A click's rows, a job each; a failure's words said once, on the first variant that failed
 * for them: a click of four, two of which Gemini refused, said it twice, a row under the other
 * (on a phone some 160 px each). */
function rowsOfClick(click: readonly Job[], reruns: ReadonlyMap<string, number>): JobRow[] {
  const said: Problem[] = [];
  return click.map((job) => {
    const end = job.status === "failed" ? describeFailure(job) : null;
    const saidAbove = end !== null && said.some((other) => sameProblem(other, end));
    if (end && !saidAbove) said.push(end);
    return { job, saidAbove, rerunSince: endedWithout(job) && reruns.has(job.id) };
  });
}

/** How many re-runs of each job `jobs` hold, by the id of the job they re-ran. */
function rerunsOf(jobs: readonly Job[]): Map<string, number> {
  const reruns = new Map<string, number>();
  for (const job of jobs) {
    if (job.kind === "rerun" && job.parent_generation_id) reruns.set(job.parent_generation_id, (reruns.get(job.parent_generation_id) ?? 0) + 1);
  }
  return reruns;
}

/** Two variants of one click (one batch), one under the other. */
export function oneClick(above: Job | undefined, job: Job | undefined): boolean {
  return job !== undefined && job.batch_id !== null && above?.batch_id === job.batch_id;
}

/**
 * How every job of `click` ended, as each one's row says it, when that is the same for all and
 * none has a picture: its failure's words (the same title and advice: two photos that could not
 * be used are two reasons), or "Canceled" (a canceled row says no more). Else null: a click
 * with a result, one still on its way, or variants that failed for different reasons.
 */
export function sharedEnd(click: readonly Job[]): Problem | null {
  const ends = click.map(shownEnd);
  const first = ends[0];
  if (!first) return null;
  return ends.every((end) => end !== null && sameProblem(end, first)) ? first : null;
}

function shownEnd(job: Job): Problem | null {
  if (job.status === "canceled") return { title: "Canceled", detail: "" };
  return job.status === "failed" ? describeFailure(job) : null;
}
