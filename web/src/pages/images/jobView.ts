/** How a job reads on the page: status, stage, timings, errors in plain words, URLs. */
import type { CSSProperties } from "react";

import type { HostIdentity, Job } from "../../api/imageGeneration";
import { jobRatio } from "./shape";

/** Ended: it will not change again (only its save may). */
export function isFinal(job: Pick<Job, "status">): boolean {
  return job.status !== "queued" && job.status !== "running";
}

/** Still worth polling: the job runs, or its output is being saved to the identity. */
export function isMoving(job: Pick<Job, "status" | "apply">): boolean {
  return !isFinal(job) || job.apply?.status === "pending";
}

export function batchId(job: Job): string {
  return job.batch_id ?? job.id;
}

/** The later of two reads of one job (the result pane and the history each poll their own). */
export function laterRead(job: Job, other: Job | undefined): Job {
  return other && other.updated_at > job.updated_at ? other : job;
}

/** How finely a job's time is told: to the minute, unless two jobs would read alike. */
interface TimeTold {
  /** To the second: what tells two jobs of a minute apart, and a label's time on hover. */
  seconds?: boolean;
  now?: Date;
}

/**
 * When a job was asked for, as a list shows it and wherever a job is named by its time: "Today,
 * 9:14 PM", "Yesterday, 3:02 PM", "Dec 1, 11:14 AM"; the year only when it is not this one
 * ("Dec 30, 2025, 4:10 PM"); to the second when told ("Today, 9:14:05 PM").
 */
export function createdLabel(job: Job, { seconds = false, now = new Date() }: TimeTold = {}): string {
  const at = new Date(job.created_at);
  const time = at.toLocaleTimeString([], { timeStyle: seconds ? "medium" : "short" });
  const daysAgo = dayNumber(now) - dayNumber(at);
  if (daysAgo === 0) return `Today, ${time}`;
  if (daysAgo === 1) return `Yesterday, ${time}`;
  const thisYear = at.getFullYear() === now.getFullYear();
  const date = at.toLocaleDateString([], thisYear ? { month: "short", day: "numeric" } : { dateStyle: "medium" });
  return `${date}, ${time}`;
}

/** The same within a sentence, in small letters: "the result of today, 9:14 PM". */
export function createdPhrase(job: Job, told: TimeTold = {}): string {
  return createdLabel(job, told).replace(/^(Today|Yesterday)/, (day) => day.toLowerCase());
}

/** The local calendar day of a moment, as a count of days (whatever the daylight saving). */
function dayNumber(at: Date): number {
  return Date.UTC(at.getFullYear(), at.getMonth(), at.getDate()) / 86_400_000;
}

/**
 * How the job came about, when not a plain generation: the refinement asked for, or a re-run;
 * and of which job ("the result of today, 12:04 PM, variant 2 of 3", "the failed generation
 * of …") when `history` holds it (see `whichJob`).
 */
export function originLabel(job: Job, history: readonly Job[] = []): string | null {
  if (job.kind !== "refine" && job.kind !== "rerun") return null;
  const parent = history.find((earlier) => earlier.id === job.parent_generation_id);
  const of = parent ? whichJob(parent, history) : null;
  if (job.kind === "rerun") return `Re-run of ${of ?? "an earlier generation"}`;
  const asked = job.instruction ? `Refined: “${job.instruction}”` : "Refined";
  return of ? `${asked}, from ${of}` : asked;
}

/** A job named by when it was asked and which variant of its click it was: "Result of
 * today, 9:14 PM, variant 2 of 3" (`at`: the time said, to the minute unless told). */
export function jobAt(noun: string, job: Job, at = createdPhrase(job)): string {
  const variant = variantLabel(job);
  return `${noun} of ${at}${variant ? `, ${variant.toLowerCase()}` : ""}`;
}

/**
 * When each job was asked, as its name says it among `jobs` (the history read): to the minute,
 * or to the second when another click among them was asked that same minute ("today, 9:14:05
 * PM"), so that two results of one minute are not named alike ("Result of today, 9:14 PM"
 * twice, to a screen reader's list of images). The variants of one click share its time:
 * their number tells them apart. Each job's time is worked out once, not once per pair.
 */
export function askedPhrases(jobs: readonly Job[]): (job: Job) => string {
  const clicksOfMinute = new Map<string, Set<string>>();
  for (const job of jobs) {
    const minute = createdPhrase(job);
    const clicks = clicksOfMinute.get(minute) ?? new Set<string>();
    clicksOfMinute.set(minute, clicks.add(batchId(job)));
  }
  return (job) => {
    const minute = createdPhrase(job);
    return (clicksOfMinute.get(minute)?.size ?? 0) > 1 ? createdPhrase(job, { seconds: true }) : minute;
  };
}

/**
 * A job named so that it is told from the rest of `history`: how it ended, when (as the
 * history shows it) and which variant of its click. When another click of that minute ended
 * the same way, what it asked is added, a few words of it ("(“a portrait in soft…”)"); when
 * those are the same too (re-runs of one job), the time is given to the second ("today,
 * 9:14:05 PM").
 */
function whichJob(job: Job, history: readonly Job[]): string {
  const noun = jobNoun(job);
  const named = (at: string, words = "") => `${jobAt(noun, job, at)}${words}`;
  const minute = createdPhrase(job);
  const alike = history.filter(
    (other) => batchId(other) !== batchId(job) && createdPhrase(other) === minute && jobNoun(other) === noun,
  );
  if (alike.length === 0) return named(minute);
  const words = wordsOf(job);
  if (alike.every((other) => wordsOf(other) !== words)) return named(minute, ` (${words})`);
  return named(createdPhrase(job, { seconds: true }));
}

/** What a job asked, in a few words: its refinement's, else its prompt's. */
function wordsOf(job: Job): string {
  if (job.instruction) return `refined “${snippet(job.instruction)}”`;
  return job.prompt.trim() ? `“${snippet(job.prompt)}”` : "no prompt";
}

/** The first words of `text`, up to about 24 characters, cut between words. */
function snippet(text: string): string {
  const words = text.trim().replace(/\s+/g, " ");
  if (words.length <= 24) return words;
  const cut = words.slice(0, 25).replace(/\s+\S*$/, "");
  return `${(cut || words.slice(0, 24)).replace(/[\s,.;:!?-]+$/, "")}…`;
}

/** A job as an origin names it: by its result when it has one, else by how it ended. */
function jobNoun(job: Job): string {
  switch (job.status) {
    case "succeeded":
      return "the result";
    case "failed":
      return "the failed generation";
    case "canceled":
      return "the canceled generation";
    default:
      return "the generation";
  }
}

/** "Variant 2 of 3" for a job of a click that made several; else null. */
export function variantLabel(job: Job): string | null {
  if (job.batch_size === null || job.batch_size < 2 || job.batch_index === null) return null;
  return `Variant ${job.batch_index + 1} of ${job.batch_size}`;
}

/** The small rendition (about 100 KB) when there is one, else the image itself. */
export function previewUrl(job: Job): string | null {
  return job.output?.preview_url ?? job.output?.url ?? null;
}

export function fullSizeUrl(job: Job): string | null {
  return job.output?.url ?? null;
}

/** Answers with Content-Disposition: attachment and a name a person would keep. */
function downloadUrl(job: Job): string | null {
  return job.output?.download_url ?? null;
}

/** A result's Download link, wherever it shows (its card, its history row, its tile): the
 * attachment URL, and the file's own name (`-v2` for a second variant) for the browser to keep
 * should it not read the header; null without a result. */
export function downloadLink(job: Job): { href: string; download: string | true } | null {
  const href = downloadUrl(job);
  return href ? { href, download: job.output?.filename ?? true } : null;
}

export function identityImageUrl(identity: HostIdentity): string | null {
  return identity.image_url ?? null;
}

/** The card's title: it names the job, not its state, so it holds from the queue to the end
 * (a failed job's card is not titled "Generated image"). */
export function cardTitle(job: Job): string {
  return job.kind === "refine" ? "Refined image" : "New image";
}

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
    case "provider_unavailable":
      return { alone: "Gemini is busy", inSentence: "Gemini is busy" };
    case "host_unavailable":
      return { alone: "The host app did not answer", inSentence: "the host app did not answer" };
    default:
      return { alone: "Something went wrong on the way", inSentence: "something went wrong on the way" };
  }
}

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
 * the lower one sets the estimate. */
export function usualSeconds(history: Job[], imageSize: string): number | null {
  const runs = history
    .filter((job) => job.status === "succeeded" && job.image_size === imageSize && job.attempts <= 1)
    .map((job) => job.timings.total_s ?? (Date.parse(job.finished_at ?? "") - Date.parse(job.created_at)) / 1000)
    .filter((s) => Number.isFinite(s) && s > 0)
    .sort((a, b) => a - b);
  if (runs.length === 0) return null;
  const middle = runs[Math.floor((runs.length - 1) / 2)];
  return middle === undefined ? null : Math.max(1, Math.round(middle));
}

export function formatDuration(seconds: number): string {
  if (seconds < 1) return "under 1 s";
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s ? `${m} min ${s} s` : `${m} min`;
}

export interface Problem {
  title: string;
  detail: string;
}

/** Gemini's block names the prompt itself (not the image it would have made). */
function promptRefused(message: string): boolean {
  return /prompt/i.test(message);
}

/** Gemini refused the key, not the request: 401 or 403. */
function keyRefused(details: Record<string, unknown>): boolean {
  return details.status_code === 401 || details.status_code === 403;
}

/** What a job's card (in the result pane) or row (in the history) offers. */
export interface OfferedActions {
  save: boolean;
  refine: boolean;
  compare: boolean;
  rerun: boolean;
  editSettings: boolean;
  cancel: boolean;
}

/**
 * The actions a job offers where it shows. A result's card offers what follows it: Save,
 * Refine, Compare (the identity's current image has nothing to compare with, unless it
 * has sibling variants); a failed or canceled card, how to try again: Re-run (when the
 * same job could end otherwise) and Edit settings. A history row offers both kinds on any
 * finished job, its way back to each; and Edit settings once per click, on its first row,
 * whatever its state (a click's settings are known from the start; the rows under it,
 * `sameClick`, have the same). A queued job can be canceled in both.
 */
export function offeredActions(
  job: Job,
  place: "card" | "row",
  { savedNow, variants = 1, sameClick = false }: { savedNow: boolean; variants?: number; sameClick?: boolean },
): OfferedActions {
  const succeeded = job.status === "succeeded";
  const ended = job.status === "failed" || job.status === "canceled";
  const tryAgain = place === "row" ? isFinal(job) : ended;
  return {
    save: succeeded && !savedNow,
    refine: succeeded,
    compare: succeeded && (!savedNow || (place === "card" && variants > 1)),
    rerun: tryAgain && !failsAgain(job),
    editSettings: place === "row" ? !sameClick : ended,
    cancel: job.status === "queued",
  };
}

/** The same job again would fail the same way: Gemini refused the prompt itself or rejected
 * the request, a photo could not be used, or the identity is gone. Edit settings is the way on. */
export function failsAgain(job: Job): boolean {
  if (job.status !== "failed" || !job.error) return false;
  switch (job.error.code) {
    case "content_blocked":
      return promptRefused(job.error.message);
    case "provider_rejected":
      return !keyRefused(job.error.details);
    case "reference_invalid":
    case "reference_not_found":
    case "identity_not_found":
      return true;
    default:
      return false;
  }
}

/** A failed job's reason in plain words: never a bare code or a stack trace. */
export function describeFailure(job: Job): Problem | null {
  if (job.status === "canceled") {
    const detail = job.attempts > 0 ? "It was canceled while it waited to be tried again." : "It was canceled before it ran.";
    return { title: "Canceled", detail };
  }
  if (job.status !== "failed" || !job.error) return null;
  const { code, message } = job.error;
  switch (code) {
    case "content_blocked":
      return promptRefused(message)
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
      return aboutPhoto(job, code, message, job.error.details);
    case "provider_rejected":
      return keyRefused(job.error.details)
        ? { title: "Gemini refused the pipeline's key", detail: "Ask whoever runs the pipeline to check its Gemini API key." }
        : {
            title: "Gemini rejected the request",
            detail: `The same request would be rejected again: change the prompt or the photos. Gemini said: ${message.replace(/^Gemini rejected the request \([^)]*\):\s*/, "")}`,
          };
    case "provider_not_configured":
      return { title: "Gemini is not set up", detail: "The pipeline has no Gemini API key yet; ask whoever runs it." };
    case "provider_unavailable":
      return { title: "Gemini was unavailable", detail: "It stayed busy through every retry. Try again in a few minutes." };
    case "identity_not_found":
      return { title: "The identity is gone", detail: "It was deleted in the host app." };
    case "identity_unnamed":
      return { title: "The identity has no name", detail: "The image is made around its name: name it in the host app, then re-run." };
    case "worker_gave_up":
      return {
        title: "The generation stopped before it finished",
        detail: `It took too long, or the pipeline stopped it. Re-run it; ${IF_AGAIN}`,
      };
    case "host_unavailable":
      return { title: "The host app did not answer", detail: "The pipeline could not read the identity from it. Re-run it in a few minutes." };
    default:
      // The pipeline's own words are for whoever runs it (queues, endpoints, HTTP codes).
      return { title: GENERIC_FAILURE, detail: `Something went wrong inside the pipeline. Re-run it; ${IF_AGAIN}` };
  }
}

/** The title of a failure the page has no better words for. */
export const GENERIC_FAILURE = "The generation failed";
const IF_AGAIN = "if it happens again, ask whoever runs the pipeline.";

const UNUSABLE = "A generation could not use it: remove it, or add another photo.";
const UNUSABLE_GONE = "A generation could not use it: it is no longer stored (uploads expire). Add it again.";

/**
 * The photos failed jobs could not use, by storage key, each with why (as its job's card says
 * it): the form's photo of that key is not sent again.
 */
export function unusablePhotos(jobs: readonly Job[]): Map<string, string> {
  const unusable = new Map<string, string>();
  for (const job of jobs) {
    const code = job.status === "failed" ? job.error?.code : undefined;
    if (code !== "reference_invalid" && code !== "reference_not_found") continue;
    const { key, index } = job.error?.details ?? {};
    const which = typeof key === "string" ? key : typeof index === "number" ? job.reference_keys[index] : undefined;
    // In the form's words, not the worker's (which can name the storage key).
    if (which) unusable.set(which, code === "reference_not_found" ? UNUSABLE_GONE : UNUSABLE);
  }
  return unusable;
}

const SAY_OTHER_PHOTO = "Add another photo in its place.";

/**
 * A photo the job could not use, named as it was uploaded when the job kept its name, and by
 * its place among the photos the job sent ("“side.png” (photo 2 of 2)"), never by its
 * storage key.
 */
function aboutPhoto(job: Job, code: string, message: string, details: Record<string, unknown>): Problem {
  const { index, key } = details;
  const place = typeof index === "number" ? `photo ${index + 1} of ${job.reference_keys.length}` : null;
  const name = typeof index === "number" ? job.reference_names[index] : undefined;
  const which = name
    ? `“${name}”${place ? ` (${place})` : ""}`
    : place
      ? place.charAt(0).toUpperCase() + place.slice(1)
      : "A reference photo";
  const title = `${which} could not be used`;
  if (code === "reference_not_found") return { title, detail: "It is no longer stored (uploads expire); add it again." };
  const named = typeof key === "string" && message.startsWith(`${key}: `);
  // A message that names the photo's storage key elsewhere is not for the admin.
  const reason = named ? message.slice(key.length + 2) : typeof key === "string" && message.includes(key) ? SAY_OTHER_PHOTO : message;
  const sentence = reason.charAt(0).toUpperCase() + reason.slice(1);
  return { title, detail: /[.!?]$/.test(sentence) ? sentence : `${sentence}.` };
}

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

export function applyLabel(job: Job, currentJobId: string | null): string | null {
  switch (job.apply?.status) {
    case "pending":
      return "Saving to identity…";
    case "applied":
      return isSavedNow(job, currentJobId) ? SAVED_NOW : "Saved, then replaced";
    case "failed":
      return notSaved(job.apply.error?.code);
    case "superseded":
      return "Not saved: a newer save won";
    default:
      return null;
  }
}

/** Why a save did not land, in the admin's words (the pipeline's own name endpoints and HTTP
 * codes): each says to save again, which asks anew. */
function notSaved(code: string | undefined): string {
  switch (code) {
    case "worker_gave_up":
      return "Not saved: the save stopped before it finished. Save it again.";
    case "host_unavailable":
      return "Not saved: the host app did not answer. Save it again in a few minutes.";
    case "host_rejected":
      return `Not saved: the host app refused it. Save it again; ${IF_AGAIN}`;
    default:
      return `Not saved. Save it again; ${IF_AGAIN}`;
  }
}

/**
 * The picture's own shape (see `jobRatio`), as `--ratio` for its box. The boxes show the whole
 * image, and take the room of its shape (see the CSS).
 */
export function pictureRatio(job: Job): CSSProperties {
  return { "--ratio": jobRatio(job).toFixed(4) } as CSSProperties;
}
