/**
 * The jobs the page shows for an identity: its history (newest first, a page at a time),
 * and in the result pane the jobs of the last click made for it in this tab, else the
 * identity's latest batch from the history, so jobs in flight come back after a reload. A
 * job in both reads the same in both: the later of the two reads (each is polled on its own).
 *
 * A click whose identity the admin left while it ran is watched from afar (`elsewhere`):
 * still running, then ended, until the admin goes back to it.
 */
import { useCallback, useMemo, useState } from "react";

import { ApiError, type Job } from "../../../api/imageGeneration";
import { batchId, isMoving, laterRead } from "../jobView";
import { useHistory, useJobs } from "./use-image-generation";

/** A click's jobs, for the identity they were asked for. */
interface Click {
  identityId: string;
  userId: string;
  identityName: string;
  ids: string[];
}

/** A click for an identity the admin is not looking at now, as last read. */
export interface ClickElsewhere extends Omit<Click, "ids"> {
  /** Its jobs read so far (one that cannot be read, gone since, is not among them). */
  jobs: Job[];
  /** How many jobs the click made. */
  count: number;
  /** A job of it still runs (or is being saved). */
  moving: boolean;
}

type JobRead = { data?: Job | undefined; error: Error | null };

/** The job can no longer be read: gone, or no longer the admin's (a failed poll on the way is
 * not that: the page keeps what it read last). */
function isGone(read: JobRead): boolean {
  return read.error instanceof ApiError && (read.error.status === 403 || read.error.status === 404);
}

/** Still on its way, as far as the page knows: moving when last read, or not read yet. */
function stillGoing(read: JobRead): boolean {
  return !isGone(read) && (read.data ? isMoving(read.data) : true);
}

export function useShownJobs(identityId: string | null) {
  const history = useHistory(identityId);
  // The last click made for each identity in this tab.
  const [clicks, setClicks] = useState<Record<string, Click>>({});
  // The identities whose last click the admin has not yet seen end.
  const [unseen, setUnseen] = useState<ReadonlySet<string>>(new Set());
  const latestBatch = useMemo(() => {
    const latest = history.data?.[0];
    if (!latest) return [];
    const batch = batchId(latest);
    return (history.data ?? [])
      .filter((job) => batchId(job) === batch)
      .sort((a, b) => (a.batch_index ?? 0) - (b.batch_index ?? 0))
      .map((job) => job.id);
  }, [history.data]);
  const here = identityId === null ? undefined : clicks[identityId];
  const paneIds = here?.ids ?? latestBatch;
  const showStarted = useCallback((jobs: Job[], identityName: string) => {
    const first = jobs[0];
    if (!first) return;
    const click = { identityId: first.identity_id, userId: first.user_id, identityName, ids: jobs.map((job) => job.id) };
    setClicks((all) => ({ ...all, [click.identityId]: click }));
    setUnseen((ids) => new Set(ids).add(click.identityId));
  }, []);

  const paneQueries = useJobs(paneIds);
  const cardReads = paneQueries.map((query) => query.data).filter((job): job is Job => job !== undefined);
  const historyRead = new Map(history.data?.map((job) => [job.id, job]));
  const cardRead = new Map(cardReads.map((job) => [job.id, job]));

  // Seen: the admin is on the identity once its click has ended (set during render, React's
  // way to adjust state to what changed).
  if (here && unseen.has(here.identityId) && !paneQueries.some(stillGoing)) {
    const rest = new Set(unseen);
    rest.delete(here.identityId);
    setUnseen(rest);
  }
  const away = Object.values(clicks).filter((click) => click.identityId !== identityId && unseen.has(click.identityId));
  const awayIds = away.flatMap((click) => click.ids);
  const awayQueries = useJobs(awayIds);
  const readOf = new Map(awayIds.map((id, index) => [id, awayQueries[index]]));
  const elsewhere: ClickElsewhere[] = away.map(({ ids, ...click }) => {
    const reads = ids.flatMap((id) => readOf.get(id) ?? []);
    const jobs = reads.flatMap((read) => (read.data && !isGone(read) ? [read.data] : []));
    return { ...click, jobs, count: ids.length, moving: reads.some(stillGoing) };
  });

  return {
    /** The history's query (its pages, its errors, `fetchNextPage`). */
    history,
    /** The result pane's jobs, in their order; `paneIds` their ids (before the first read). */
    paneJobs: cardReads.map((job) => laterRead(job, historyRead.get(job.id))),
    paneIds,
    /** The history's jobs, each as last read; undefined until it is read. */
    historyJobs: history.data?.map((job) => laterRead(job, cardRead.get(job.id))),
    /** Every read that is polled: one that failed says the page lost contact. */
    polls: [history, ...paneQueries],
    /** Show a click's new jobs in the result pane. */
    showStarted,
    /** Clicks for other identities that ran or ended since the admin left them. */
    elsewhere,
    /** Stop watching an identity's click from afar. */
    forget: useCallback((id: string) => setUnseen((ids) => new Set([...ids].filter((other) => other !== id))), []),
  };
}
