/**
 * "Show older generations": reads the history's next older page, then takes the admin to the
 * first job it brought that the view shows (a row, or a result tile), so the keyboard and the
 * eye go on where the list grew. A second click while the page is read (a double click) reads
 * nothing more. Put the ref on the history's section: the jobs' rows and tiles are found in it.
 */
import { useEffect, useRef, type RefObject } from "react";

import type { Job } from "../../../api/imageGeneration";
import { jobItem, takeAdminTo } from "../motion";

/** The history's older pages. `failed`: the last read did not answer (a refusal is not tried
 * again; a fault was, once). */
export interface OlderPages {
  load: () => void;
  loading: boolean;
  failed: boolean;
  /** How many jobs are read: more once the next page is. */
  read: number;
}

/** The older pages of a paged read (the history's, or the Saved view's), as `OlderPages`;
 * null once it holds them all. */
export function olderPages(read: {
  hasNextPage: boolean;
  fetchNextPage: () => unknown;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  data?: readonly unknown[] | undefined;
}): OlderPages | null {
  if (!read.hasNextPage) return null;
  return {
    // TanStack's own, the same function on every render: a seek's effect that depends on it
    // runs when the pages change, not on every render.
    load: read.fetchNextPage,
    loading: read.isFetchingNextPage,
    failed: read.isFetchNextPageError,
    read: read.data?.length ?? 0,
  };
}

export function useShowOlder(
  section: RefObject<HTMLElement | null>,
  jobs: Job[] | undefined,
  older: OlderPages | null,
): () => void {
  // The last job before the click, from the click until the read ends.
  const lastBefore = useRef<string | null>(null);
  const loadingOlder = older?.loading ?? false;
  useEffect(() => {
    const last = lastBefore.current;
    if (last === null || !jobs) return;
    const at = jobs.findIndex((job) => job.id === last);
    if (at + 1 >= jobs.length) return; // not read yet
    lastBefore.current = null;
    if (at < 0) return; // another identity's history
    const brought = jobs
      .slice(at + 1)
      .map((job) => jobItem(section.current, job.id))
      .find((item) => item !== null);
    if (brought) takeAdminTo(brought);
  }, [jobs, section]);
  // After the focus (effects run in order): a read that brought no row, or failed, frees
  // the next click.
  useEffect(() => {
    if (!loadingOlder) lastBefore.current = null; // read, or failed: the next click is new
  }, [loadingOlder]);
  return () => {
    if (!older || older.loading || lastBefore.current !== null) return;
    lastBefore.current = jobs?.at(-1)?.id ?? null;
    older.load();
  };
}
