/**
 * A re-run or refinement of a result the pane shows joins that result's click in the pane,
 * beside the card it came from, rather than taking the pane from it: the admin is still
 * working on that click. A new Generate, or a follow-up of a result the pane does not show
 * (from the history), takes the pane as before.
 */
import type { Job } from "../../../api/imageGeneration";
import { batchId, jobsOfBatch } from "./state";

/** Which card each joined job came from: the joined job's id to its parent's, in the order
 * they joined (the newest last). */
export type JoinedFrom = Readonly<Record<string, string>>;

/**
 * The pane's ids with `joined` (the new jobs of a follow-up of `parentId`) right after the
 * card they came from, and after the cards that came from it before them (a second
 * refinement of one variant follows the first, a refinement of a refinement follows it): the
 * cards of one variant read in the order they were asked.
 */
export function joinAfter(ids: readonly string[], from: JoinedFrom, parentId: string, joined: readonly string[]): string[] {
  // One there already stays where it is: a start answered again with the jobs it made (its
  // key sent again, once the history had shown them: `useFollowUnknown`) is not shown twice.
  const added = joined.filter((id) => !ids.includes(id));
  const at = ids.indexOf(parentId);
  if (at < 0) return [...ids, ...added];
  const descends = (id: string): boolean => {
    for (let up = from[id]; up !== undefined; up = from[up]) if (up === parentId) return true;
    return false;
  };
  let end = at + 1;
  while (end < ids.length && descends(ids[end] ?? "")) end += 1;
  return [...ids.slice(0, end), ...added, ...ids.slice(end)];
}

/** The job that joined last, if any. */
export function lastJoined(from: JoinedFrom | undefined): string | undefined {
  return Object.keys(from ?? {}).at(-1);
}

/** A re-run or refinement: a job started from another one (its parent). Not a re-run of a
 * whole click (the history's "Re-run all 4" of a click that failed alike: one batch of four
 * re-runs of its first variant): that is a click again, named as the click it re-ran
 * (`originsIn`), not four cards beside the first variant. */
export function isFollowUp(job: Pick<Job, "kind" | "parent_generation_id" | "batch_size">): boolean {
  if (job.kind === "rerun" && (job.batch_size ?? 0) > 1) return false;
  return job.kind !== "generate" && job.parent_generation_id !== null;
}

/** The ids of the identity's latest batch in its history `jobs` (newest first), in variant
 * order (the history may list a batch's jobs in any order). */
export function latestBatch(jobs: readonly Job[]): string[] {
  const latest = jobs[0];
  if (!latest) return [];
  return jobsOfBatch(jobs, batchId(latest)).map((job) => job.id);
}

/**
 * The click the identity's latest batch joined, as the history `jobs` (newest first, the
 * pages read) tells it, for a pane with nothing of this tab's to go by (a new tab, the next
 * day): when that batch is re-runs or refinements whose chain of parents leads to the
 * identity's newest click (its newest job that is no follow-up), that click's ids in variant
 * order with every follow-up of it the history holds joined, each after the card it came
 * from, in the order they were asked (`joinAfter`: as the tab that started them showed it).
 *
 * Else undefined, and the pane shows the latest batch alone, as the tab may have: a
 * follow-up of an older click (after a newer Generate) was started from that click's history
 * row, which takes the pane; one whose chain leaves the pages read cannot be placed. (A
 * follow-up of the newest click started from its history row while the pane showed another
 * took the pane too, in its tab: the history cannot tell it from one started from its card,
 * and the newest click is the one the admin most likely worked on.)
 */
export function joinedInHistory(jobs: readonly Job[]): { ids: string[]; from: JoinedFrom } | undefined {
  const latest = jobs[0];
  const click = jobs.find((job) => !isFollowUp(job));
  if (!latest || !click || !isFollowUp(latest)) return undefined;
  const key = batchId(click);
  const byId = new Map(jobs.map((job) => [job.id, job]));
  /** Whether `job`'s chain of parents, all in the pages read, leads to the newest click. */
  const ofClick = (job: Job): boolean => {
    let at: Job | undefined = job;
    for (let steps = 0; at && isFollowUp(at) && steps <= jobs.length; steps += 1) at = byId.get(at.parent_generation_id ?? "");
    return at !== undefined && !isFollowUp(at) && batchId(at) === key;
  };
  const batch = batchId(latest);
  if (!jobs.filter((job) => batchId(job) === batch).every(ofClick)) return undefined;
  // Oldest first: in the order they were asked, a batch's own in its order.
  const asked = jobs
    .filter((job) => isFollowUp(job) && ofClick(job))
    .reverse()
    .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || (batchId(a) === batchId(b) ? (a.batch_index ?? 0) - (b.batch_index ?? 0) : 0));
  let ids = latestBatch(jobs.filter((job) => batchId(job) === key));
  let from: JoinedFrom = {};
  for (const followUp of asked) {
    const parentId = followUp.parent_generation_id ?? "";
    ids = joinAfter(ids, from, parentId, [followUp.id]);
    from = { ...from, [followUp.id]: parentId };
  }
  return { ids, from };
}
