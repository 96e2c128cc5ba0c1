import { queryOptions, skipToken, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

import type { HostIdentity, ImageGenerationApi } from "../../../api/imageGeneration";
import { isGone } from "../errors";
import { identitiesAsked, keys, POLL_MS, urlRefreshMs } from "../queryCache";
import { useApi } from "./use-api";

/** The host's users, the caller first. */
export const usersRead = (api: ImageGenerationApi) =>
  queryOptions({ queryKey: keys.users, queryFn: ({ signal }) => api.listUsers(signal), staleTime: 60_000 });

/** One user's identities (none read for no user), each image keeping the URLs it was first
 * read with while they are fresh (see `keptImageUrls`). */
export const identitiesRead = (api: ImageGenerationApi, queryClient: QueryClient, userId: string | null) =>
  queryOptions({
    queryKey: keys.identities(userId),
    queryFn:
      userId === null
        ? skipToken
        : async ({ signal }) => {
            const asked = Date.now();
            const identities = keptImageUrls(queryClient, await api.listIdentities(userId, signal));
            identitiesAsked(queryClient, userId, asked);
            return identities;
          },
    staleTime: 30_000,
  });

/** Each identity's image URLs as first read, with its path and when, by query cache. */
const imageUrlsOf = new WeakMap<QueryClient, Map<string, KeptImageUrls>>();

interface KeptImageUrls {
  path: string;
  url: HostIdentity["image_url"];
  preview: HostIdentity["image_preview_url"];
  renditions: HostIdentity["image_renditions"];
  at: number;
}

/**
 * `identities` with the image URLs of an earlier read where the image is the same (its path)
 * and those URLs are fresh (`urlRefreshMs`): each read signs new ones for the same image, and
 * the browser downloaded the identity's picture again at each (a switch back to a user whose
 * identities are 30 s old reads them again).
 */
function keptImageUrls(queryClient: QueryClient, identities: HostIdentity[]): HostIdentity[] {
  let kept = imageUrlsOf.get(queryClient);
  if (!kept) imageUrlsOf.set(queryClient, (kept = new Map()));
  const now = Date.now();
  const keepFor = urlRefreshMs(queryClient);
  return identities.map((identity) => {
    const path = identity.image_path;
    if (!path) return identity;
    const before = kept.get(identity.id);
    if (before && before.path === path && now - before.at < keepFor) {
      return { ...identity, image_url: before.url, image_preview_url: before.preview, image_renditions: before.renditions };
    }
    kept.set(identity.id, {
      path,
      url: identity.image_url,
      preview: identity.image_preview_url,
      renditions: identity.image_renditions,
      at: now,
    });
    return identity;
  });
}

/** How long after a read of `identities` (at `readAt`) their images' URLs are to be renewed:
 * when the oldest of them, kept from an earlier read, is as old as `urlRefreshMs`. Counted from
 * the read, so that it is the same at every render until the next. */
function urlsRenewIn(queryClient: QueryClient, identities: readonly HostIdentity[], readAt: number): number {
  const keepFor = urlRefreshMs(queryClient);
  const kept = imageUrlsOf.get(queryClient);
  const firstRead = identities.map((identity) => kept?.get(identity.id)?.at ?? readAt);
  return Math.max(POLL_MS, Math.min(readAt, ...firstRead) + keepFor - readAt);
}

export function useUsers() {
  const api = useApi();
  // An error stays said where it shows, not read again by each part that mounts after it; but
  // read again while it cannot be read, as the identities are: the page is nothing without the
  // users, and it comes back by itself once the service (or the host app behind it) answers.
  return useQuery({
    ...usersRead(api),
    retryOnMount: false,
    // Not a refusal (403, 404): asked again, it would be refused again.
    refetchInterval: (query) => (query.state.status === "error" && !isGone(query.state.error) ? POLL_MS : false),
  });
}

export function useIdentities(userId: string | null) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useQuery({
    ...identitiesRead(api, queryClient, userId),
    // Read again while it cannot be read, as the history is: the page waits on it (no identity,
    // no Generate), and a focus or a reconnect that would read it again may be long in coming.
    // Else before the images' URLs expire, on a page left open: each identity's image opens.
    refetchInterval: (query) =>
      query.state.status === "error" ? POLL_MS : urlsRenewIn(queryClient, query.state.data ?? [], query.state.dataUpdatedAt),
  });
}
