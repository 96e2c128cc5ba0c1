/**
 * TanStack Query hooks for the Images tab. Job status is polled: every 2 s while a job is
 * queued or running (or being saved); once final, only before its output URLs expire; not
 * at all once it is gone (404, 403); never in background tabs (TanStack's default). The
 * history is read again every `IDLE_REFRESH_MS` while nothing in it moves, and the
 * identities when it shows a save landed.
 */
import {
  useInfiniteQuery,
  useMutation,
  useMutationState,
  useQueries,
  useQuery,
  useQueryClient,
  skipToken,
  type InfiniteData,
  type QueryClient,
} from "@tanstack/react-query";
import { createContext, useCallback, useContext, useRef, useState } from "react";

import {
  ApiError,
  type CreateVariantsRequest,
  type GenerationBatch,
  type GenerationList,
  type ImageGenerationApi,
  type Job,
} from "../../../api/imageGeneration";
import { isGone, isNoAnswer, isRefused } from "../errors";
import { isMoving } from "../jobView";

export const POLL_MS = 2000;
/** Output URLs last OUTPUT_URL_EXPIRY_S (15 min by default): refetch well before. */
export const URL_REFRESH_MS = 10 * 60 * 1000;
/** While nothing in it moves, how often the page on screen reads the identity's history
 * again: what another tab (or window, or admin) did shows within this. A hidden page does not
 * read (TanStack Query's default). */
export const IDLE_REFRESH_MS = 30_000;
export const HISTORY_LIMIT = 20;

export const ApiContext = createContext<ImageGenerationApi | null>(null);

export function useApi(): ImageGenerationApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error("The Images page needs its ApiContext (see Images.tsx).");
  return api;
}

export const keys = {
  config: ["identity-images", "config"] as const,
  users: ["identity-images", "users"] as const,
  identities: (userId: string | null) => ["identity-images", "identities", userId] as const,
  /** Every identity's history (a prefix of each one's key). */
  histories: ["identity-images", "history"] as const,
  history: (identityId: string | null) => ["identity-images", "history", identityId] as const,
  job: (id: string) => ["identity-images", "job", id] as const,
};

export function useUsers() {
  const api = useApi();
  // An error stays said where it shows, not read again by each part that mounts after it.
  return useQuery({ queryKey: keys.users, queryFn: ({ signal }) => api.listUsers(signal), staleTime: 60_000, retryOnMount: false });
}

export function useIdentities(userId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: keys.identities(userId),
    queryFn: userId === null ? skipToken : ({ signal }) => api.listIdentities(userId, signal),
    staleTime: 30_000,
  });
}

type HistoryPages = InfiniteData<GenerationList, string | null>;

const jobsOf = (pages: HistoryPages | undefined): Job[] => pages?.pages.flatMap((page) => page.items) ?? [];

/**
 * The identity's history, newest first, `HISTORY_LIMIT` at a time (`fetchNextPage` reads
 * older ones). Polls every page read while a job of it moves, or while it could not be
 * read; else every `IDLE_REFRESH_MS`. An output keeps the URLs it was first read with until
 * `URL_REFRESH_MS` (each read signs new ones for the same image, and the browser would
 * download every picture of the history again).
 */
export function useHistory(identityId: string | null) {
  const api = useApi();
  const queryClient = useQueryClient();
  // When each job's output URLs were read.
  const urlsReadAt = useRef(new Map<string, number>());
  const readPage = async (identity: string, cursor: string | null, signal: AbortSignal) => {
    const previous = new Map(jobsOf(queryClient.getQueryData<HistoryPages>(keys.history(identity))).map((p) => [p.id, p]));
    const page = await api.listGenerations(identity, HISTORY_LIMIT, cursor, signal);
    const now = Date.now();
    const items = page.items.map((job) => {
      const before = previous.get(job.id);
      const readAt = urlsReadAt.current.get(job.id);
      if (before?.output && job.output?.key === before.output.key && readAt !== undefined && now - readAt < URL_REFRESH_MS) {
        return { ...job, output: before.output };
      }
      if (job.output) urlsReadAt.current.set(job.id, now);
      return job;
    });
    // A job only the history watches (a folder's regeneration, another tab's click) ended,
    // or a save landed from elsewhere: the identity's image may have changed.
    const changedImage = items.some((job) => {
      const before = previous.get(job.id);
      const ended = before !== undefined && isMoving(before) && !isMoving(job) && job.apply?.status !== "not_requested";
      const savedElsewhere = previous.size > 0 && job.apply?.status === "applied" && before?.apply?.status !== "applied";
      return ended || savedElsewhere;
    });
    if (changedImage) refreshIdentities(queryClient);
    return { ...page, items };
  };
  return useInfiniteQuery({
    queryKey: keys.history(identityId),
    queryFn: identityId === null ? skipToken : ({ pageParam, signal }) => readPage(identityId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    select: jobsOf,
    refetchInterval: (query) =>
      query.state.status === "error" || jobsOf(query.state.data).some(isMoving) ? POLL_MS : IDLE_REFRESH_MS,
  });
}

/**
 * Polls each job until it is final (then only before its URLs expire), and not at all once
 * it is gone; refreshes the history when one ends. A job the history already read shows at
 * once, as the history has it, until its own read comes.
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
      refetchInterval: (query: { state: { data?: Job; error: Error | null } }) => {
        if (isGone(query.state.error)) return false;
        const job = query.state.data;
        return job && !isMoving(job) ? URL_REFRESH_MS : POLL_MS;
      },
    })),
  });
}

/** A job as a history the page read holds it, and when that history was read. */
function fromHistory(queryClient: QueryClient, id: string): { job: Job; readAt: number } | undefined {
  for (const [key, pages] of queryClient.getQueriesData<HistoryPages>({ queryKey: keys.histories })) {
    const job = jobsOf(pages).find((each) => each.id === id);
    if (job) return { job, readAt: queryClient.getQueryState(key)?.dataUpdatedAt ?? 0 };
  }
  return undefined;
}

function refreshAfterJobEnded(queryClient: QueryClient, job: Job): void {
  void refreshHistory(queryClient, job.identity_id);
  if (job.apply?.status !== "not_requested") refreshIdentities(queryClient);
}

/** Read the identities again: a save changed (or may have changed) one's image. */
function refreshIdentities(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: ["identity-images", "identities"] });
}

/** Read an identity's history again: a job of it started, ended or changed (or may have). */
function refreshHistory(queryClient: QueryClient, identityId: string): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: keys.history(identityId) });
}

/** One click that starts jobs: new variants, a re-run or a refine. */
export type StartRequest =
  | { kind: "generate"; body: CreateVariantsRequest }
  | { kind: "rerun"; parent: Job; count: number }
  | { kind: "refine"; parent: Job; instruction: string; count: number };

/** The identity a start is for. */
function identityOf(request: StartRequest): string {
  return request.kind === "generate" ? request.body.identity_id : request.parent.identity_id;
}

/** What a start asks the API, as one string: two clicks that ask the same are the same request. */
function requestOf(request: StartRequest): string {
  switch (request.kind) {
    case "generate":
      return JSON.stringify(["generate", request.body]);
    case "rerun":
      return JSON.stringify(["rerun", request.parent.id, request.count]);
    case "refine":
      return JSON.stringify(["refine", request.parent.id, request.instruction, request.count]);
  }
}

/**
 * Starts a batch. One Idempotency-Key per click (`crypto.randomUUID()`), reused when
 * TanStack retries that same POST; a new click is a new key, but for one: a click that got
 * no answer (none in time, none at all, or the gateway's timeout) may have started its jobs,
 * so its key goes with the next click that asks the same, whatever was asked in between,
 * and the API answers that one with those jobs instead of starting more (same key, same
 * body: the same answer).
 */
export function useStartBatch() {
  const api = useApi();
  const queryClient = useQueryClient();
  // The key of each request (`requestOf`) that got no answer, until one does.
  const unanswered = useRef(new Map<string, string>());
  const send = (request: StartRequest, idempotencyKey: string): Promise<GenerationBatch> => {
    switch (request.kind) {
      case "generate":
        return api.createBatch(request.body, idempotencyKey);
      case "rerun":
        return api.rerun(request.parent.id, request.count, idempotencyKey);
      case "refine":
        return api.refine(request.parent.id, request.instruction, request.count, idempotencyKey);
    }
  };
  return useMutation({
    mutationFn: async ({ request, idempotencyKey }: { request: StartRequest; idempotencyKey: string }) => {
      const asked = requestOf(request);
      const key = unanswered.current.get(asked) ?? idempotencyKey;
      try {
        const batch = await send(request, key);
        unanswered.current.delete(asked);
        return batch;
      } catch (error) {
        if (mayHaveGoneThrough(error)) unanswered.current.set(asked, key);
        throw error;
      }
    },
    onSuccess: (batch: GenerationBatch) => {
      for (const job of batch.items) queryClient.setQueryData(keys.job(job.id), job);
      const first = batch.items[0];
      if (first) void refreshHistory(queryClient, first.identity_id);
    },
    // It may have started all the same: the history says whether it did.
    onError: (error, { request }) => {
      if (isNoAnswer(error)) void refreshHistory(queryClient, identityOf(request));
    },
  });
}

/** What a caller hears of every call of a mutation on a job (TanStack's per-call callbacks
 * would reach only the latest call's). */
export interface Outcome {
  onSuccess?: (job: Job) => void;
  onError?: (error: Error, job: Job) => void;
}

export function useCancel(outcome: Outcome = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (job: Job) => api.cancel(job.id),
    onSuccess: (job) => {
      queryClient.setQueryData(keys.job(job.id), job);
      // Its history row too, at once: until the history is read again, it would offer a
      // Cancel again once "Canceling…" is over.
      putInHistory(queryClient, job);
      void refreshHistory(queryClient, job.identity_id);
      outcome.onSuccess?.(job);
    },
    onError: (error, job) => {
      // It may have gone through all the same: the history says whether it did.
      if (isNoAnswer(error)) void refreshHistory(queryClient, job.identity_id);
      outcome.onError?.(error, job);
    },
  });
}

/** The job as just answered, in place of the history's older read of it. */
function putInHistory(queryClient: QueryClient, job: Job): void {
  queryClient.setQueryData<HistoryPages>(keys.history(job.identity_id), (pages) =>
    pages === undefined
      ? pages
      : { ...pages, pages: pages.pages.map((page) => ({ ...page, items: page.items.map((item) => (item.id === job.id ? job : item)) })) },
  );
}

const APPLY_KEY = ["identity-images", "apply"] as const;

/**
 * Saves a job's image to its identity: once at a time per job, however often it is asked
 * (a double click, or the same job's Save in the result pane and in the history).
 *
 * One rule for every Save (result card, history row, results grid, Compare): the identity
 * is read again once the save is final. The API answers 202 with the save pending (the
 * worker lands it a moment later) or already applied. Applied: the identities are read at
 * once. Pending: the job is read here until its save is final (whether or not the result
 * pane or the history polls it), and `useJobs` reads the identities again as it sees the
 * save end. A history read alone would miss it: the save often lands before the next one.
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
      queryClient.setQueryData(keys.job(job.id), job);
      if (isMoving(job)) setWatched((ids) => (ids.includes(job.id) ? ids : [...ids, job.id]));
      else refreshIdentities(queryClient);
      await refreshHistory(queryClient, job.identity_id);
      outcome.onSuccess?.(job);
    },
    onError: (error, job) => {
      // It may have landed all the same: the history and the identity say whether it did.
      if (isNoAnswer(error)) {
        refreshIdentities(queryClient);
        void refreshHistory(queryClient, job.identity_id);
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
  const mutate = useCallback(
    (job: Job) => {
      if (sending.current.has(job.id)) return;
      sending.current.add(job.id);
      send(job);
    },
    [send],
  );
  return { mutate, savingIds };
}

/** Whether the request went through is not known: no answer in time (`isNoAnswer`), or
 * none at all (the connection failed, maybe after the request went; rare, and the page
 * then says nothing was started, but the key is kept all the same). */
function mayHaveGoneThrough(error: unknown): boolean {
  return isNoAnswer(error) || (error instanceof ApiError && error.status === 0);
}
