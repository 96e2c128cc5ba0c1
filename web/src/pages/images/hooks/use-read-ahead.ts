import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { useApi } from "./use-api";
import { lastChosenUser } from "./use-subject";
import { identitiesRead, usersRead } from "./use-users";

/**
 * The page's first reads, asked for together. The page waits for its settings, then for the
 * users, then for the identities of the user it opens on: read one after the other, a reload
 * waited three round trips before it could ask for the history. The users, and the
 * identities of the user last chosen here, are asked for with the settings instead: one round
 * trip. (A first visit still waits for the users to know whose identities to read.)
 */
export function useReadAhead(): void {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    void queryClient.prefetchQuery(usersRead(api));
    const user = lastChosenUser();
    if (user !== null) void queryClient.prefetchQuery(identitiesRead(api, user));
  }, [api, queryClient]);
}
