import { useQueries, useQueryClient, type QueryClient } from "@tanstack/react-query";

import type { Job } from "../../../api/imageGeneration";
import { isGone } from "../errors";
import { isMoving } from "../job/state";
import { fromHistory, keys, movingPollMs, POLL_MS, refreshHistory, showSaved, urlRefreshMs } from "../queryCache";
import { useApi } from "./use-api";

/**
 * Polls each job: every `POLL_MS` (2 s) while it is queued or running (or being saved), or
 * while its last read failed, but at its next attempt while it waits out a backoff
 * (`movingPollMs`); once final, only before its output URLs expire
 * (`urlRefreshMs`); not at all once it is gone (404, 403); never in background tabs
 * (TanStack's default). Refreshes the history when one
 * ends, and the identity when its save ended (the saved image at once: `showSaved`). A job
 * the history already read shows at once, as the history has it, until its own read comes.
 */
export function useJobs(ids: readonly string[]) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: keys.job(id),
      queryFn: async ({ signal }: { signal: AbortSignal }) => {
        const previous = queryClient.getQueryData<Job>(keys.job(id));
        const job = await api.getGeneration(id, signal);
        if (previous && isMoving(previous) && !isMoving(job)) refreshAfterJobEnded(queryClient, job);
        return job;
      },
      initialData: () => fromHistory(queryClient, id)?.job,
      initialDataUpdatedAt: () => fromHistory(queryClient, id)?.readAt,
      refetchInterval: (query: { state: { data?: Job; error: Error | null; dataUpdatedAt: number } }) => {
        if (isGone(query.state.error)) return false;
        // A failed read says the page lost contact until one answers: a final job read again
        // only when its URLs near their end (minutes) would keep saying so long after the
        // service is back.
        if (query.state.error) return POLL_MS;
        const job = query.state.data;
        if (!job) return POLL_MS;
        // Counted from its read, not from now: the same between two reads, so a render (the
        // countdown's, every second) does not start the wait over.
        return movingPollMs([job], query.state.dataUpdatedAt) ?? urlRefreshMs(queryClient);
      },
    })),
  });
}

function refreshAfterJobEnded(queryClient: QueryClient, job: Job): void {
  void refreshHistory(queryClient, job.identity_id);
  if (job.apply?.status !== "not_requested") showSaved(queryClient, job);
}
