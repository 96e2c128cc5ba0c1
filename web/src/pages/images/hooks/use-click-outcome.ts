/**
 * What a click's live region says (one region for the click's cards, in `VariantsGrid`): that
 * its variants started, then what they came to as each ends (`outcomeText`); and, once "Re-run
 * the 3 failed" was pressed, what those re-runs came to, as a whole (`rerunsOutcome`), until a
 * card joins the click otherwise. `rerunEach` is that press, wrapped to follow its re-runs.
 */
import { useEffect, useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import { outcomeText, rerunsOutcome } from "../job/click";

interface Options {
  /** The pane's jobs: the click's own, then the cards that joined it. */
  jobs: Job[];
  /** The click's own variants. */
  own: Job[];
  /** The identity the click is for, named when its variants are said to start. */
  identityName: string | undefined;
  /** Re-run several failed jobs with one press: the re-runs that started. */
  onRerunEach: ((jobs: readonly Job[]) => Promise<readonly Job[]>) | undefined;
}

export function useClickOutcome({ jobs, own, identityName, onRerunEach }: Options): {
  outcome: string;
  rerunEach: ((failed: readonly Job[]) => Promise<readonly Job[]>) | undefined;
} {
  // What the admin waits for: the card that joined last, once one did; else the click's; the
  // re-runs one press of "Re-run the 3 failed" started, as a whole, from that press on.
  const [reruns, setReruns] = useState<RerunPress | null>(null);
  const joined = newestJoined(jobs, own);
  const subject = joined ?? jobs;
  const outcome = useOutcomeAnnouncement(saidOf(subject, joined?.[0]?.id, jobs, reruns), subject, identityName);
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
  return { outcome, rerunEach };
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
