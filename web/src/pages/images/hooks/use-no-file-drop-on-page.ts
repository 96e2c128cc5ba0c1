import { useEffect, type RefObject } from "react";

import { PAGE_ROOT } from "../pageRoot";

/** A file dropped on the page beside the photos' box (which takes it) is not opened by the
 * browser in place of the tab; a drop on the host's page around it is the host's. */
export function useNoFileDropOnPage(photos: RefObject<HTMLElement | null>) {
  useEffect(() => {
    const onDrag = (event: DragEvent) => {
      const page = photos.current?.closest(PAGE_ROOT) ?? null;
      const carriesFiles = event.dataTransfer?.types.includes("Files") ?? false;
      if (carriesFiles && event.target instanceof Node && page?.contains(event.target)) event.preventDefault();
    };
    document.addEventListener("dragover", onDrag);
    document.addEventListener("drop", onDrag);
    return () => {
      document.removeEventListener("dragover", onDrag);
      document.removeEventListener("drop", onDrag);
    };
  }, [photos]);
}
