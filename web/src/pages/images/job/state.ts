/** What the page tracks of a job: whether it can still change (and so is polled), the click it
 * was one of, and which of two reads of it is the newer. */
import type { Job } from "../../../api/imageGeneration";

/** Ended: it will not change again (only its save may). */
export function isFinal(job: Pick<Job, "status">): boolean {
  return job.status !== "queued" && job.status !== "running";
}

/** Still worth polling: the job runs, or its output is being saved to the identity. */
export function isMoving(job: Pick<Job, "status" | "apply">): boolean {
  return !isFinal(job) || job.apply?.status === "pending";
}

/** The click a job was one of: its batch's id, or its own when the click made it alone. */
export function batchId(job: Job): string {
  return job.batch_id ?? job.id;
}

/** The jobs of the batch `id` among `jobs`, in variant order (a history may list a batch's
 * jobs in any order). */
export function jobsOfBatch(jobs: readonly Job[], id: string): Job[] {
  return jobs.filter((job) => batchId(job) === id).sort((a, b) => (a.batch_index ?? 0) - (b.batch_index ?? 0));
}

/** The later of two reads of one job (the result pane and the history each poll their own). */
export function laterRead(job: Job, other: Job | undefined): Job {
  return other && other.updated_at > job.updated_at ? other : job;
}
