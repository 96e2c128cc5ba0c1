import { queryOptions, skipToken, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ImageGenerationApi } from "../../../api/imageGeneration";
import { isGone } from "../errors";
import { keys, POLL_MS, urlRefreshMs } from "../queryCache";
import { useApi } from "./use-api";

/** The host's users, the caller first. */
export const usersRead = (api: ImageGenerationApi) =>
  queryOptions({ queryKey: keys.users, queryFn: ({ signal }) => api.listUsers(signal), staleTime: 60_000 });

/** One user's identities (none read for no user). */
export const identitiesRead = (api: ImageGenerationApi, userId: string | null) =>
  queryOptions({
    queryKey: keys.identities(userId),
    queryFn: userId === null ? skipToken : ({ signal }) => api.listIdentities(userId, signal),
    staleTime: 30_000,
  });

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
    ...identitiesRead(api, userId),
    // Read again while it cannot be read, as the history is: the page waits on it (no identity,
    // no Generate), and a focus or a reconnect that would read it again may be long in coming.
    // Else before the images' URLs expire, on a page left open: each identity's image opens.
    refetchInterval: (query) => (query.state.status === "error" ? POLL_MS : urlRefreshMs(queryClient)),
  });
}
