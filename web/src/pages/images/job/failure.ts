/** What went wrong with a job, in plain words: why it failed or was canceled, whether the same
 * job would fail again, and which photos could not be used. */
import type { Job } from "../../../api/imageGeneration";
import { geminiFaultOf, type GeminiFault } from "./progress";

/** A failure as the page says it: what happened, then what to do about it. */
export interface Problem {
  title: string;
  detail: string;
}

/** Two problems an admin would read as one: the same title and the same advice (two photos
 * that could not be used name each its photo: two problems). */
export const sameProblem = (a: Problem, b: Problem): boolean => a.title === b.title && a.detail === b.detail;

/** Gemini's block names the prompt itself (not the image it would have made). */
function promptRefused(message: string): boolean {
  return /prompt/i.test(message);
}

/** Gemini refused the key, not the request: 401 or 403. */
function keyRefused(details: Record<string, unknown>): boolean {
  return details.status_code === 401 || details.status_code === 403;
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

/** Why a job failed once Gemini was unavailable through every retry, by its fault, in the
 * words its card said while it was tried again (`retryingBecause`): a card that said "Gemini
 * had a problem on its side" for minutes then said "It stayed busy through every retry". */
const GAVE_UP_BECAUSE: Record<GeminiFault, Problem> = {
  busy: { title: "Gemini was unavailable", detail: "It stayed busy through every retry. Try again in a few minutes." },
  error: { title: "Gemini had a problem on its side", detail: "It failed again at every retry. Try again in a few minutes." },
  timeout: { title: "Gemini did not answer in time", detail: "Nor at any retry. Try again in a few minutes." },
  network: { title: "Gemini could not be reached", detail: "Nor at any retry. Try again in a few minutes." },
  bad_response: { title: "Gemini's answer could not be read", detail: "Nor at any retry. Try again in a few minutes." },
};

/** The same, in two or three words (`shortReason`). */
const SHORT_FAULT: Record<GeminiFault, string> = {
  busy: "Gemini busy",
  error: "Gemini error",
  timeout: "Gemini timed out",
  network: "Gemini unreachable",
  bad_response: "bad answer",
};

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
      return GAVE_UP_BECAUSE[geminiFaultOf(job.error.details)];
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

/**
 * Why a job failed in two or three words, where a line of a 230 px card has room for no more
 * (a re-run in its place says why the try before it failed: "1st try: safety filter"); null
 * where the page has no better words than "failed". `describeFailure` has the whole words.
 */
export function shortReason(job: Job): string | null {
  if (job.status !== "failed" || !job.error) return null;
  switch (job.error.code) {
    case "content_blocked":
      return promptRefused(job.error.message) ? "prompt refused" : "safety filter";
    case "no_image":
      return "text, no image";
    case "reference_invalid":
    case "reference_not_found":
      return "photo unusable";
    case "provider_rejected":
      return keyRefused(job.error.details) ? "key refused" : "request rejected";
    case "provider_not_configured":
      return "no Gemini key";
    case "provider_unavailable":
      return SHORT_FAULT[geminiFaultOf(job.error.details)];
    case "identity_not_found":
      return "identity gone";
    case "identity_unnamed":
      return "identity unnamed";
    case "worker_gave_up":
      return "timed out";
    case "host_unavailable":
      return "host app down";
    default:
      return null;
  }
}

/** The title of a failure the page has no better words for. */
export const GENERIC_FAILURE = "The generation failed";
/** Who to ask, at the end of the words for a failure the admin may not mend alone: a job's, or a
 * save's (see `applyLabel`). */
export const IF_AGAIN = "if it happens again, ask whoever runs the pipeline.";

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
