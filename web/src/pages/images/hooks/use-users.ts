import { skipToken, useQuery } from "@tanstack/react-query";

import { keys, POLL_MS } from "../queryCache";
import { useApi } from "./use-api";

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
    // Read again while it cannot be read, as the history is: the page waits on it (no identity,
    // no Generate), and a focus or a reconnect that would read it again may be long in coming.
    refetchInterval: (query) => (query.state.status === "error" ? POLL_MS : false),
  });
}
