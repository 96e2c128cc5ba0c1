/** What the page says when something went wrong, in words about where it went wrong. */
import { ApiError, CUT_OFF_CODE, LOST_ANSWER, NO_ANSWER, UNREACHABLE_CODE, WRITE_TIMEOUT_MS } from "../../api/imageGeneration";
import type { ReferenceItem } from "./photos/photo";

export const OFFLINE = "This browser is offline.";

const NOT_STARTED = "Nothing was started: the image service could not be reached. Try again once the connection is back.";
/** The API answered that the host app did not (it asks the host who the caller is, and
 * about the identity, for every change): said in the page's words (see `messageOf`). */
const HOST_DOWN = "host_unavailable";
/** A cancel came once the job had left the queue (409). */
const STARTED = "generation_running";
/** It started (the service said so), but what it started was lost on the way back. */
const startedUnseen = (button: string) =>
  `The image service took the request, but its answer was lost on the way: the generation shows in the history. Press ${button} again to follow it here: the same request starts it only once.`;
/** It may have started (the request went, no answer came back: none in time, or the
 * connection failed on the way): not "failed", and a second click for the same goes with the
 * first's key, so it starts nothing twice. */
const mayHaveStarted = (button: string, why: string) =>
  `${why}: the generation may have started all the same, and shows in the history if it did. Press ${button} again to follow it here: the same request starts it only once.`;
const LATE = `The image service did not answer in time (at most ${WRITE_TIMEOUT_MS / 1000} s)`;
const CUT_OFF = "The connection failed before the image service's answer came";

/** The API's own words for an error it answered, else a plain "try again"; but the host app
 * not answering in the page's ("The host app is not answering."): the API's "try again later"
 * read as a contradiction beside a page that tries again by itself. */
export function messageOf(error: unknown, fallback = "Something went wrong; try again."): string {
  if (!(error instanceof ApiError)) return fallback;
  return error.code === HOST_DOWN ? "The host app is not answering." : error.message;
}

/** The request got no answer in time (a server that hangs), API Gateway's own 504 (the
 * function took too long), or a success whose body was lost on the way: a change may have
 * gone through (the last: it did), and a read learnt nothing. */
export function isNoAnswer(error: unknown): boolean {
  return isLate(error) || (error instanceof ApiError && isLostAnswer(error));
}

/** No answer in time: the page's own timeout, or API Gateway's 504. A read so has waited long
 * already (unlike one a proxy answered at once with a broken body). */
export function isLate(error: unknown): boolean {
  return error instanceof ApiError && (error.code === NO_ANSWER || error.status === 504);
}

/** The service could not be reached, or did not answer in time: the connection's fault, not
 * one read's. */
export function isOutOfReach(error: unknown): boolean {
  return isLate(error) || isCutOff(error) || (error instanceof ApiError && error.code === UNREACHABLE_CODE);
}

/** A change whose connection failed once the browser had sent it (`CUT_OFF_CODE`): it may
 * have gone through, its answer lost. */
function isCutOff(error: unknown): boolean {
  return error instanceof ApiError && error.code === CUT_OFF_CODE;
}

/** Whether a change did what it asked is not known: it went, and no answer came back (none
 * in time, the connection failed on the way) or one whose body was lost (it went through).
 * The next reads say. */
export function outcomeUnknown(error: unknown): boolean {
  return isNoAnswer(error) || isCutOff(error);
}

/** A change the service took (2xx) though its answer came empty, cut short or unreadable:
 * not a failure to say; what it did shows from the next reads. */
export function wentThrough(error: unknown): boolean {
  return error instanceof ApiError && isLostAnswer(error);
}

/** A success (2xx) whose result did not come (empty, cut short, not JSON): something between
 * the page and the service (a proxy, a dropped connection) broke the body. The change went
 * through. */
function isLostAnswer(error: ApiError): boolean {
  return error.code === LOST_ANSWER && error.status >= 200 && error.status < 300;
}

/** The API refused the request (4xx): asking again the same would be refused again. */
export function isRefused(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/** The thing read is gone, or no longer the admin's (404, 403): reading it again would say the
 * same. (A 401 is not that: the session ended, and a later read shows when it is back.) */
export function isGone(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 403 || error.status === 404);
}

/** An error worth showing where it happened: an ended session has its one page notice. */
export function shownError(error: unknown): string | null {
  return error instanceof ApiError && error.status === 401 ? null : messageOf(error);
}

/** Why a read the page keeps making failed, to end "… could not be read: " (null for an
 * ended session: its own notice says it): the connection's fault or the host's in the
 * page's words; the API's by its status, then what it said (a 500's "Something went wrong on
 * our side." alone does not say whose side). */
export function whyUnread(error: unknown): string | null {
  if (!(error instanceof ApiError)) return "something went wrong";
  if (error.status === 401) return null;
  if (error.code === HOST_DOWN) return "the host app is not answering";
  if (isLate(error)) return "the image service did not answer in time";
  if (error.status === 0) return "the image service could not be reached";
  if (error.code === "http_error") return `the API answered ${error.status}`;
  return `the API answered ${error.status} (${error.message.replace(/\.$/, "")})`;
}

/** The API refused the text it was sent in `field` (`prompt`, `instruction`): a 422 whose
 * message says what is wrong with it (too long, a character that could hide what it says,
 * named with where it is), to show beside that text. */
export function refusedText(error: unknown, field: string): boolean {
  return error instanceof ApiError && error.status === 422 && error.details.field === field;
}

/** The buttons whose action on a job can fail to go through. */
export type JobAction = "Save" | "Cancel" | "Undo";

/** Why a save or a cancel (or the Undo of a save) did not go through, in words about it (so
 * they stay true once the connection is back): what did not happen, and how to ask again. */
export function notDoneError(error: unknown, button: JobAction): string | null {
  const what = NOT_DONE[button];
  // One cut off once it went may have gone through, as one with no answer in time (whose
  // words the API client gives): the job's next reads show whether it did.
  if (isCutOff(error)) return `${CUT_OFF}: this may have gone through all the same. Asking again does no harm.`;
  if (error instanceof ApiError && error.code === UNREACHABLE_CODE)
    return `${what}: the image service could not be reached. ${button} again once the connection is back.`;
  if (error instanceof ApiError && error.code === HOST_DOWN)
    return `${what}: the host app did not answer. ${button} it again in a few minutes.`;
  // A queued job a worker took between the page's last read and the cancel (the API's words
  // name it by its id): its card shows it running at the next read.
  if (error instanceof ApiError && error.code === STARTED) return "Not canceled: it had started before the cancel reached it.";
  // The service failed (its "Something went wrong on our side.", a gateway's bare "The API
  // answered 502."): said as what did not happen, and for a cancel what that means, the job
  // goes on (and is billed), not in the service's words, which said neither.
  if (error instanceof ApiError && error.status >= 500)
    return `${what}: the image service had a problem${button === "Cancel" ? "; the generation goes on" : ""}. ${button} again.`;
  return shownError(error);
}

const NOT_DONE: Record<JobAction, string> = { Save: "Not saved", Cancel: "Not canceled", Undo: "Not undone" };

/** Why a click started nothing, in words about the click (so they stay true once the
 * connection is back) and about the photo, by its name, when one is gone. `button` is the
 * one that asks the same again (Generate, Re-run, Send): pressed, it follows what may have
 * started rather than starting more. */
export function startError(error: unknown, photos: readonly ReferenceItem[], button: string): string | null {
  if (!(error instanceof ApiError)) return shownError(error);
  if (error.code === UNREACHABLE_CODE) return NOT_STARTED;
  if (error.code === HOST_DOWN) return "Nothing was started: the host app did not answer. Try again in a few minutes.";
  if (isLostAnswer(error)) return startedUnseen(button);
  if (isNoAnswer(error)) return mayHaveStarted(button, LATE);
  if (isCutOff(error)) return mayHaveStarted(button, CUT_OFF);
  const gone = error.code === "reference_not_found" && photos.find((photo) => photo.status === "uploaded" && photo.key === error.details.key);
  if (gone) return `“${gone.name}” is no longer stored (uploads are kept for a limited time): remove it and add the photo again.`;
  return shownError(error);
}
