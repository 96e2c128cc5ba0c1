/** How a job reads on the page: status, stage, timings, errors in plain words, URLs. */
import type { HostIdentity, Job } from "../../api/imageGeneration";

/** Fields the API adds for the tab; read through these helpers only. */
type JobExtras = {
  stage?: string | null;
  stage_started_at?: string | null;
  timings?: Record<string, number> | null;
  last_error?: { code: string; message: string } | null;
  next_attempt_at?: string | null;
  batch_id?: string | null;
  parent_generation_id?: string | null;
  variants?: number | null;
};
type OutputExtras = { preview_url?: string | null; download_url?: string | null; url?: string | null };

const extras = (job: Job) => job as Job & JobExtras;

export function batchId(job: Job): string {
  return extras(job).batch_id ?? job.id;
}

export function parentId(job: Job): string | null {
  return extras(job).parent_generation_id ?? null;
}

export function previewUrl(job: Job): string | null {
  const output = job.output as (NonNullable<Job["output"]> & OutputExtras) | null | undefined;
  return output?.preview_url ?? output?.url ?? null;
}

export function fullSizeUrl(job: Job): string | null {
  const output = job.output as (NonNullable<Job["output"]> & OutputExtras) | null | undefined;
  return output?.url ?? null;
}

export function downloadUrl(job: Job): string | null {
  const output = job.output as (NonNullable<Job["output"]> & OutputExtras) | null | undefined;
  return output?.download_url ?? output?.url ?? null;
}

export function identityImageUrl(identity: HostIdentity): string | null {
  return (identity as HostIdentity & { image_url?: string | null }).image_url ?? null;
}

const STAGES: Record<string, string> = {
  queued: "Waiting in the queue",
  preparing: "Preparing the reference photos",
  preparing_references: "Preparing the reference photos",
  generating: "Gemini is generating",
  storing: "Storing the image",
  applying: "Saving to the identity",
};

export function stageLabel(job: Job): string {
  if (job.status === "queued") return retryingAt(job) ? "Waiting to retry" : "Waiting in the queue";
  const stage = extras(job).stage;
  const label = stage ? STAGES[stage] : undefined;
  if (label) return label;
  if (job.status === "running") return "Generating";
  return statusLabel(job);
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
    default:
      return job.status === "canceled" ? "Canceled" : String(job.status);
  }
}

/** When a job waits to retry (Gemini busy): the time, or null. */
export function retryingAt(job: Job): Date | null {
  const next = extras(job).next_attempt_at;
  if (job.status !== "queued" || !next) return null;
  const at = new Date(next);
  return Number.isNaN(at.getTime()) ? null : at;
}

export function lastErrorMessage(job: Job): string | null {
  return extras(job).last_error?.message ?? null;
}

/** Seconds the job took from creation to its end (or until now). */
export function elapsedSeconds(job: Job, now: number): number {
  const start = Date.parse(job.created_at);
  const end = job.finished_at ? Date.parse(job.finished_at) : now;
  return Math.max(0, Math.round((end - start) / 1000));
}

/** The median run time of the finished, succeeded jobs at that size, or null. */
export function usualSeconds(history: Job[], imageSize: string): number | null {
  const runs = history
    .filter((job) => job.status === "succeeded" && job.image_size === imageSize && job.finished_at)
    .map((job) => (Date.parse(job.finished_at as string) - Date.parse(job.created_at)) / 1000)
    .filter((s) => s > 0)
    .sort((a, b) => a - b);
  if (runs.length === 0) return null;
  const middle = runs[Math.floor(runs.length / 2)];
  return middle === undefined ? null : Math.round(middle);
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s ? `${m} min ${s} s` : `${m} min`;
}

export function formatTime(at: Date): string {
  return at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export interface Problem {
  title: string;
  detail: string;
}

/** A failed job's reason in plain words: never a bare code or a stack trace. */
export function describeFailure(job: Job): Problem | null {
  if (job.status !== "failed" || !job.error) return null;
  const { code, message } = job.error;
  switch (code) {
    case "content_blocked":
      return /prompt/i.test(message)
        ? { title: "Gemini refused the prompt", detail: "Rephrase the prompt and try again." }
        : {
            title: "Gemini's safety filter stopped the image",
            detail: "Try a different prompt or other reference photos.",
          };
    case "no_image":
      return {
        title: "Gemini answered with text, not an image",
        detail: message.replace(/^Gemini answered with text only, no image\.\s*/, "") || "Try again or adjust the prompt.",
      };
    case "reference_invalid":
    case "reference_not_found":
      return { title: "A reference photo could not be used", detail: message };
    case "provider_unavailable":
      return { title: "Gemini was unavailable", detail: "It stayed busy through every retry. Try again in a few minutes." };
    case "identity_not_found":
      return { title: "The identity is gone", detail: "It was deleted in the host app." };
    case "canceled":
      return { title: "Canceled", detail: "This generation was canceled before it ran." };
    default:
      return { title: "The generation failed", detail: message };
  }
}

export function applyLabel(job: Job): string | null {
  switch (job.apply?.status) {
    case "pending":
      return "Saving to identity…";
    case "applied":
      return "Saved to identity";
    case "failed":
      return job.apply?.error ? `Not saved: ${job.apply?.error.message}` : "Not saved";
    default:
      return null;
  }
}
