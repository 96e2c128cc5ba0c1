/**
 * "Show the saved one": where the identity's image came from, one click away though its
 * generation is pages down. Reads older pages until the saved job's row is read, then takes
 * the admin there (its row, or its tile, centred and focused). Not offered once it is read:
 * its badge says. A page that fails on the way is said, and the button is back; a history
 * that ends without it says it is no longer there. Put the ref on the history's section: the
 * saved job's row or tile is found in it.
 */
import { useEffect, useRef, useState, type RefObject } from "react";

import type { Job } from "../../../api/imageGeneration";
import { jobItem, takeAdminTo } from "../motion";
import type { OlderPages } from "./use-show-older";

export function useSeekSaved(
  section: RefObject<HTMLElement | null>,
  jobs: Job[] | undefined,
  older: OlderPages | null,
  savedJobId: string | null,
) {
  const savedRead = savedJobId !== null && (jobs ?? []).some((job) => job.id === savedJobId);
  // The saved job asked for (this identity's: another's is no longer sought).
  const [sought, setSought] = useState<string | null>(null);
  // The saved job an older page's read failed on the way to: said, and the button is back.
  const [notFound, setNotFound] = useState<string | null>(null);
  const seeking = sought !== null && sought === savedJobId && !savedRead && older !== null;
  const soughtInVain = sought !== null && sought === savedJobId && !savedRead && older === null;
  const loadOlder = older?.load;
  const olderLoading = older?.loading ?? false;
  const olderFailed = older?.failed ?? false;
  const jobsRead = older?.read ?? 0;
  // The next page once one is read; none once one failed: the failure stands until the
  // next read, and asking again at once would ask forever (a refusal is refused again).
  // Ended as it renders (React's way to adjust state to what it reads), not in an effect.
  const failedOnTheWay = seeking && !olderLoading && olderFailed;
  if (failedOnTheWay) {
    setNotFound(sought);
    setSought(null);
  }
  // Once per page read, though its read was too quick for a render to see it loading.
  useEffect(() => {
    if (seeking && !olderLoading && !olderFailed) loadOlder?.();
  }, [seeking, olderLoading, olderFailed, loadOlder, jobsRead]);
  // The click reads the first page itself: a failure of an earlier read must not end this seek
  // before it starts.
  const seek = () => {
    if (!older || savedJobId === null) return;
    setNotFound(null);
    setSought(savedJobId);
    if (!older.loading) older.load();
  };
  const broughtTo = useRef<string | null>(null);
  useEffect(() => {
    if (sought === null || !savedRead || sought !== savedJobId || broughtTo.current === sought) return;
    broughtTo.current = sought;
    const item = jobItem(section.current, sought);
    if (item) takeAdminTo(item, { centred: true });
  }, [sought, savedRead, savedJobId, section]);
  const offered = savedJobId !== null && !savedRead && (older !== null || seeking) && !soughtInVain;
  return {
    /** The button is shown: the saved job is not read yet, and there are older pages to read. */
    offered,
    /** Reading older pages for it (the button is off and says so). */
    seeking,
    /** The last seek's page failed on the way: said beside the button, to try again. */
    failed: offered && notFound === savedJobId && !seeking,
    /** The history holds every job, and not the saved one's: said instead of the button. */
    gone: soughtInVain,
    seek,
  };
}
