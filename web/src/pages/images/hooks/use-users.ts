import { skipToken, useQuery } from "@tanstack/react-query";

import { keys } from "../queryCache";
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
  });
}
