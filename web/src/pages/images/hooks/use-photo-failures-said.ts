/**
 * What the reference photos' one live region says: the photos that have just failed (an upload
 * that stopped, a check that refused a file), each by name and why, once. Not each tile as an
 * alert of its own: ten files of the wrong type dropped at once were ten alerts, and a list that
 * comes back with its stopped uploads (another user's, the page opened again) is read, not
 * announced: it says nothing until one of its photos fails. A photo refused again for a truer
 * reason (a text file named .jpg, which the browser could not draw before its bytes were read:
 * "Not a real JPEG.") is said again, so the region and its tile agree. Photos refused together
 * are said together. The words go once a photo they name leaves the list, and a few seconds after
 * they were said (`useSaidAWhile`): left in the region, they were read long after.
 */
import { useCallback, useState } from "react";

import type { ReferenceItem } from "../photos/photo";
import { differently } from "../said";
import { useSaidAWhile } from "./use-said-a-while";

type Unusable = Extract<ReferenceItem, { status: "failed" | "refused" }>;
/** Why a photo cannot be used; null while it can. */
type Reason = string | null;

const isUnusable = (item: ReferenceItem): item is Unusable => item.status === "failed" || item.status === "refused";
const reasonOf = (item: ReferenceItem): Reason => (isUnusable(item) ? item.error : null);

export function usePhotoFailuresSaid(items: readonly ReferenceItem[]): string {
  const reasons = new Map(items.map((item) => [item.id, reasonOf(item)]));
  const [seen, setSeen] = useState(() => ({ reasons, said: "", saidIds: new Set<string>() }));
  useSaidAWhile(seen.said, useCallback(() => setSeen((last) => ({ ...last, said: "", saidIds: new Set<string>() })), []));
  if (!sameReasons(seen.reasons, reasons)) {
    // Another list (another user's): none of its photos was seen before; an empty one is no list.
    const sameList = seen.reasons.size === 0 || items.some((item) => seen.reasons.has(item.id));
    const failed = sameList ? items.filter(isUnusable).filter((item) => seen.reasons.get(item.id) !== item.error) : [];
    const samePhotos = sameIds(seen.reasons, reasons);
    if (failed.length === 0) {
      const namesAGoner = [...seen.saidIds].some((id) => !reasons.has(id));
      const said = namesAGoner ? "" : seen.said;
      setSeen({ reasons, said, saidIds: samePhotos ? seen.saidIds : new Set() });
      return said;
    }
    // Files refused together are said together, though found at different moments (a type at
    // once, a text file named .jpg once its bytes are read): the second would cut the first
    // off. Only refusals, and only while the list holds the same photos: an upload that fails
    // later says itself alone.
    const refusing = samePhotos && failed.every((item) => item.status === "refused");
    const stillSaid = refusing
      ? items.filter(isUnusable).filter((item) => item.status === "refused" && seen.saidIds.has(item.id) && !failed.includes(item))
      : [];
    const now = [...stillSaid, ...failed];
    const said = differently(now.map((item) => `${item.name}: ${item.error}`).join(" "), seen.said);
    setSeen({ reasons, said, saidIds: new Set(now.map((item) => item.id)) });
    return said;
  }
  return seen.said;
}

function sameIds(a: ReadonlyMap<string, Reason>, b: ReadonlyMap<string, Reason>): boolean {
  return a.size === b.size && [...b.keys()].every((id) => a.has(id));
}

function sameReasons(a: ReadonlyMap<string, Reason>, b: ReadonlyMap<string, Reason>): boolean {
  return a.size === b.size && [...a].every(([id, reason]) => b.has(id) && b.get(id) === reason);
}
