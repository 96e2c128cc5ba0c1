/**
 * The jobs the page shows for an identity: its history (newest first, a page at a time),
 * and in the result pane the jobs of the last click made here, else the identity's latest
 * batch from the history, so jobs in flight come back after a reload. A job in both reads
 * the same in both: the later of the two reads (each is polled on its own).
 */
import { useCallback, useMemo, useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import { batchId, laterRead } from "../jobView";
import { useHistory, useJobs } from "./use-image-generation";

export function useShownJobs(identityId: string | null) {
  const history = useHistory(identityId);
  const [started, setStarted] = useState<{ identityId: string; ids: string[] } | null>(null);
  const latestBatch = useMemo(() => {
    const latest = history.data?.[0];
    if (!latest) return [];
    const batch = batchId(latest);
    return (history.data ?? [])
      .filter((job) => batchId(job) === batch)
      .sort((a, b) => (a.batch_index ?? 0) - (b.batch_index ?? 0))
      .map((job) => job.id);
  }, [history.data]);
  const paneIds = started && started.identityId === identityId ? started.ids : latestBatch;
  const showStarted = useCallback((jobs: Job[]) => {
    const first = jobs[0];
    if (first) setStarted({ identityId: first.identity_id, ids: jobs.map((job) => job.id) });
  }, []);

  const paneQueries = useJobs(paneIds);
  const cardReads = paneQueries.map((query) => query.data).filter((job): job is Job => job !== undefined);
  const historyRead = new Map(history.data?.map((job) => [job.id, job]));
  const cardRead = new Map(cardReads.map((job) => [job.id, job]));
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
  };
}
