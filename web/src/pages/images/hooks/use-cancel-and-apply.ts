import { type QueryClient, useMutation, useMutationState, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import { isRefused, outcomeUnknown } from "../errors";
import { isMoving } from "../job/state";
import { keys, putInHistory, refreshAfterUnanswered, refreshHistory, refreshIdentities, showSaved } from "../queryCache";
import { useApi } from "./use-api";
import { useJobs } from "./use-jobs";

/** What a caller hears of every call of a mutation on a job (TanStack's per-call callbacks
 * would reach only the latest call's). */
export interface Outcome {
  onSuccess?: (job: Job) => void;
  onError?: (error: Error, job: Job) => void;
}

/** A cancel's or a save's answer, as the job's read: a poll of it still on its way, sent
 * before the change, is dropped, or its older answer would land after and undo it. */
async function putAnswer(queryClient: QueryClient, job: Job): Promise<void> {
  await queryClient.cancelQueries({ queryKey: keys.job(job.id) });
  queryClient.setQueryData(keys.job(job.id), job);
}

export function useCancel(outcome: Outcome = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (job: Job) => api.cancel(job.id),
    onSuccess: async (job) => {
      await putAnswer(queryClient, job);
      // Its history row too, at once: until the history is read again, it would offer a
      // Cancel again once "Canceling…" is over.
      putInHistory(queryClient, job);
      void refreshHistory(queryClient, job.identity_id);
      outcome.onSuccess?.(job);
    },
    onError: (error, job) => {
      // It may have gone through all the same: the job and the history say whether it did.
      if (outcomeUnknown(error)) refreshAfterUnanswered(queryClient, job);
      outcome.onError?.(error, job);
    },
  });
}

const APPLY_KEY = ["identity-images", "apply"] as const;

/**
 * Saves a job's image to its identity: once at a time per job, however often it is asked
 * (a double click, or the same job's Save in the result pane and in the history).
 *
 * One rule for every Save (result card, history row, results grid, Compare): the identity
 * shows the saved image once the save is final, and is read again. The API answers 202 with
 * the save pending (the worker lands it a moment later) or already applied. Applied: the
 * identity shows it at once (`showSaved`). Pending: the job is read here until its save is
 * final (whether or not the result pane or the history polls it), and `useJobs` shows it as
 * it sees the save end. A history read alone would miss it: the save often lands before the
 * next one.
 */
export function useApply(outcome: Outcome = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const sending = useRef(new Set<string>());
  // The jobs saved from here whose save was pending when last read.
  const [watched, setWatched] = useState<readonly string[]>([]);
  const reads = useJobs(watched);
  const settled = watched.filter((_, index) => {
    const read = reads[index];
    return read !== undefined && ((read.data !== undefined && !isMoving(read.data)) || isRefused(read.error));
  });
  // Final (its end seen by `useJobs`), or gone: no more reads (set during render, React's
  // way to adjust state to what changed).
  if (settled.length > 0) setWatched(watched.filter((id) => !settled.includes(id)));
  const { mutate: send } = useMutation({
    mutationKey: APPLY_KEY,
    mutationFn: (job: Job) => api.applyGeneration(job.id),
    // Pending until the history has read the pending apply too, so no Save offers it again.
    onSuccess: async (job) => {
      await putAnswer(queryClient, job);
      if (isMoving(job)) setWatched((ids) => (ids.includes(job.id) ? ids : [...ids, job.id]));
      else showSaved(queryClient, job);
      await refreshHistory(queryClient, job.identity_id);
      outcome.onSuccess?.(job);
    },
    onError: (error, job) => {
      // It may have landed all the same: the job, the history and the identity say whether it did.
      if (outcomeUnknown(error)) {
        refreshIdentities(queryClient);
        refreshAfterUnanswered(queryClient, job);
      }
      outcome.onError?.(error, job);
    },
    onSettled: (_answer, _error, job) => sending.current.delete(job.id),
  });
  /** The jobs whose save is out, as the mutations say (a render behind `sending`). */
  const savingIds = useMutationState({
    filters: { mutationKey: APPLY_KEY, status: "pending" },
    select: (mutation) => (mutation.state.variables as Job).id,
  });
  // Synchronous, unlike the mutation's state: a double click's second click is already refused.
  /** Sends the save; false when one of the job is on its way already. */
  const mutate = useCallback(
    (job: Job): boolean => {
      if (sending.current.has(job.id)) return false;
      sending.current.add(job.id);
      send(job);
      return true;
    },
    [send],
  );
  return { mutate, savingIds };
}
