import { infiniteQueryOptions, skipToken, useInfiniteQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

import type { ImageGenerationApi, Job } from "../../../api/imageGeneration";
import { isMoving } from "../job/state";
import { jobsOf, keys, movingPollMs, POLL_MS, refreshIdentities, showSaved, urlRefreshMs, type HistoryPage, type HistoryPages } from "../queryCache";
import { useApi } from "./use-api";

/** While nothing in it moves, how often the page on screen reads the identity's history
 * again: what another tab (or window, or admin) did shows within this. A hidden page does not
 * read (TanStack Query's default). */
export const IDLE_REFRESH_MS = 30_000;
/** How often an older page is read again while nothing on it moves (and nothing the admin
 * did here asked for the history whole): a new job comes on the first page, and what changes
 * on an older one is another tab's or admin's doing, shown within this (or sooner, when its
 * URLs are renewed). Read at each idle refresh, five pages made five reads where one would do. */
export const OLDER_PAGE_REFRESH_MS = 5 * 60_000;
export const HISTORY_LIMIT = 20;

/**
 * The identity's history, newest first, `HISTORY_LIMIT` at a time (`fetchNextPage` reads
 * older ones). Polls every `POLL_MS` while a job of it moves (at the next attempt while all
 * that move wait out a backoff: `movingPollMs`), or while it could not be read; else every
 * `IDLE_REFRESH_MS`. A poll goes through the pages read, in order (TanStack
 * refetches an infinite query so, each page's cursor taken from the page just read), and
 * reads the first, and a later one only when it may have changed (`unchanged`): every
 * `OLDER_PAGE_REFRESH_MS`, not every poll nor every idle refresh. An
 * output keeps the URLs it was first read with until `urlRefreshMs` (each read signs new
 * ones for the same image, and the browser would download every picture of the history
 * again). The identities are read again when it shows a save landed, showing the saved image
 * until then when it saw the save land (`showSaved`).
 */
export function useHistory(identityId: string | null) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useInfiniteQuery({
    ...historyRead(api, queryClient, identityId),
    select: jobsOf,
    refetchInterval: (query) =>
      query.state.status === "error"
        ? POLL_MS
        : (movingPollMs(jobsOf(query.state.data), query.state.dataUpdatedAt) ?? IDLE_REFRESH_MS),
  });
}

/** When each job's output URLs were read, by query cache (one per page): the page's own reads
 * of a history and one made ahead of them (`use-read-ahead`) keep the same URLs. */
const urlsReadAtOf = new WeakMap<QueryClient, Map<string, number>>();

function urlsReadAtIn(queryClient: QueryClient): Map<string, number> {
  let urlsReadAt = urlsReadAtOf.get(queryClient);
  if (!urlsReadAt) urlsReadAtOf.set(queryClient, (urlsReadAt = new Map()));
  return urlsReadAt;
}

/**
 * `jobs` just read, each with the output URLs it was read with before (`before` gives that
 * read), while they are younger than `urlRefreshMs`: each read signs new URLs for the same
 * image, and the browser would download it again. The history's reads and the Saved view's
 * keep one record of when each job's URLs were read.
 */
export function withUrlsKept(queryClient: QueryClient, jobs: Job[], before: (id: string) => Job | undefined, now: number): Job[] {
  const urlsReadAt = urlsReadAtIn(queryClient);
  const keepUrlsFor = urlRefreshMs(queryClient);
  return jobs.map((job) => {
    const kept = before(job.id)?.output;
    const readAt = urlsReadAt.get(job.id);
    if (kept && job.output?.key === kept.key && readAt !== undefined && now - readAt < keepUrlsFor) {
      return { ...job, output: kept };
    }
    if (job.output) urlsReadAt.set(job.id, now);
    return job;
  });
}

/** The reads of an identity's history (none for no identity), page by page; see `useHistory`. */
export function historyRead(api: ImageGenerationApi, queryClient: QueryClient, identityId: string | null) {
  const readPage = async (identity: string, cursor: string | null, signal: AbortSignal): Promise<HistoryPage> => {
    const kept = unchanged(queryClient, identity, cursor);
    if (kept) return kept;
    const previous = new Map(jobsOf(queryClient.getQueryData<HistoryPages>(keys.history(identity))).map((p) => [p.id, p]));
    const page = await api.listGenerations(identity, HISTORY_LIMIT, cursor, signal);
    const now = Date.now();
    const items = withUrlsKept(queryClient, page.items, (id) => previous.get(id), now);
    // A job only the history watches (a folder's regeneration, another tab's click) ended,
    // or a save landed from elsewhere, or one saved before was saved again (an Undo puts the
    // earlier image back): the identity's image may have changed.
    const changedImage = items.filter((job) => {
      const before = previous.get(job.id);
      const ended = before !== undefined && isMoving(before) && !isMoving(job) && job.apply?.status !== "not_requested";
      const savedElsewhere =
        previous.size > 0 && job.apply?.status === "applied" && (before?.apply?.status !== "applied" || before.apply.applied_at !== job.apply.applied_at);
      return ended || savedElsewhere;
    });
    // A save seen to land between two reads of its job shows at once; one first read now (on
    // an older page, saved long ago and maybe replaced since) says nothing of the image now.
    const landed = changedImage
      .filter((job) => job.apply?.status === "applied" && previous.has(job.id))
      .sort((a, b) => (b.apply?.applied_at ?? "").localeCompare(a.apply?.applied_at ?? ""))[0];
    if (landed) showSaved(queryClient, landed);
    else if (changedImage.length > 0) refreshIdentities(queryClient);
    return { ...page, items, readAt: now };
  };
  return infiniteQueryOptions({
    queryKey: keys.history(identityId),
    queryFn: identityId === null ? skipToken : ({ pageParam, signal }) => readPage(identityId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last: HistoryPage) => last.next_cursor ?? undefined,
  });
}

/**
 * The page the history holds for `cursor`, when reading it again now would tell nothing new:
 * a later page (the first is always read: a new job comes there), held from a read with this
 * same cursor (a keyset cursor: the page is the jobs older than the one it names; a new job
 * on the first page pushes that page's last job onto the next, whose place then gets another
 * cursor, and is read), with no job of it moving, read less than `OLDER_PAGE_REFRESH_MS` ago
 * (nor longer than its URLs are kept: `urlRefreshMs`), and the history not invalidated since (a start, a save, a cancel or a job's end asks for it
 * whole; so does a read of it that failed).
 */
function unchanged(queryClient: QueryClient, identity: string, cursor: string | null): HistoryPage | undefined {
  const state = queryClient.getQueryState<HistoryPages>(keys.history(identity));
  if (cursor === null || !state?.data || state.isInvalidated) return undefined;
  const page = state.data.pages[state.data.pageParams.indexOf(cursor)];
  const fresh = Math.min(OLDER_PAGE_REFRESH_MS, urlRefreshMs(queryClient));
  return page && !page.items.some(isMoving) && Date.now() - page.readAt < fresh ? page : undefined;
}
