import { skipToken, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import type { Job } from "../../../api/imageGeneration";
import { fromHistory, jobsOf, keys, movingPollMs, POLL_MS, type HistoryPage, type HistoryPages } from "../queryCache";
import { useApi } from "./use-api";
import { olderPages, type OlderPages } from "./use-show-older";
import { OLDER_PAGE_REFRESH_MS, withUrlsKept } from "./use-history";

/** A page of saves: an identity's saves are few, and its first page holds them all. */
export const SAVED_LIMIT = 100;
/** The pages the view reads by itself before it offers Show older: it orders its tiles by
 * when each was saved, and the API pages them by when each was asked (a page read later put
 * its tiles among those shown, not below them). */
export const SAVED_PAGES_READ_AHEAD = 5;

/**
 * The images once saved to the identity, for the history's Saved view: the one it shows and
 * the ones replaced since, however far down its history (`GET /v1/generations?saved=true`),
 * newest first, `SAVED_LIMIT` at a time. While `shown`, the pages are read on, up to
 * `SAVED_PAGES_READ_AHEAD` (a page may come short, even empty, and still have a next one);
 * beyond, `older` reads the next. The history's own pages hold only its newest generations: a
 * Saved view made of them said "0 saved" of an identity saved a dozen times, last week. Read
 * only while `shown`: every `POLL_MS` while a save of it is on its way, else every
 * `OLDER_PAGE_REFRESH_MS` (a save from this page reads it again, `refreshHistory`, and one
 * from elsewhere of a job the history holds shows with the history's read, `withSavesRead`).
 * A job's output keeps the URLs the history read it with (`withUrlsKept`): the tile shows the
 * picture the browser has.
 */
export function useSavedHistory(identityId: string | null, shown: boolean): SavedPages {
  const api = useApi();
  const queryClient = useQueryClient();
  const read = useInfiniteQuery({
    queryKey: keys.saved(identityId),
    queryFn:
      identityId === null
        ? skipToken
        : async ({ pageParam, signal }): Promise<HistoryPage> => {
            const saved = jobsOf(queryClient.getQueryData<HistoryPages>(keys.saved(identityId)));
            const before = (id: string) => fromHistory(queryClient, id)?.job ?? saved.find((job) => job.id === id);
            const page = await api.listGenerations(identityId, SAVED_LIMIT, pageParam, signal, { saved: true });
            const now = Date.now();
            return { ...page, items: withUrlsKept(queryClient, page.items, before, now), readAt: now };
          },
    initialPageParam: null as string | null,
    getNextPageParam: (last: HistoryPage) => last.next_cursor ?? undefined,
    enabled: shown,
    select: jobsAndPages,
    refetchInterval: (query) =>
      query.state.status === "error"
        ? POLL_MS
        : (movingPollMs(jobsOf(query.state.data), query.state.dataUpdatedAt) ?? OLDER_PAGE_REFRESH_MS),
  });
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage } = read;
  const pages = read.data?.pages ?? 0;
  // Read on by itself, but not past a page that failed: Show older tries it again.
  const readingOn = shown && hasNextPage && pages < SAVED_PAGES_READ_AHEAD && !isFetchNextPageError;
  useEffect(() => {
    if (readingOn && !isFetchingNextPage) void fetchNextPage();
  }, [readingOn, isFetchingNextPage, fetchNextPage, pages]);
  const jobs = read.data?.jobs;
  return {
    jobs: readingOn ? undefined : jobs,
    older: readingOn ? null : olderPages({ ...read, data: jobs }),
    error: read.error,
  };
}

/** The saves read, and in how many pages. */
const jobsAndPages = (pages: HistoryPages) => ({ jobs: jobsOf(pages), pages: pages.pages.length });

/** The Saved view's own read (see `useSavedHistory`). */
export interface SavedPages {
  /** The saved ones read, newest first; undefined until they are (the first page, and the
   * ones read on by themselves). */
  jobs: Job[] | undefined;
  /** Reads the next older page; null once every saved one is read. */
  older: OlderPages | null;
  /** Why the last read failed, if it did. */
  error: Error | null;
}

/**
 * Every job of the identity the page read: the history's, in its order, each as the newer of
 * its two reads where the Saved view read it too (the history's is polled while it moves, the
 * saves' may be the later: a save that landed, which alone makes its tile the identity's
 * image), then the saves older than the history's pages. What the page names, compares and
 * finds the identity's image among, and what the Saved view picks its tiles from (`savedOf`).
 */
export function withSavesRead(history: readonly Job[], saved: readonly Job[] | undefined): Job[] {
  if (!saved || saved.length === 0) return [...history];
  const savedRead = new Map(saved.map((job) => [job.id, job]));
  const newer = (job: Job) => {
    const other = savedRead.get(job.id);
    return other && other.updated_at > job.updated_at ? other : job;
  };
  const inHistory = new Set(history.map((job) => job.id));
  return [...history.map(newer), ...saved.filter((job) => !inHistory.has(job.id))];
}
