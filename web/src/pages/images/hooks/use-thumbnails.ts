/**
 * The object URLs of the reference photos' thumbnails. Made here, never while rendering
 * (React may render twice): the page owns them, lets each go once no photo it holds shows
 * it (removed; replaced, and no Undo left), and all of them as it goes; the photos it finds
 * on its return get theirs again from their kept files.
 */
import { useCallback, useLayoutEffect, useRef } from "react";

import { thumbnailOf } from "../photos/checks";
import type { ReferenceItem } from "../photos/photo";

export function useThumbnails() {
  const made = useRef(new Set<string>());
  /** A thumbnail of `file`, the page's until it lets it go; null for one the browser cannot draw. */
  const thumbnail = useCallback((file: File): string | null => {
    const url = thumbnailOf(file);
    if (url) made.current.add(url);
    return url;
  }, []);
  /** The photo with a thumbnail of its own file, when it shows one and has none alive. */
  const withThumbnail = useCallback(
    (item: ReferenceItem): ReferenceItem => {
      if (!item.file || item.status === "refused" || (item.thumbnailUrl && made.current.has(item.thumbnailUrl))) return item;
      const url = thumbnail(item.file);
      return url ? { ...item, thumbnailUrl: url } : item;
    },
    [thumbnail],
  );
  /** Lets go of every thumbnail none of `held` shows. */
  const letGoExcept = useCallback((held: readonly ReferenceItem[]) => {
    const shown = new Set(held.map((item) => item.thumbnailUrl));
    for (const url of made.current) {
      if (shown.has(url)) continue;
      URL.revokeObjectURL(url);
      made.current.delete(url);
    }
  }, []);
  // All of them as the page goes (and at StrictMode's rehearsed unmount, after which the page
  // makes them again).
  useLayoutEffect(() => {
    const urls = made.current;
    return () => {
      for (const url of urls) URL.revokeObjectURL(url);
      urls.clear();
    };
  }, []);
  return { thumbnail, withThumbnail, letGoExcept };
}
