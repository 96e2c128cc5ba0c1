import { onlineManager, type UseQueryResult } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

import { messageOf, OFFLINE } from "../errors";

/** Whether the browser says it is online (TanStack pauses its queries while it is not). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    (notify) => onlineManager.subscribe(notify),
    () => onlineManager.isOnline(),
  );
}

/**
 * Why the page may show an out-of-date state, or null: the browser is offline (TanStack
 * then waits, and fails nothing), or a poll failed while the page still shows what it read
 * before.
 */
export function lostContact(online: boolean, polls: readonly Pick<UseQueryResult, "isRefetchError" | "error">[]): string | null {
  if (!online) return OFFLINE;
  const failed = polls.find((query) => query.isRefetchError);
  return failed ? messageOf(failed.error) : null;
}
