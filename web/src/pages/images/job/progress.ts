/** Where a job is on its way: its state and stage in words, its retries (when, why, which
 * attempt), and how long it has taken, took, or usually takes. */
import type { Job } from "../../../api/imageGeneration";
import { isFinal } from "./state";

/** The running stages' words (the first one's depend on the job: see `preparingLabel`). */
const STAGES: Record<Exclude<NonNullable<Job["stage"]>, "preparing_references">, string> = {
  generating: "Gemini is generating",
  storing: "Storing the image",
  applying: "Saving to the identity",
};

export function stageLabel(job: Job): string {
  if (job.status === "queued") return retryingAt(job) ? "Waiting to retry" : "Waiting in the queue";
  const stage = job.stage;
  if (stage === "preparing_references") return preparingLabel(job);
  if (stage) return STAGES[stage];
  if (job.status === "running") return "Generating";
  return statusLabel(job);
}

/** Why a running job's card has no Cancel, said where its Cancel was (a queued job's Cancel
 * goes once a worker takes it): the API cancels only a job still in the queue, and Gemini,
 * once called, bills its answer. In two short pieces, for a card four abreast. Null for a job
 * not running. */
export function tooLateToCancel(job: Job): [string, string] | null {
  if (job.status !== "running") return null;
  switch (job.stage) {
    case "generating":
      return ["Cannot be canceled:", "Gemini has started"];
    case "storing":
    case "applying":
      return ["Cannot be canceled:", "the image is made"];
    default:
      return ["Cannot be canceled:", "it has started"];
  }
}

/** What the first stage reads and fits: the image to refine, the photos, or neither. */
function preparingLabel(job: Job): string {
  if (job.kind === "refine") return "Preparing the image to refine";
  const photos = job.reference_keys.length;
  if (photos === 0 && job.source !== "s3_event") return "Preparing the request";
  return photos === 1 ? "Preparing the reference photo" : "Preparing the reference photos";
}

export function statusLabel(job: Job): string {
  switch (job.status) {
    case "queued":
      return "Queued";
    case "running":
      return "Running";
    case "succeeded":
      return "Done";
    case "failed":
      return "Failed";
    case "canceled":
      return "Canceled";
  }
}

/** When a job waits to retry: the time, or null. */
export function retryingAt(job: Job): Date | null {
  const next = job.next_attempt_at;
  if (job.status !== "queued" || !next) return null;
  const at = new Date(next);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Why a job is being tried again, written both ways it is said: on its own ("The host app did
 * not answer") and within a sentence ("… the host app did not answer, retrying"), where only a
 * name keeps its capital ("Gemini is busy"). */
export interface RetryReason {
  alone: string;
  inSentence: string;
}

/** Why a job still on its way is being tried again, by the fault its last try met (Gemini's,
 * most often): while it waits for its next attempt, and while that attempt runs; null on its
 * first, or when it does not say. */
export function retryingBecause(job: Job): RetryReason | null {
  if (isFinal(job)) return null;
  switch (job.last_error?.code) {
    case undefined:
      return null;
    case "provider_unavailable": {
      const words = RETRYING_BECAUSE[geminiFaultOf(job.last_error.details)];
      return { alone: words, inSentence: words };
    }
    case "host_unavailable":
      return { alone: "The host app did not answer", inSentence: "the host app did not answer" };
    default:
      return { alone: "Something went wrong on the way", inSentence: "something went wrong on the way" };
  }
}

/** What Gemini's fault was, when it was unavailable (`provider_unavailable`). */
export type GeminiFault = "timeout" | "network" | "bad_response" | "error" | "busy";

/** Gemini's fault by what the worker recorded of it (`details`: its HTTP status, or the
 * reason no status came): busy is a 429 or a 503, or nothing more said; a 500 is not busy. */
export function geminiFaultOf(details: Record<string, unknown>): GeminiFault {
  const status = typeof details.status_code === "number" ? details.status_code : null;
  if (details.reason === "timeout" || status === 504) return "timeout";
  if (details.reason === "network") return "network";
  if (details.reason === "bad_response") return "bad_response";
  if (status !== null && status >= 500 && status !== 503) return "error";
  return "busy";
}

/** Why a job is tried again, by Gemini's fault. */
const RETRYING_BECAUSE: Record<GeminiFault, string> = {
  timeout: "Gemini did not answer in time",
  network: "Gemini could not be reached",
  bad_response: "Gemini's answer could not be read",
  error: "Gemini had a problem on its side",
  busy: "Gemini is busy",
};

/** Which attempt runs, when it is not the first ("Attempt 2 of 5"); else null. */
export function runningAttempt(job: Job): string | null {
  return job.status === "running" && job.attempts > 1 ? `Attempt ${job.attempts} of ${job.max_attempts}` : null;
}

/** When a job waiting to retry is tried next, as a count down from `now` ("Attempt 2 of 5
 * in 25 s"): an admin reads how long to wait, not a time of day to work it out from. Once
 * due, the worker takes it up within moments (the page sees it at its next read). */
export function nextAttemptText(job: Job, at: Date, now: number): string {
  const attempt = `Attempt ${job.attempts + 1} of ${job.max_attempts}`;
  const seconds = Math.ceil((at.getTime() - now) / 1000);
  return seconds > 0 ? `${attempt} in ${formatDuration(seconds)}` : `${attempt} about to start`;
}

/** Seconds the job has taken, from its creation to its end, or to `now` while it runs. */
export function elapsedSeconds(job: Job, now: number): number {
  return tookSeconds(job) ?? secondsSince(job.created_at, now);
}

/** Seconds a job that ended took (to its cancel, for a canceled one); null while it runs. */
export function tookSeconds(job: Job): number | null {
  if (job.finished_at && job.timings.total_s !== null) return Math.round(job.timings.total_s);
  const end = job.finished_at ?? job.canceled_at;
  return end ? secondsSince(job.created_at, Date.parse(end)) : null;
}

/** How long a job took (`tookSeconds`), and in how many attempts when it took more than one:
 * its time counts the waits between them, far longer than a run. */
export function tookText(job: Job, seconds: number): string {
  const took = formatDuration(seconds);
  return job.attempts > 1 ? `${took} (${job.attempts} attempts)` : took;
}

function secondsSince(start: string, end: number): number {
  return Math.max(0, Math.round((end - Date.parse(start)) / 1000));
}

/** The median total time of the identity's succeeded jobs at that size, or null. A run that
 * waited out Gemini's retries (more than one attempt) does not count, and of two middle runs
 * the lower one sets the estimate. One run is no "usually": null until there are two. */
export function usualSeconds(history: Job[], imageSize: string): number | null {
  const runs = history
    .filter((job) => job.status === "succeeded" && job.image_size === imageSize && job.attempts <= 1)
    .map((job) => job.timings.total_s ?? (Date.parse(job.finished_at ?? "") - Date.parse(job.created_at)) / 1000)
    .filter((s) => Number.isFinite(s) && s > 0)
    .sort((a, b) => a - b);
  if (runs.length < 2) return null;
  const middle = runs[Math.floor((runs.length - 1) / 2)];
  return middle === undefined ? null : Math.max(1, Math.round(middle));
}

export function formatDuration(seconds: number): string {
  // A number stays on its unit's line: a narrow row broke "1 s" into "1" and "s".
  if (seconds < 1) return "under 1\u00a0s";
  if (seconds < 60) return `${seconds}\u00a0s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s ? `${m}\u00a0min ${s}\u00a0s` : `${m}\u00a0min`;
}
