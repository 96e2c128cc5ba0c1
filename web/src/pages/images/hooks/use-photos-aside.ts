/**
 * Each user's reference photos, put aside while another user is chosen (another user is
 * another person: the form is not theirs), and kept across a reload too (see `keepAside`).
 * Read from the session at the first switch of user, not on every render (as a ref's
 * initial value would be).
 */
import { useCallback, useRef, useState } from "react";

import { asideItems, keepAside } from "../photos/kept";
import type { ReferenceItem } from "../photos/photo";
import { isStringOrNull, useSessionState } from "./use-session-state";

/** Whose photos the form says went aside, kept across a reload with the photos themselves. */
const SAID_ASIDE = "photosAsideOf";

export function usePhotosAside() {
  // By user id.
  const aside = useRef<Map<string, ReferenceItem[]> | null>(null);
  // Whose photos were put aside (their name), while none of this user's came back nor were added.
  const [othersPutAside, setOthersPutAside] = useSessionState<string | null>(SAID_ASIDE, null, isStringOrNull);
  // Whose photos the last switch of user brought back, and how many; null when none came.
  const [cameBack, setCameBack] = useState<{ name: string; count: number } | null>(null);

  /** Every photo put aside, whoever's. */
  const held = useCallback((): ReferenceItem[] => [...(aside.current?.values() ?? [])].flat(), []);

  /** Puts the `form`'s photos aside for `from` (none when no user was chosen), and gives back
   * `to`'s, as that user left them (none when there are none). */
  const swap = useCallback(
    (from: { id: string; name: string } | null, form: ReferenceItem[], to: { id: string; name: string }): ReferenceItem[] => {
      const all = (aside.current ??= asideItems());
      if (from !== null && form.length > 0) all.set(from.id, form);
      const back = all.get(to.id) ?? [];
      all.delete(to.id);
      keepAside(all);
      setOthersPutAside(back.length === 0 && form.length > 0 ? (from?.name ?? null) : null);
      setCameBack(back.length > 0 ? { name: to.name, count: back.length } : null);
      return back;
    },
    [setOthersPutAside],
  );

  /** Photos came into the form: it no longer says whose went aside. */
  const clearOthersPutAside = useCallback(() => setOthersPutAside(null), [setOthersPutAside]);

  /** Each photo put aside with a thumbnail of its own again (see `withThumbnail`). */
  const remakeThumbnails = useCallback((withThumbnail: (item: ReferenceItem) => ReferenceItem) => {
    const all = aside.current;
    all?.forEach((photos, user) => all.set(user, photos.map(withThumbnail)));
  }, []);

  return { othersPutAside, cameBack, held, swap, clearOthersPutAside, remakeThumbnails };
}
