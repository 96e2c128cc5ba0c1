/** What a job is called: its card's title, its variant, and its name among the others of the
 * history (by when it was asked), as the origin of a refinement or re-run names it too. */
import type { Job } from "../../../api/imageGeneration";
import { batchId } from "./state";
import { createdLabel, createdPhrase } from "./time";

/** A name or title as words within a sentence: its first letter in lower case ("New image" in
 * "Open the new image full size"). */
export function inSentence(title: string): string {
  return `${title.charAt(0).toLowerCase()}${title.slice(1)}`;
}

/** The card's title: it names the job, not its state, so it holds from the queue to the end
 * (a failed job's card is not titled "Generated image"). */
export function cardTitle(job: Job): string {
  return job.kind === "refine" ? "Refined image" : "New image";
}

/** A job's place among the variants of the click `paneJobs` shows (the first job's), when
 * that click made several; else undefined (one of its own, or a card that joined it). */
export function clickVariant(job: Job, paneJobs: readonly Job[]): { index: number; count: number } | undefined {
  const first = paneJobs[0];
  if (!first || batchId(job) !== batchId(first) || job.batch_index === null || (job.batch_size ?? 0) < 2) return undefined;
  return { index: job.batch_index + 1, count: job.batch_size ?? 0 };
}

/**
 * Each card's title in a pane whose click a re-run or refinement of one of its cards joined
 * (see `joinAfter`), by id, for the cards that joined it: what each is of, named as the card
 * it came from is on screen ("Refinement of variant 3", "Re-run of the new image",
 * "Refinement of the refinement of variant 3"). `variantOf` says a card's place among its
 * click's own variants, when there are several. A card whose job came from none of the
 * pane's is not named here (its own title holds).
 */
export function joinedTitles(
  jobs: readonly Job[],
  variantOf: (job: Job) => { index: number; count: number } | undefined,
): Map<string, string> {
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const titles = new Map<string, string>();
  const nameOf = (job: Job): string => {
    const variant = variantOf(job);
    if (variant && variant.count > 1) return `variant ${variant.index}`;
    const title = titles.get(job.id) ?? cardTitle(job);
    return `the ${inSentence(title)}`;
  };
  // In the pane's order: a card comes after the one it came from, whose title is known then.
  for (const job of jobs) {
    const parent = job.parent_generation_id ? byId.get(job.parent_generation_id) : undefined;
    if (!parent || variantOf(job)) continue;
    titles.set(job.id, `${job.kind === "refine" ? "Refinement" : "Re-run"} of ${nameOf(parent)}`);
  }
  return titles;
}

/**
 * An action's name: its words, then which job it acts on ("Save to identity, variant 2 of 3",
 * "Compare, generation of today, 9:14 PM"). Every card and history row has its Save to
 * identity, Download, Compare…: a screen reader's list of buttons, or a voice command, must
 * tell them apart. It starts with the words seen, as a voice command says them.
 */
export function actionName(words: string, of: string): string {
  return `${words}, ${inSentence(of)}`;
}

/** A save's Undo's name, by what it undoes (`of`: a card's title, a row's or a tile's name,
 * or what a Save in Compare names, "the earlier image"): "Undo saving variant 2 of 4", "Undo
 * saving the generation of today, 9:14 PM"; while its undo is on its way, "Undoing the save of
 * variant 2 of 4". It starts with the word seen. */
export function undoSaveName(of: string, undoing = false): string {
  const lower = inSentence(of);
  const named = /^(variant|the|this) /.test(lower) ? lower : `the ${lower}`;
  return undoing ? `Undoing the save of ${named}` : `Undo saving ${named}`;
}

/** "Variant 2 of 3" for a job of a click that made several; else null. */
export function variantLabel(job: Job): string | null {
  if (job.batch_size === null || job.batch_size < 2 || job.batch_index === null) return null;
  return `Variant ${job.batch_index + 1} of ${job.batch_size}`;
}

/** A history picture's link, named by its result ("Result of today, 9:45 AM"), as a card's is:
 * "Open the result of today, 9:45 AM full size (new tab)". Its picture says nothing more: the
 * link and its picture, named alike, were read twice. */
export function opensFullSize(result: string): string {
  return `Open the ${inSentence(result)} full size (new tab)`;
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
  const minutes = new Map<string, string>();
  const clicksOfMinute = new Map<string, Set<string>>();
  for (const job of jobs) {
    const minute = createdPhrase(job);
    minutes.set(job.id, minute);
    const clicks = clicksOfMinute.get(minute) ?? new Set<string>();
    clicksOfMinute.set(minute, clicks.add(batchId(job)));
  }
  const phrases = new Map<string, string>();
  return (job) => {
    const known = phrases.get(job.id);
    if (known !== undefined) return known;
    const minute = minutes.get(job.id) ?? createdPhrase(job);
    const phrase = (clicksOfMinute.get(minute)?.size ?? 0) > 1 ? createdPhrase(job, { seconds: true }) : minute;
    phrases.set(job.id, phrase);
    return phrase;
  };
}

/** When `job` was asked, as a row or tile shows it, by `askedPhrases`' phrase for it
 * (`askedAt`): "Today, 11:07 AM", or to the second, "Today, 11:07:05 AM", when another click
 * was asked that minute (five clicks of one minute read alike but for their pictures). */
export function askedLabel(job: Job, askedAt: string): string {
  return createdLabel(job, { seconds: askedAt !== createdPhrase(job) });
}

/**
 * How the job came about, when not a plain generation: the refinement asked for, or a re-run;
 * and of which job ("the result of today, 12:04 PM, variant 2 of 3", "the failed generation
 * of …") when `history` holds it (see `whichJob`).
 */
export function originLabel(job: Job, history: readonly Job[] = []): string | null {
  return originsIn(history)(job);
}

/**
 * `originLabel` for the jobs of one `history`, worked out for the whole list at once: each job's
 * time once and each parent by its id, not again for every row (the history is named at every
 * render, and a refinement's row compared its parent's time with every other job's).
 */
export function originsIn(
  history: readonly Job[],
  // Each job's time as its own row says it (to the second when another click shares its
  // minute), so the name is found by reading the rows: "the failed generation of today,
  // 2:25 PM" sent the eye to five rows of 2:25:xx.
  phraseOf: (job: Job) => string = askedPhrases(history),
): (job: Job) => string | null {
  const byId = new Map(history.map((job) => [job.id, job]));
  const origins = new Map<string, string | null>();
  return (job) => {
    const known = origins.get(job.id);
    if (known !== undefined) return known;
    const origin = originOf(job, byId, history, phraseOf);
    origins.set(job.id, origin);
    return origin;
  };
}

/** How `job` came about, named among `history` (see `originLabel`). */
function originOf(
  job: Job,
  byId: ReadonlyMap<string, Job>,
  history: readonly Job[],
  phraseOf: (job: Job) => string,
): string | null {
  if (job.kind !== "refine" && job.kind !== "rerun") return null;
  const parent = job.parent_generation_id ? byId.get(job.parent_generation_id) : undefined;
  // A re-run of several variants re-ran the parent's click whole (the history's Re-run all
  // of a click that failed alike): named as that click, not as its first variant.
  const whole = job.kind === "rerun" && (job.batch_size ?? 0) > 1;
  const of = parent ? whichJob(whole ? { ...parent, batch_size: null } : parent, history, phraseOf) : null;
  if (job.kind === "rerun") return `Re-run of ${of ?? "an earlier generation"}`;
  const asked = job.instruction ? `Refined: “${job.instruction}”` : "Refined";
  return of ? `${asked}, from ${of}` : asked;
}

/**
 * A job named so that it is told from the rest of `history`: how it ended, when (as its row
 * says it: `phraseOf`) and which variant of its click. When another click of that time ended
 * the same way, what it asked is added, a few words of it ("(“a portrait in soft…”)"); when
 * those are the same too (re-runs of one job), the time is given to the second ("today,
 * 9:14:05 PM").
 */
function whichJob(job: Job, history: readonly Job[], phraseOf: (job: Job) => string): string {
  const noun = jobNoun(job);
  const named = (at: string, words = "") => `${jobAt(noun, job, at)}${words}`;
  const phrase = phraseOf(job);
  const alike = history.filter(
    (other) => batchId(other) !== batchId(job) && phraseOf(other) === phrase && jobNoun(other) === noun,
  );
  if (alike.length === 0) return named(phrase);
  const words = wordsOf(job);
  if (alike.every((other) => wordsOf(other) !== words)) return named(phrase, ` (${words})`);
  return named(createdPhrase(job, { seconds: true }));
}

/** What a job asked, in a few words: its refinement's, else its prompt's. */
function wordsOf(job: Job): string {
  if (job.instruction) return `refined “${snippet(job.instruction)}”`;
  return job.prompt.trim() ? `“${snippet(job.prompt)}”` : "no prompt";
}

/** The first words of `text`, up to about `chars` characters, cut between words. */
export function snippet(text: string, chars = 24): string {
  const words = text.trim().replace(/\s+/g, " ");
  if (words.length <= chars) return words;
  const cut = words.slice(0, chars + 1).replace(/\s+\S*$/, "");
  return `${(cut || words.slice(0, chars)).replace(/[\s,.;:!?-]+$/, "")}…`;
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
