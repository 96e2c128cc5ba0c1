/**
 * What the reference photos' one live region says: the photos that have just failed (an upload
 * that stopped, a check that refused a file), each by name and why, once. Not each tile as an
 * alert of its own: ten files of the wrong type dropped at once were ten alerts, and a list that
 * comes back with its stopped uploads (another user's, the page opened again) is read, not
 * announced: it says nothing until one of its photos fails.
 */
import { useState } from "react";

import type { ReferenceItem } from "../photos/photo";

type Status = ReferenceItem["status"];
type Unusable = Extract<ReferenceItem, { status: "failed" | "refused" }>;

const isUnusable = (item: ReferenceItem): item is Unusable => item.status === "failed" || item.status === "refused";
const wasUnusable = (status: Status | undefined) => status === "failed" || status === "refused";

export function usePhotoFailuresSaid(items: readonly ReferenceItem[]): string {
  const statuses = new Map(items.map((item) => [item.id, item.status]));
  const [seen, setSeen] = useState(() => ({ statuses, said: "" }));
  if (!sameStatuses(seen.statuses, statuses)) {
    // Another list (another user's): none of its photos was seen before; an empty one is no list.
    const sameList = seen.statuses.size === 0 || items.some((item) => seen.statuses.has(item.id));
    const failed = sameList ? items.filter(isUnusable).filter((item) => !wasUnusable(seen.statuses.get(item.id))) : [];
    const said = failed.length > 0 ? failed.map((item) => `${item.name}: ${item.error}`).join(" ") : seen.said;
    setSeen({ statuses, said });
    return said;
  }
  return seen.said;
}

function sameStatuses(a: ReadonlyMap<string, Status>, b: ReadonlyMap<string, Status>): boolean {
  return a.size === b.size && [...a].every(([id, status]) => b.get(id) === status);
}
