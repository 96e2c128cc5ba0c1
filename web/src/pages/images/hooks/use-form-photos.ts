/**
 * The form's list of reference photos: the one React renders, and the same list ahead of its
 * next render (`current`), which checks and uploads read and change as they finish, between
 * renders. Kept across a reload (the uploaded photos are in S3 until UPLOAD_EXPIRY_DAYS), and
 * a reload that would lose some asks first.
 */
import { useCallback, useEffect, useRef, useState } from "react";

import { withChanged } from "../photos/form";
import { keepFormPhotos, keptItems } from "../photos/kept";
import type { ReferenceItem } from "../photos/photo";

/** `afterChange`: told of each change, with the list as it became. */
export function useFormPhotos(afterChange: (items: readonly ReferenceItem[]) => void) {
  // Photos uploaded before a reload come back.
  const [items, setItems] = useState<ReferenceItem[]>(keptItems);
  // The latest list, ahead of React's next render: checks and uploads finish between renders.
  const itemsRef = useRef(items);
  const current = useCallback(() => itemsRef.current, []);

  const update = useCallback(
    (change: (current: ReferenceItem[]) => ReferenceItem[]) => {
      itemsRef.current = change(itemsRef.current);
      setItems(itemsRef.current);
      afterChange(itemsRef.current);
    },
    [afterChange],
  );

  /** Changes one photo (`change` gives it as it becomes); a photo no longer in the list
   * (removed, put aside) is left alone, and the list stays the same list. */
  const patch = useCallback(
    (id: string, change: (item: ReferenceItem) => ReferenceItem) => update((current) => withChanged(current, id, change)),
    [update],
  );

  useEffect(() => {
    keepFormPhotos(items);
  }, [items]);

  // A reload or a closed tab loses a photo still on its way (its tile comes back, to add it
  // again, not its file), and one that did not upload (only its file here can be sent
  // again): the browser asks first.
  const unsent = items.some((item) => item.status === "uploading" || item.status === "failed");
  useEffect(() => {
    if (!unsent) return;
    const askFirst = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", askFirst);
    return () => window.removeEventListener("beforeunload", askFirst);
  }, [unsent]);

  return { items, current, update, patch };
}
