import { onlineManager, type UseQueryResult } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

import { isGone, isLate, isOutOfReach, messageOf, OFFLINE } from "../errors";

/** Whether the browser says it is online (TanStack pauses its queries while it is not). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    (notify) => onlineManager.subscribe(notify),
    () => onlineManager.isOnline(),
  );
}

type Poll = Pick<UseQueryResult, "isRefetchError" | "isLoadingError" | "error" | "isSuccess" | "failureReason">;

/**
 * Why the page may show an out-of-date state, or null: the browser is offline (TanStack
 * then waits, and fails nothing), or a poll failed while the page still shows what it read
 * before. A poll that got no answer in time counts at once, before TanStack's retry: it has
 * waited long already (`READ_TIMEOUT_MS`), and the retry may wait as long again (`isLate`;
 * one answered at once with its body broken on the way waits for the retry, as any other fault).
 * So does any first read that could not reach the service (a user's identities, an identity's
 * history, a job shown): the page has nothing to show for it, and the reason is the
 * connection's, not that read's (one refused for what it asked says so where it shows).
 */
export function lostContact(online: boolean, polls: readonly Poll[]): string | null {
  if (!online) return OFFLINE;
  for (const query of polls) {
    // A job that is gone (404, 403) is not read again: that is no lost contact.
    if (query.isRefetchError && !isGone(query.error)) return messageOf(query.error);
    if (query.isLoadingError && isOutOfReach(query.error)) return messageOf(query.error);
    if (query.isSuccess && isLate(query.failureReason)) return messageOf(query.failureReason);
  }
  return null;
}
