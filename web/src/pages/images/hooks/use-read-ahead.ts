import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { useApi } from "./use-api";
import { historyRead } from "./use-history";
import { lastChosen } from "./use-subject";
import { identitiesRead, usersRead } from "./use-users";

/**
 * The page's first reads, asked for together. The page waits for its settings, then for the
 * users, then for the identities of the user it opens on, then for that identity's history:
 * read one after the other, a reload waited four round trips before it showed the history.
 * The users, and the identities and the history last chosen here, are asked for with the
 * settings instead: one round trip. (A first visit still waits for the users to know whose
 * identities to read, and for them to know which history. The history, shown as read ahead,
 * is read again as the page mounts: it is never taken for fresh.)
 */
export function useReadAhead(): void {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    void queryClient.prefetchQuery(usersRead(api));
    const { user, identity } = lastChosen();
    if (user !== null) void queryClient.prefetchQuery(identitiesRead(api, queryClient, user));
    if (identity !== null) void queryClient.prefetchInfiniteQuery(historyRead(api, queryClient, identity));
  }, [api, queryClient]);
}
