import type { UseQueryResult } from "@tanstack/react-query";
import { useState } from "react";

/**
 * Why a read failed, until it is read: also while it is read again, which TanStack shows as a
 * first load (pending, its error gone), so that its failure (an alert, a reason, the Try again
 * that has the focus) does not give way to "Loading…" and back at each try until the answer.
 * `of` names what is read (the user whose identities): another's failure is not kept.
 */
export function useFailure(read: Pick<UseQueryResult, "error" | "isFetching">, of: string | null = null): Error | null {
  const [kept, setKept] = useState<{ of: string | null; failure: Error | null }>({ of, failure: null });
  const held = kept.of === of ? kept.failure : null;
  const now = read.error ?? (read.isFetching ? held : null);
  if (now !== kept.failure || of !== kept.of) setKept({ of, failure: now });
  return now;
}
