/**
 * The jobs the page shows for an identity: its history (newest first, a page at a time),
 * and in the result pane the jobs of the last click made for it in this tab, else the
 * identity's latest batch from the history, so jobs in flight come back after a reload. That
 * batch stays in the pane while the admin stays on the identity: a newer one (another tab's
 * click, a folder's regeneration) shows in the history, and does not take the pane from
 * under the admin's hand. A job in both reads the same in both: the later of the two reads
 * (each is polled on its own).
 *
 * A re-run or refinement of a job the pane shows joins the pane's click, its new card right
 * after the one it came from (see `joinAfter`): the admin still works on that click, whose
 * other cards stay. One of a job the pane does not show (from the history) takes the pane, as
 * a Generate does. A pane so joined outlives a reload while the identity's latest batch is
 * one of its own (`JOINED`); with nothing of this tab's for the identity (a new tab, the next
 * day), a latest batch of follow-ups of the identity's newest click shows that click joined,
 * as the history tells it (`joinedInHistory`).
 *
 * A click the pane no longer shows while it runs is watched from afar (`elsewhere`): one
 * whose identity the admin left, or an earlier one for this identity that a newer click
 * took the pane from. Still running, then ended, until the admin sees it end in the pane
 * (`show` puts it back there) or dismisses it, or (an earlier click) starts another one for
 * its identity after it ended. Those clicks outlive a reload (this tab's sessionStorage):
 * "Still generating for Alice the explorer" is not lost with the page, nor the way to it. One
 * brought back takes the pane only while it is its identity's latest batch: an earlier click
 * still running under a newer one the admin saw end stays above the newer one, as before.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import { isGone } from "../errors";
import { isFollowUp, joinAfter, joinedInHistory, lastJoined, latestBatch as latestOf, type JoinedFrom } from "../job/joins";
import { isMoving, laterRead } from "../job/state";
import { useFailure } from "./use-failure";
import { useHistory } from "./use-history";
import { useJobs } from "./use-jobs";
import { isString, isStringRecord, read, write } from "./use-session-state";

/** A click's jobs, for the identity they were asked for. */
interface Click {
  /** Its first job's id: what names the click. */
  key: string;
  identityId: string;
  userId: string;
  identityName: string;
  ids: string[];
  /** The re-runs and refinements of its jobs that joined it: which job each came from. */
  from?: JoinedFrom;
}

/** Where the clicks not seen to end are kept across a reload. */
const WATCHED = "watchedClicks";
/**
 * Where each identity's last joined click is kept across a reload (see `useShownJobs`). The
 * history tells most joined clicks as well (`joinedInHistory`), but not every one the tab
 * made: an earlier click brought back by Show and then joined (not the identity's newest), or
 * a pane a follow-up of an older click took, then joined by a refinement of it. This tab
 * knows; the history would show those latest batches alone.
 */
const JOINED = "joinedClicks";

const areClicks = (value: unknown): value is Click[] =>
  Array.isArray(value) &&
  value.every(
    (click: Partial<Record<keyof Click, unknown>> | null) =>
      typeof click === "object" &&
      click !== null &&
      [click.key, click.identityId, click.userId, click.identityName].every(isString) &&
      Array.isArray(click.ids) &&
      click.ids.every(isString) &&
      (click.from === undefined || isStringRecord(click.from)),
  );

/** A click for an identity the admin is not looking at now, as last read. */
export interface ClickElsewhere extends Omit<Click, "ids"> {
  /** Its jobs read so far (one that cannot be read, gone since, is not among them). */
  jobs: Job[];
  /** How many jobs the click made. */
  count: number;
  /** A job of it still runs (or is being saved). */
  moving: boolean;
  /** For the identity on screen: the pane shows another of its clicks. */
  sameIdentity: boolean;
}

type JobRead = { data?: Job | undefined; error: Error | null };

/** Still on its way, as far as the page knows: moving when last read, or not read yet; not
 * once it is gone (a failed poll on the way is not that: the page keeps what it read last). */
function stillGoing(read: JobRead): boolean {
  return !isGone(read.error) && (read.data ? isMoving(read.data) : true);
}

/** Every one of `reads` is of a job gone since (and there is one). */
const allGone = (reads: readonly JobRead[]) => reads.length > 0 && reads.every((read) => isGone(read.error));

export function useShownJobs(identityId: string | null) {
  const history = useHistory(identityId);
  const historyFailure = useFailure(history, identityId);
  // The clicks a reload brought back: those the admin had not seen end.
  const [restored] = useState<readonly Click[]>(() => read(WATCHED, [], areClicks));
  // The clicks made in this tab, oldest first, after those.
  const [clicks, setClicks] = useState<readonly Click[]>(restored);
  // The click the pane shows for an identity, when not its newest (see `show`).
  const [chosen, setChosen] = useState<Readonly<Record<string, string>>>({});
  // The clicks the admin has not yet seen end, by key.
  const [unseen, setUnseen] = useState<ReadonlySet<string>>(() => new Set(clicks.map((click) => click.key)));
  useEffect(() => write(WATCHED, clicks.filter((click) => unseen.has(click.key))), [clicks, unseen]);
  // Each identity's last click a follow-up joined, for the pane after a reload once it is seen.
  useEffect(() => {
    const joined = clicks.filter((click) => click.from !== undefined);
    if (joined.length === 0) return;
    const identities = new Set(joined.map((click) => click.identityId));
    const kept = read(JOINED, [], areClicks).filter((click) => !identities.has(click.identityId));
    write(JOINED, [...kept, ...joined.filter((click) => joined.findLast((other) => other.identityId === click.identityId) === click)]);
  }, [clicks]);
  const latestBatch = useMemo(() => latestOf(history.data ?? []), [history.data]);
  // The latest batch as the pane first showed it (with the click it joined, if the history
  // tells one), for the identity on screen.
  const [pinned, setPinned] = useState<{ identityId: string; ids: string[]; from?: JoinedFrom } | null>(null);
  // A click a reload brought back is the pane's once the history says it is the identity's
  // latest batch (not before: the pane waits for the history's read rather than show it for
  // an instant). Made before a newer click the admin saw end (which a reload does not keep),
  // it is watched from the pane, above the latest batch, as it was before the reload.
  const behind = (click: Click) =>
    restored.includes(click) && (history.data === undefined || !click.ids.some((id) => latestBatch.includes(id)));
  const here = identityId === null ? undefined : paneClick(clicks, chosen, identityId, behind);
  // Judged once: from then on it is the pane's as a click made here is, and a newer batch
  // (another tab's click) does not take the pane from it (set during render, React's way to
  // adjust state to what changed).
  if (here && restored.includes(here)) setClicks(clicks.map((click) => (click === here ? { ...click } : click)));
  const pinnedHere = pinned?.identityId === identityId ? pinned : null;
  if (pinned !== null && pinned.identityId !== identityId) {
    setPinned(null); // left: coming back shows the latest batch then
  } else if (identityId !== null && !here && !pinnedHere && latestBatch.length > 0 && !history.isFetching) {
    // The latest batch a follow-up that joined a click (before a reload): that click, joined.
    const joined = read(JOINED, [], areClicks).find(
      (click) => click.identityId === identityId && latestBatch.every((id) => click.ids.includes(id)),
    );
    if (joined) setClicks([...clicks, joined]);
    // As read now, not as cached from before.
    else setPinned({ identityId, ...(joinedInHistory(history.data ?? []) ?? { ids: latestBatch }) });
  }
  const paneIds = here?.ids ?? pinnedHere?.ids ?? latestBatch;
  // What the pane shows, as a follow-up started from it finds it once it started.
  const paneNow = useRef({ identityId, here, ids: paneIds, from: pinnedHere?.from });
  useEffect(() => {
    paneNow.current = { identityId, here, ids: paneIds, from: pinnedHere?.from };
  });
  const showStarted = useCallback(
    (jobs: Job[], identityName: string) => {
      const first = jobs[0];
      if (!first) return;
      const ids = jobs.map((job) => job.id);
      const parentId = first.parent_generation_id;
      const pane = paneNow.current;
      if (parentId !== null && isFollowUp(first) && pane.identityId === first.identity_id && pane.ids.includes(parentId)) {
        // Of a job the pane shows: its card joins the pane's click (the latest batch it showed
        // becomes a click), beside the one it came from.
        const shown: Click = pane.here ?? {
          key: pane.ids[0] ?? first.id,
          identityId: first.identity_id,
          userId: first.user_id,
          identityName,
          ids: pane.ids,
          ...(pane.from && { from: pane.from }),
        };
        const join = (base: Click): Click => ({
          ...base,
          ids: joinAfter(base.ids, base.from ?? {}, parentId, ids),
          from: { ...base.from, ...Object.fromEntries(ids.map((id) => [id, parentId])) },
        });
        setClicks((all) => {
          const base = all.find((click) => click.key === shown.key);
          return base ? all.map((click) => (click === base ? join(base) : click)) : [...all, join(shown)];
        });
        setUnseen((keys) => new Set(keys).add(shown.key));
        return;
      }
      const click: Click = {
        key: first.id,
        identityId: first.identity_id,
        userId: first.user_id,
        identityName,
        ids,
      };
      setClicks((all) => [...all, click]);
      setChosen((all) => Object.fromEntries(Object.entries(all).filter(([id]) => id !== click.identityId)));
      setUnseen((keys) => new Set(keys).add(click.key));
    },
    [],
  );

  const paneQueries = useJobs(paneIds);
  const cardReads = paneQueries.map((query) => query.data).filter((job): job is Job => job !== undefined);
  const historyRead = new Map(history.data?.map((job) => [job.id, job]));
  const cardRead = new Map(cardReads.map((job) => [job.id, job]));

  // Seen: the admin is on the identity once its click has ended (let go below, with the
  // notices newer work has passed).
  const seenHere = here && unseen.has(here.key) && !paneQueries.some(stillGoing) ? [here.key] : [];
  const away = clicks.filter((click) => click !== here && unseen.has(click.key));
  const awayIds = away.flatMap(watchedIds);
  const awayQueries = useJobs(awayIds);
  const readOf = new Map(awayIds.map((id, index) => [id, awayQueries[index]]));
  // A click a reload brought back whose jobs are all gone since (read again days later: not
  // the identity's latest batch, so not the pane's) is let go: no notice says how a click ended
  // that has nothing left to show (set during render, React's way to adjust state to what
  // changed).
  const gone = away.filter(
    (click) => restored.includes(click) && allGone(watchedIds(click).flatMap((id) => readOf.get(id) ?? [])),
  );
  if (gone.length > 0) setClicks(clicks.filter((click) => !gone.includes(click)));
  const elsewhere: ClickElsewhere[] = away.map((watched) => {
    const { key, identityId: ofIdentity, userId, identityName } = watched;
    const click = { key, identityId: ofIdentity, userId, identityName };
    const ids = watchedIds(watched);
    const reads = ids.flatMap((id) => readOf.get(id) ?? []);
    const jobs = reads.flatMap((read) => (read.data && !isGone(read.error) ? [read.data] : []));
    return {
      ...click,
      jobs,
      count: ids.length,
      moving: reads.some(stillGoing),
      sameIdentity: click.identityId === identityId,
    };
  });

  // An earlier click of this identity that had ended (however it ended) before the admin
  // started the one on screen: its end was said, and newer work has begun since; its notice
  // goes (its jobs are in the history), not left to pile up above every click after it.
  const startedHere = Date.parse(cardReads[0]?.created_at ?? "");
  const passed = elsewhere.filter(
    (click) =>
      click.sameIdentity &&
      !click.moving &&
      click.jobs.length > 0 &&
      click.jobs.every((job) => Date.parse(job.finished_at ?? "") < startedHere),
  );
  // Set during render, React's way to adjust state to what changed: once, for both.
  const letGo = new Set([...seenHere, ...passed.map((click) => click.key)]);
  if (letGo.size > 0) setUnseen(new Set([...unseen].filter((key) => !letGo.has(key))));

  return {
    /** The history's query (its pages, its errors, `fetchNextPage`). */
    history,
    /** The result pane's jobs, in their order; `paneIds` their ids (before the first read). */
    paneJobs: cardReads.map((job) => laterRead(job, historyRead.get(job.id))),
    paneIds,
    /** The pane has nothing yet for the identity on screen because what it would show is on
     * its way: the history's first read (whose latest batch it shows; also while it fails, and
     * is read again: it may hold generations), or its click's jobs. */
    paneReading:
      identityId !== null &&
      cardReads.length === 0 &&
      (history.data === undefined || paneQueries.some((query) => query.isPending)),
    /** Why the identity's history could not be read, while it never was (polled, each try
     * shows as a first load: kept through them by `useFailure`); null else. A later read that
     * fails is a lost contact, said among the page's notices. */
    historyUnreadable: history.data === undefined ? historyFailure : null,
    /** The history's jobs, each as last read; undefined until it is read. */
    historyJobs: history.data?.map((job) => laterRead(job, cardRead.get(job.id))),
    /** Every read that is polled: one that failed says the page lost contact. */
    polls: [history, ...paneQueries],
    /** Show a click's new jobs in the result pane. */
    showStarted,
    /** Clicks the pane does not show that ran or ended since the admin left them. */
    elsewhere,
    /** Show a click in its identity's pane (the admin goes to that identity). */
    show: useCallback((click: ClickElsewhere) => setChosen((all) => ({ ...all, [click.identityId]: click.key })), []),
    /** Stop watching a click from afar. */
    forget: useCallback(
      (click: ClickElsewhere) => setUnseen((keys) => new Set([...keys].filter((key) => key !== click.key))),
      [],
    ),
  };
}

/** The jobs a click watched from afar is said by: those it made, or once a follow-up joined
 * it, that follow-up's (what the admin started last, and waits for: "Still generating for
 * Alice the chef.", not the click's four variants that ended before it). */
function watchedIds({ ids, from }: Pick<Click, "ids" | "from">): string[] {
  const last = lastJoined(from);
  return last === undefined ? ids : [last];
}

/** The click the pane shows for `identityId`: the one the admin chose to see, else its newest
 * unless that one is `behind` the identity's latest batch. */
function paneClick(
  clicks: readonly Click[],
  chosen: Readonly<Record<string, string>>,
  identityId: string,
  behind: (click: Click) => boolean,
): Click | undefined {
  const mine = clicks.filter((click) => click.identityId === identityId);
  const newest = mine.at(-1);
  return mine.find((click) => click.key === chosen[identityId]) ?? (newest && !behind(newest) ? newest : undefined);
}
