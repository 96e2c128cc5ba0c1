/** Whether a job is the identity's image: which job the identity shows now, a save on its way,
 * and what became of each save. */
import type { HostIdentity, Job } from "../../../api/imageGeneration";
import { IF_AGAIN } from "./failure";
import { momentPhrase } from "./time";

/**
 * The job whose image the identity shows now, among `jobs`. A save that landed after the
 * identity was read (`readAt`) is newer than what the identity says: the newest such
 * save's job. Else the job its image path names (`namesJob`). Else none (the image was
 * changed in the host app, or removed).
 */
export function currentImageJobId(identity: HostIdentity | null, readAt: number, jobs: Job[]): string | null {
  if (!identity) return null;
  let newest: Job | null = null;
  for (const job of jobs) {
    if (job.apply?.status !== "applied" || !job.apply.applied_at) continue;
    if (!newest || job.apply.applied_at > (newest.apply?.applied_at ?? "")) newest = job;
  }
  const appliedAt = newest?.apply?.applied_at;
  if (newest && appliedAt && Date.parse(appliedAt) > readAt) return newest.id;
  const path = identity.image_path;
  return (path && jobs.find((job) => job.status === "succeeded" && namesJob(path, job.id))?.id) || null;
}

/** Whether an image path is a job's output: the pipeline's key (`…/{job_id}.png`), or the
 * host's copy, named for it (`{job_id}.png`, or `{job_id}_Xk2Lm9q.png` once its storage
 * made the name unique). */
function namesJob(path: string, jobId: string): boolean {
  const stem = stemOf(path);
  return stem === jobId || stem.startsWith(`${jobId}_`);
}

/** An image path's file name without its extension: "identities/abc_Xk2.png" → "abc_Xk2". */
function stemOf(path: string): string {
  return (path.split("/").at(-1) ?? "").split(".")[0] ?? "";
}

/** A job's id as the API makes them: 32 hex digits, a regeneration's with `regen-` before. */
const JOB_ID = /^(regen-)?[0-9a-f]{32}$/;

/** The job an image path names (see `namesJob`), whether or not the page has read it; null for
 * an image that is no job's (set in the host app). */
export function jobNamedBy(path: string | null | undefined): string | null {
  const id = stemOf(path ?? "").split("_")[0] ?? "";
  return JOB_ID.test(id) ? id : null;
}

/** Its save is out: asked from this page and not answered yet, or pending in the pipeline. */
export function isSaving(job: Job, savingIds: readonly string[]): boolean {
  return job.apply?.status === "pending" || savingIds.includes(job.id);
}

/** The one name of a job whose image the identity shows now, wherever the job is shown: its
 * card, its history row, its tile in Results only, its figure in Compare. ("Current" names
 * the identity's own image, beside its select and in Compare, which may be no job's.) */
export const SAVED_NOW = "Saved to identity";

/** A save that landed, and whether the identity still shows it. */
export function isSavedNow(job: Job, currentJobId: string | null): boolean {
  return job.apply?.status === "applied" && job.id === currentJobId;
}

/** A save that landed, and whose image the identity no longer shows: another replaced it. */
export function wasReplaced(job: Job, currentJobId: string | null): boolean {
  return job.apply?.status === "applied" && job.id !== currentJobId;
}

/**
 * What a save that landed and was replaced since says among `jobs` (the history read), with
 * when it landed where that is known ("Saved Dec 1, 11:14 AM, then replaced"): what tells the
 * one saved last Tuesday in a list. To the second when another save of the list landed that
 * minute: a session's three "Saved today, 2:24 PM, then replaced" could not be told apart.
 */
export function savedThenReplacedIn(jobs: readonly Job[]): (job: Job) => string {
  // Each save's minute told once (a list of a hundred is named at every render).
  const minutes = new Map<string, string>();
  const savesOfMinute = new Map<string, number>();
  for (const job of jobs) {
    const at = job.apply?.status === "applied" ? job.apply.applied_at : null;
    if (!at) continue;
    const minute = momentPhrase(at);
    minutes.set(job.id, minute);
    savesOfMinute.set(minute, (savesOfMinute.get(minute) ?? 0) + 1);
  }
  return (job) => {
    const at = job.apply?.applied_at;
    if (!at) return REPLACED;
    const minute = minutes.get(job.id) ?? momentPhrase(at);
    return `Saved ${(savesOfMinute.get(minute) ?? 0) > 1 ? momentPhrase(at, { seconds: true }) : minute}, then replaced`;
  };
}

const REPLACED = "Saved, then replaced";

/** A save still on its way this long after it was asked has met a slow host app (a save is
 * the host's to take): said, not left to "Saving…" alone for the half minute the pipeline
 * keeps trying before it says the host did not answer. */
export const SLOW_SAVE_MS = 8_000;
export const SLOW_SAVE = "Still saving: the host app has not taken it yet, and the pipeline keeps trying.";

/** Whether `job`'s save has been on its way longer than `SLOW_SAVE_MS` at `now`. */
export function isSavingSlowly(job: Job, now: number): boolean {
  const asked = job.apply?.status === "pending" ? job.apply.requested_at : null;
  return asked != null && now - Date.parse(asked) > SLOW_SAVE_MS;
}

export function applyLabel(job: Job, currentJobId: string | null): string | null {
  switch (job.apply?.status) {
    case "pending":
      return "Saving to identity…";
    case "applied":
      return isSavedNow(job, currentJobId) ? SAVED_NOW : REPLACED;
    case "failed":
      return notSaved(job.apply.error?.code);
    case "superseded":
      return "Not saved: a newer save won";
    default:
      return null;
  }
}

/** Why a save did not land, in the admin's words (the pipeline's own name endpoints and HTTP
 * codes): each says to save again, which asks anew, but for an identity the host deleted. */
function notSaved(code: string | undefined): string {
  switch (code) {
    case "worker_gave_up":
      return "Not saved: the save stopped before it finished. Save it again.";
    case "host_unavailable":
      return "Not saved: the host app did not answer. Save it again in a few minutes.";
    case "host_rejected":
      return `Not saved: the host app refused it. Save it again; ${IF_AGAIN}`;
    case "identity_not_found":
      return "Not saved: the identity was deleted in the host app.";
    default:
      return `Not saved. Save it again; ${IF_AGAIN}`;
  }
}
