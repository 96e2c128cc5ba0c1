/** Whether a Generate now would pay again for the click the result pane shows: asked the same,
 * and still on its way. */
import type { CreateVariantsRequest, Job } from "../../api/imageGeneration";
import { formatDuration } from "./job/progress";
import { batchId, isFinal } from "./job/state";

/** The click a Generate would start again, as the form tells it apart from another: `key`
 * names the click and what the form would send (a change to either is another), `startedAt`
 * is when the click was asked for (its first job's creation). */
export interface SameClick {
  key: string;
  startedAt: string;
}

/**
 * The click the pane shows (its own variants: not a re-run or refinement that joined it) when
 * a job of it is still queued or running, and it was asked exactly what `asked` asks: the same
 * identity, prompt, photos (in their order), aspect ratio, size and number of variants. A
 * second press of Generate 2 s after the first, the button on again, would start it again and
 * pay for it twice. A re-run of a whole click is asked alike (its parent's prompt and
 * photos); a refinement is not (an instruction, an image to edit). Null otherwise.
 */
export function sameClickOnItsWay(paneJobs: readonly Job[], asked: CreateVariantsRequest): SameClick | null {
  const first = paneJobs[0];
  if (!first) return null;
  const variants = paneJobs.filter((job) => batchId(job) === batchId(first));
  if (variants.every(isFinal) || !askedAlike(first, asked)) return null;
  return { key: JSON.stringify([first.id, asked]), startedAt: first.created_at };
}

/** Whether `job` was asked what `asked` asks (see `sameClickOnItsWay`). */
export function askedAlike(job: Job, asked: CreateVariantsRequest): boolean {
  return (
    job.kind !== "refine" &&
    job.instruction === null &&
    job.edit_source_key === null &&
    job.identity_id === asked.identity_id &&
    job.prompt === asked.prompt &&
    job.aspect_ratio === asked.aspect_ratio &&
    job.image_size === asked.image_size &&
    (job.batch_size ?? 1) === asked.count &&
    job.reference_keys.length === asked.reference_keys.length &&
    job.reference_keys.every((key, index) => key === asked.reference_keys[index])
  );
}

/** What a press that did not start the click again is told: "This same generation is already on its way
 * (started 2 s ago)." */
export function alreadyOnItsWay(startedAt: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(startedAt)) / 1000));
  const when = seconds < 1 ? "just now" : `${formatDuration(seconds)} ago`;
  return `This same generation is already on its way (started ${when}).`;
}
