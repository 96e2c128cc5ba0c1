/**
 * A start whose outcome is not known (`outcomeUnknown`: it went, and its answer did not come
 * back) is followed in the history: once a read of it shows the batch the start made, the
 * page takes it as a start that went through (its alert gone, its jobs in the result pane),
 * not as one that may have started. The history does not name the click's Idempotency-Key:
 * the batch is the one that was not in the history as the start went, asked what it asked.
 * Offline meanwhile, the history is read again as the browser is back.
 */
import { onlineManager, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";

import type { Job } from "../../../api/imageGeneration";
import { batchId, jobsOfBatch } from "../job/state";
import { jobsOf, keys, refreshHistory, type HistoryPages } from "../queryCache";
import { askedAlike } from "../sameClick";
import { identityOf, type StartRequest } from "./use-start-batch";

/** A start as it went: what it asked, and what its identity's history held then. */
export interface SentStart {
  request: StartRequest;
  /** The ids of the jobs the history held. */
  known: ReadonlySet<string>;
  /** When its newest job was created (none: the history was empty or not read). */
  since: string | null;
}

/** The batch `start` made, as `history` (newest first) shows it, in its order; null when it
 * shows none. */
export function startedBy(start: SentStart, history: readonly Job[]): Job[] | null {
  for (const batch of new Set(history.map(batchId))) {
    const jobs = jobsOfBatch(history, batch);
    const [first] = jobs;
    if (!first || jobs.some((job) => start.known.has(job.id))) continue;
    if (start.since !== null && first.created_at < start.since) continue;
    if (askedBy(first, start.request)) return jobs;
  }
  return null;
}

/** Whether `job` (of a batch) is one `request` asks for. */
function askedBy(job: Job, request: StartRequest): boolean {
  switch (request.kind) {
    case "generate":
      return job.kind === "generate" && askedAlike(job, request.body);
    case "rerun":
      return job.kind === "rerun" && job.parent_generation_id === request.parent.id && (job.batch_size ?? 1) === request.count;
    case "refine":
      return (
        job.kind === "refine" &&
        job.parent_generation_id === request.parent.id &&
        job.instruction === request.instruction &&
        (job.batch_size ?? 1) === request.count
      );
  }
}

/**
 * `sent(request)` before a start goes; `follow(start, as)` once its outcome is not known: `found`
 * is called with `as` and the start's jobs when the history shows them. A new start stops
 * following the earlier ones: the pane is the new one's.
 */
export function useFollowUnknown<T>(found: (as: T, jobs: Job[]) => void) {
  const queryClient = useQueryClient();
  const waiting = useRef<{ start: SentStart; as: T }[]>([]);
  const onFound = useRef(found);
  useEffect(() => {
    onFound.current = found;
  });

  const check = useCallback(() => {
    for (const each of waiting.current) {
      const history = jobsOf(queryClient.getQueryData<HistoryPages>(keys.history(identityOf(each.start.request))));
      const jobs = startedBy(each.start, history);
      if (jobs === null) continue;
      waiting.current = waiting.current.filter((other) => other !== each);
      onFound.current(each.as, jobs);
    }
  }, [queryClient]);

  useEffect(() => {
    const readsHistory = queryClient.getQueryCache().subscribe((event) => {
      if (waiting.current.length === 0 || event.type !== "updated" || event.action.type !== "success") return;
      if (event.query.queryKey[1] === keys.histories[1]) check();
    });
    const backOnline = onlineManager.subscribe((online) => {
      if (!online) return;
      for (const identity of new Set(waiting.current.map(({ start }) => identityOf(start.request)))) {
        void refreshHistory(queryClient, identity);
      }
    });
    return () => {
      readsHistory();
      backOnline();
    };
  }, [queryClient, check]);

  return {
    /** What the history of `request`'s identity holds as it goes; earlier starts are no longer followed. */
    sent: (request: StartRequest): SentStart => {
      waiting.current = [];
      const history = jobsOf(queryClient.getQueryData<HistoryPages>(keys.history(identityOf(request))));
      return { request, known: new Set(history.map((job) => job.id)), since: history[0]?.created_at ?? null };
    },
    /** Follows `start`, whose outcome is not known, until the history shows it. */
    follow: (start: SentStart, as: T) => {
      waiting.current = [...waiting.current, { start, as }];
      check();
    },
  };
}
