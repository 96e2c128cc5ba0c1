import { useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import type { ClickElsewhere } from "../hooks/use-shown-jobs";
import { countOf } from "../config";
import { describeFailure, GENERIC_FAILURE } from "../job/failure";
import { retryingBecause } from "../job/progress";
import { snippet } from "../job/names";
import { createdPhrase } from "../job/time";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import ui from "../ui.module.css";
import styles from "./JobsElsewhere.module.css";

interface Props {
  clicks: ClickElsewhere[];
  /** The group's name: which clicks these are. */
  label: string;
  onShow: (click: ClickElsewhere) => void;
  onDismiss: (click: ClickElsewhere) => void;
  /** A job of the click the pane shows, for this identity's notices: one of them asked the
   * same minute is named to the second, or both would read "today, 9:23 PM". */
  onScreen?: Job | undefined;
}

/** Clicks the pane no longer shows, left while they ran (for another identity, or for this
 * one before a newer click): still running, or how they ended, with the way back to each.
 * What changes is said in one live region, there before any of it, each sentence in its own
 * node: a screen reader reads the one that changed, not the group's others again; the visible
 * twin of a sentence said there is hidden from it (read once, not twice). Nothing is said as the
 * page comes or its first read of a click lands (see `useChangesSaid`). Dismiss comes once a
 * click has ended (the list keeps the focus when its focused Dismiss goes). The page has two:
 * another identity's clicks among the page's notices at the window's foot (`PageNotices`:
 * after the selects in Tab's order, where the admin left them; their coming moves nothing in
 * view); this identity's earlier ones at the top of the result pane, where the newer click's
 * cards come and the page brings the admin. Empty, neither is a group: a screen reader's tree
 * has no empty one. */
export function JobsElsewhere({ clicks, label, onShow, onDismiss, onScreen }: Props) {
  const list = useKeepsFocus<HTMLDivElement>();
  const notices = clicks.map((click) => {
    const naming = namingOf(click, clicks, onScreen);
    return { click, naming, sentence: sentenceOf(click, naming) };
  });
  const said = useChangesSaid(notices.map(({ click, sentence }) => ({ key: click.key, sentence, read: isRead(click) })));
  return (
    <>
      <p className={ui.visuallyHidden} aria-live="polite">
        {notices.map(({ click }) => {
          const words = said.get(click.key);
          return words === undefined ? null : <span key={click.key}>{words} </span>;
        })}
      </p>
      <div
        {...list}
        {...(clicks.length > 0 ? { role: "group", "aria-label": label } : {})}
        className={clicks.length > 0 ? styles.list : styles.none}
      >
        {notices.map(({ click, naming, sentence }) => (
          <div key={click.key} className={`${styles.item} ${styles[toneOf(click)]}`}>
            {click.moving && <span className={ui.spinner} aria-hidden="true" />}
            <span className={styles.text} aria-hidden={said.get(click.key) === sentence || undefined}>
              {sentence}
            </span>
            <span className={styles.actions}>
              <button
                type="button"
                className={ui.linkButton}
                aria-label={`Show ${whose(click, naming)}`}
                onClick={() => onShow(click)}
              >
                Show
              </button>
              {/* Not while it runs: the notice is the only way to how it ends. */}
              {!click.moving && (
                <button
                  type="button"
                  className={ui.linkButton}
                  aria-label={`Dismiss ${whose(click, naming)}`}
                  onClick={() => onDismiss(click)}
                >
                  Dismiss
                </button>
              )}
            </span>
          </div>
        ))}
      </div>
    </>
  );
}

/** Whether the page has read a click since it came: a reload brings its clicks back unread
 * ("Still generating for Alice the chef (4 variants)." until their first read). */
function isRead(click: ClickElsewhere): boolean {
  return click.jobs.length > 0 || !click.moving;
}

/** A notice, as `useChangesSaid` follows it. */
interface Notice {
  key: string;
  sentence: string;
  read: boolean;
}

/**
 * The sentences to say, by click: a notice's sentence once it changes, and a notice that comes
 * while the page is open (a click the admin left); not the notices there as the page came, nor
 * what a click's first read says (a reload said "Still generating for Alice the chef (4
 * variants)." and then "Ready…" again, no longer or not newly true). A sentence said stays
 * (its node is not read again) while its click is there.
 */
function useChangesSaid(notices: readonly Notice[]): ReadonlyMap<string, string> {
  // Each click's sentence as last known (null: not read yet), and what was said of it.
  const [seen, setSeen] = useState(() => ({
    known: new Map(notices.map((notice) => [notice.key, notice.read ? notice.sentence : null])),
    said: new Map<string, string>(),
  }));
  const known = new Map<string, string | null>();
  const said = new Map<string, string>();
  for (const { key, sentence, read } of notices) {
    const before = seen.known.get(key);
    if (!read) {
      known.set(key, before ?? null);
      continue;
    }
    known.set(key, sentence);
    const saidBefore = seen.said.get(key);
    if (before === null) continue;
    if (before === undefined || before !== sentence) said.set(key, sentence);
    else if (saidBefore !== undefined) said.set(key, saidBefore);
  }
  if (!sameEntries(known, seen.known) || !sameEntries(said, seen.said)) setSeen({ known, said });
  return said;
}

function sameEntries<V>(a: ReadonlyMap<string, V>, b: ReadonlyMap<string, V>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.has(key) && b.get(key) === value);
}

/** The notice's colour: running, all ready, some failed, none made. */
function toneOf({ jobs, moving }: ClickElsewhere): "running" | "ready" | "partial" | "failed" {
  if (moving) return "running";
  const images = jobs.filter((job) => job.status === "succeeded").length;
  if (images === 0) return "failed";
  return images === jobs.length ? "ready" : "partial";
}

/** How a notice names its click: by its identity alone ("… for Alice the chef"), or by when it
 * was asked too ("Your generation of today, 9:23 PM for …"), to the second when the minute
 * would not tell it apart. */
type Naming = "identity" | "minute" | "second";

/** A click is named by its time when the admin must tell it from another click of its
 * identity: always on the identity on screen (its pane shows a newer one), and when another
 * notice is of its identity too (two notices "Ready for Alice the chef" read alike); to the
 * second when that one, or the click on screen (`onScreen`, one of its jobs), was asked the
 * same minute. */
export function namingOf(click: ClickElsewhere, clicks: readonly ClickElsewhere[], onScreen?: Job): Naming {
  const others = clicks.filter((other) => other.key !== click.key && other.identityId === click.identityId);
  if (!click.sameIdentity && others.length === 0) return "identity";
  const minute = askedAt(click);
  if (minute === null) return "minute";
  const shownSameMinute = click.sameIdentity && onScreen !== undefined && createdPhrase(onScreen) === minute;
  return shownSameMinute || others.some((other) => askedAt(other) === minute) ? "second" : "minute";
}

/** When a click was asked, to the minute, as its history row says it; null before any of its
 * jobs was read. */
function askedAt({ jobs }: ClickElsewhere): string | null {
  const first = jobs[0];
  return first ? createdPhrase(first) : null;
}

/** Which click a notice is of, for Show's and Dismiss's names. */
function whose(click: ClickElsewhere, naming: Naming): string {
  return naming === "identity" ? click.identityName : `the ${generationOf(click, naming)} for ${click.identityName}`;
}

/** "generation of today, 9:23 PM (“smiling, outdoors”)" (when it was asked, as its history row
 * says it, and its prompt's start: the card on screen may be of the same minute), or "other
 * generation" before any of its jobs was read. */
function generationOf({ jobs }: ClickElsewhere, naming: Naming): string {
  const first = jobs[0];
  if (!first) return "other generation";
  const prompt = snippet(first.prompt, PROMPT_SHOWN);
  return `generation of ${createdPhrase(first, { seconds: naming === "second" })}${prompt ? ` (“${prompt}”)` : ""}`;
}

/** How much of a click's prompt names it in a notice (its history row shows it whole). */
const PROMPT_SHOWN = 40;

/** "Still generating for Alice the chef (2 variants).", "Still generating for Alice the chef:
 * Gemini is busy, retrying.", "Ready for Alice the chef: 2 images.", "Done for Alice the chef:
 * 1 image, 1 failed.", "Failed for Alice the chef. Gemini refused the prompt.", "Canceled for
 * Alice the chef.", "Ended for Alice the chef." (its jobs can no longer be read). Named by its
 * time (see `namingOf`): "Your generation of today, 9:23 PM for Alice the chef is still running (2
 * variants).", "… is ready: 2 images.", … */
export function sentenceOf(click: ClickElsewhere, naming: Naming): string {
  const { identityName: name, jobs, count: made, moving } = click;
  const byTime = naming !== "identity";
  const other = `Your ${generationOf(click, naming)} for ${name}`;
  const variants = made > 1 ? ` (${made} variants)` : "";
  if (moving) {
    const why = whyStill(jobs);
    return byTime ? `${other} is still running${variants}${why}.` : `Still generating for ${name}${variants}${why}.`;
  }
  const images = jobs.filter((job) => job.status === "succeeded").length;
  const failed = jobs.filter((job) => job.status === "failed");
  if (images === 0 && failed.length > 0) {
    return byTime ? `${other} failed.${whyFailed(failed)}` : `Failed for ${name}.${whyFailed(failed)}`;
  }
  if (images === 0 && jobs.length > 0) return byTime ? `${other} was canceled.` : `Canceled for ${name}.`;
  if (images === 0) return byTime ? `${other} ended.` : `Ended for ${name}.`;
  if (failed.length === 0) return byTime ? `${other} is ready: ${countOf(images, "image")}.` : `Ready for ${name}: ${countOf(images, "image")}.`;
  const done = `${countOf(images, "image")}, ${failed.length} failed`;
  return byTime ? `${other} is done: ${done}.` : `Done for ${name}: ${done}.`;
}

/** Why a click still runs after its usual time, to follow "Still generating …": a job of it
 * is being tried again (": Gemini is busy, retrying"). Said once, while it waits and while
 * its next attempt runs; how long until that attempt is its card's (no second clock here). */
function whyStill(jobs: Job[]): string {
  const why = jobs.map(retryingBecause).find((reason) => reason !== null);
  return why ? `: ${why.inSentence}, retrying` : "";
}

/** Why its jobs failed, as a sentence to follow "Failed …", when one reason holds for all
 * and says more than that they failed. */
function whyFailed(failed: Job[]): string {
  const reasons = new Set(failed.map((job) => describeFailure(job)?.title));
  const [only] = reasons;
  return reasons.size === 1 && only && only !== GENERIC_FAILURE ? ` ${only}.` : "";
}
