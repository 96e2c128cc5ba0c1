import { useEffect, type RefObject } from "react";

import { PAGE_ROOT } from "../pageRoot";

/** Paste anywhere on the page adds the clipboard's images; in a text field, only an image
 * with no text (a text paste stays the field's). Not a paste in the host's page around it (its
 * own editor, or its chrome: a paste with nothing focused goes to the page only when the page
 * is where the admin last clicked or tabbed), nor in a dialog over the page (Compare) or a box
 * of the page's own (Refine): an image pasted there is not for the reference photos. */
export function usePastedPhotos(add: (files: File[]) => unknown, disabled: boolean, photos: RefObject<HTMLElement | null>) {
  useEffect(() => {
    if (disabled) return;
    // Where the admin last pressed or moved the focus, since the page opened.
    let touched: EventTarget | null = null;
    const onTouch = (event: Event) => {
      touched = event.target;
    };
    const onPaste = (event: ClipboardEvent) => {
      const target = event.target instanceof Element ? event.target : null;
      const lastTouched = touched instanceof Node ? touched : null;
      if (!pastedOnThePage(target, photos.current?.closest(PAGE_ROOT) ?? null, lastTouched)) return;
      const inField = target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement;
      if (inField && event.clipboardData?.getData("text/plain")) return;
      const files = Array.from(event.clipboardData?.files ?? []);
      if (files.length === 0) return;
      event.preventDefault();
      add(files);
    };
    document.addEventListener("pointerdown", onTouch, true);
    document.addEventListener("focusin", onTouch, true);
    document.addEventListener("paste", onPaste);
    return () => {
      document.removeEventListener("pointerdown", onTouch, true);
      document.removeEventListener("focusin", onTouch, true);
      document.removeEventListener("paste", onPaste);
    };
  }, [add, disabled, photos]);
}

/** Nothing focused (the document's body) when the page is where the admin last pressed or
 * tabbed (or nowhere yet), or a place on the page that is not in a dialog or a form (the page's
 * form is a section; its forms are the Refine boxes). */
function pastedOnThePage(target: Element | null, page: Element | null, lastTouched: Node | null): boolean {
  if (target === null || target === document.body || target === document.documentElement) {
    return lastTouched === null || (page?.contains(lastTouched) ?? false);
  }
  return page !== null && page.contains(target) && target.closest("dialog, form") === null;
}
