/** When a job was asked for, as the page says it: "Today, 9:14 PM", within a sentence or to the
 * second when told. */
import type { Job } from "../../../api/imageGeneration";

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
export function createdLabel(job: Job, told: TimeTold = {}): string {
  return momentLabel(job.created_at, told);
}

/** The same within a sentence, in small letters: "the result of today, 9:14 PM". */
export function createdPhrase(job: Job, told: TimeTold = {}): string {
  return momentPhrase(job.created_at, told);
}

/** Any moment of a job's (an ISO time), as `createdLabel` says its creation. */
export function momentLabel(iso: string, { seconds = false, now = new Date() }: TimeTold = {}): string {
  const at = new Date(iso);
  const time = (seconds ? FORMATS.toTheSecond : FORMATS.toTheMinute).format(at);
  const daysAgo = dayNumber(now) - dayNumber(at);
  if (daysAgo === 0) return `Today, ${time}`;
  if (daysAgo === 1) return `Yesterday, ${time}`;
  const thisYear = at.getFullYear() === now.getFullYear();
  return `${(thisYear ? FORMATS.dayOfThisYear : FORMATS.day).format(at)}, ${time}`;
}

/** The browser's formats (its language, its time zone), each made once: a history names every
 * job by its time at each render, and `toLocaleTimeString` builds its format anew at each call
 * (some 80 times the cost: a list of a hundred made each keystroke in the prompt late). */
const FORMATS = {
  toTheMinute: new Intl.DateTimeFormat(undefined, { timeStyle: "short" }),
  toTheSecond: new Intl.DateTimeFormat(undefined, { timeStyle: "medium" }),
  dayOfThisYear: new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" }),
  day: new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }),
};

/** A moment within a sentence, in small letters: "saved today, 9:14 PM". */
export function momentPhrase(iso: string, told: TimeTold = {}): string {
  return momentLabel(iso, told).replace(/^(Today|Yesterday)/, (day) => day.toLowerCase());
}

/** The local calendar day of a moment, as a count of days (whatever the daylight saving). */
function dayNumber(at: Date): number {
  return Date.UTC(at.getFullYear(), at.getMonth(), at.getDate()) / 86_400_000;
}
