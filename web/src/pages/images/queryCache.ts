/**
 * What the page's reads keep in TanStack Query's cache: their keys, how often a read is
 * made again, and the reads and writes of an identity's history there that more than one
 * hook makes.
 */
import type { InfiniteData, QueryClient } from "@tanstack/react-query";

import type { GenerationList, HostIdentity, Job } from "../../api/imageGeneration";
import type { TabConfig } from "./config";
import { renditionsOf } from "./job/picture";
import { retryingAt } from "./job/progress";
import { isMoving } from "./job/state";

export const POLL_MS = 2000;
/** The longest a job waiting for its next attempt goes unread: what another tab or admin
 * did to it (a cancel) still shows within this. */
export const WAITING_POLL_MS = 15_000;

/**
 * How soon to read `jobs` again while some of them move: every `POLL_MS`, unless every one that
 * moves is waiting out a backoff (queued for its next attempt, its card counting down to it):
 * then at the first next attempt, within `WAITING_POLL_MS`. Read every 2 s through a wait of
 * minutes (Gemini busy), a click's jobs and its history made some 56 reads a minute that
 * could tell nothing new. Null when none moves. `now` is when the jobs were read: the wait is
 * the same at every render until the next read (a new one at each would start it over).
 */
export function movingPollMs(jobs: readonly Job[], now = Date.now()): number | null {
  let soonest: number | null = null;
  for (const job of jobs) {
    if (!isMoving(job)) continue;
    const next = job.apply?.status === "pending" ? null : retryingAt(job);
    if (next === null) return POLL_MS;
    soonest = Math.min(soonest ?? Infinity, next.getTime() - now);
  }
  // Just after its time, when the worker has it: not just before, to read it queued again.
  return soonest === null ? null : Math.min(Math.max(soonest + 500, POLL_MS), WAITING_POLL_MS);
}

/** The shortest an output URL lasts (the API's floor for OUTPUT_URL_EXPIRY_S). */
const SHORTEST_URL_LIFETIME_MS = 30_000;

/** How long the page keeps the image URLs it read before it reads new ones: two thirds of
 * their life (10 minutes of the default 15), as the settings say; before they are read, as
 * the shortest life the API gives them. */
export function urlRefreshMs(queryClient: QueryClient): number {
  const lifetime = queryClient.getQueryData<TabConfig>(keys.config)?.urlLifetimeMs ?? SHORTEST_URL_LIFETIME_MS;
  return (lifetime * 2) / 3;
}

export const keys = {
  config: ["identity-images", "config"] as const,
  users: ["identity-images", "users"] as const,
  identities: (userId: string | null) => ["identity-images", "identities", userId] as const,
  /** Every identity's history (a prefix of each one's key). */
  histories: ["identity-images", "history"] as const,
  history: (identityId: string | null) => ["identity-images", "history", identityId] as const,
  /** The images once saved to an identity, for the history's Saved view (`useSavedHistory`). */
  saved: (identityId: string | null) => ["identity-images", "saved", identityId] as const,
  job: (id: string) => ["identity-images", "job", id] as const,
};

/** A page of an identity's history, and when it was read (`Date.now()` as its answer came). */
export type HistoryPage = GenerationList & { readAt: number };
export type HistoryPages = InfiniteData<HistoryPage, string | null>;

export const jobsOf = (pages: HistoryPages | undefined): Job[] => pages?.pages.flatMap((page) => page.items) ?? [];

/** A job as a history the page read holds it, and when its page was read. */
export function fromHistory(queryClient: QueryClient, id: string): { job: Job; readAt: number } | undefined {
  for (const [, pages] of queryClient.getQueriesData<HistoryPages>({ queryKey: keys.histories })) {
    for (const page of pages?.pages ?? []) {
      const job = page.items.find((each) => each.id === id);
      if (job) return { job, readAt: page.readAt };
    }
  }
  return undefined;
}

/** The job as just answered, in place of the history's older read of it. */
export function putInHistory(queryClient: QueryClient, job: Job): void {
  queryClient.setQueryData<HistoryPages>(keys.history(job.identity_id), (pages) =>
    pages === undefined
      ? pages
      : { ...pages, pages: pages.pages.map((page) => ({ ...page, items: page.items.map((item) => (item.id === job.id ? job : item)) })) },
  );
}

/** When the identities the cache holds of each user were asked for, by query cache. */
const identitiesAskedAtOf = new WeakMap<QueryClient, Map<string, number>>();

/** The identities of `userId` were asked for at `at` (`Date.now()` as the read went), and
 * answered: see `identitiesAskedAt`. */
export function identitiesAsked(queryClient: QueryClient, userId: string, at: number): void {
  let askedAt = identitiesAskedAtOf.get(queryClient);
  if (!askedAt) identitiesAskedAtOf.set(queryClient, (askedAt = new Map()));
  askedAt.set(userId, at);
}

/**
 * When the identities of `userId` the cache holds were asked for, not when their answer came:
 * a save that landed in between may be missing from it, however late it came (an answer a
 * loaded host took a second over said the image a save replaced as it came; see
 * `currentImageJobId`); one that landed before is in it. Undefined for identities no read of
 * this page's answered (put in the cache by hand).
 */
export function identitiesAskedAt(queryClient: QueryClient, userId: string | null): number | undefined {
  return userId === null ? undefined : identitiesAskedAtOf.get(queryClient)?.get(userId);
}

/** Read the identities again: a save changed (or may have changed) one's image. */
export function refreshIdentities(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: ["identity-images", "identities"] });
}

/**
 * A save the page saw land: its identity shows the job's image at once, from the job's own
 * URLs (its image path the output's key, which names the job), wherever the identities read
 * hold it; then they are read again, which confirms it (or says what the host did instead).
 * Until that read comes, an identity shown with its old image would say the save did nothing.
 * Not where the identities were asked for after it landed: they say it already, or the save
 * that replaced it (a history read that first sees a save end after its Undo landed put the
 * undone image back).
 */
export function showSaved(queryClient: QueryClient, job: Job): void {
  const output = job.output;
  const landedAt = Date.parse(job.apply?.applied_at ?? "");
  if (job.apply?.status === "applied" && output) {
    const saved = (identity: HostIdentity): HostIdentity =>
      identity.id === job.identity_id
        ? {
            ...identity,
            image_path: output.key,
            image_url: output.url,
            image_preview_url: output.preview_url,
            image_renditions: renditionsOf(job),
          }
        : identity;
    for (const [queryKey, list] of queryClient.getQueriesData<HostIdentity[]>({ queryKey: ["identity-images", "identities"] })) {
      const userId = typeof queryKey[2] === "string" ? queryKey[2] : null;
      if (list === undefined || (identitiesAskedAt(queryClient, userId) ?? -Infinity) > landedAt) continue;
      queryClient.setQueryData<HostIdentity[]>(queryKey, list.map(saved));
    }
  }
  refreshIdentities(queryClient);
}

/** A change to `job` may have gone through without its answer: read the job again where the
 * page shows it (a card, its history row), as the service has it now. */
export function refreshAfterUnanswered(queryClient: QueryClient, job: Job): void {
  void queryClient.invalidateQueries({ queryKey: keys.job(job.id) });
  void refreshHistory(queryClient, job.identity_id);
}

/** Read an identity's history again: a job of it started, ended or changed (or may have).
 * Its saved images too (read only while the Saved view shows them). */
export async function refreshHistory(queryClient: QueryClient, identityId: string): Promise<void> {
  // Awaited with the history's: a save is over for the page (its Save offered again) once both
  // say what it did; over sooner, an old save's tile said "then replaced" with Save for a moment.
  const saves = queryClient.invalidateQueries({ queryKey: keys.saved(identityId) });
  const queryKey = keys.history(identityId);
  const history = queryClient.getQueryCache().find({ queryKey, exact: true });
  // An older page on its way ("Show older generations") first: a read asked now would cancel it
  // (TanStack stops a running fetch to start the one asked), and the admin's click would come
  // to nothing. Then the history is read whole, that page too.
  if (history?.state.fetchStatus === "fetching" && history.state.fetchMeta?.fetchMore) {
    await history.promise?.catch(() => undefined);
  }
  await Promise.all([queryClient.invalidateQueries({ queryKey }), saves]);
}
