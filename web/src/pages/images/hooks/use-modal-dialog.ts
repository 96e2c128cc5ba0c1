import { useEffect, type RefObject } from "react";

import { keepPageStill } from "../stillPage";

/**
 * A `<dialog>` shown as a modal for as long as the component that holds it is mounted: opened
 * as it mounts, its first button focused; Escape is its own (a host page around the tab that
 * closes its own drawer on Escape does not get it too); the page behind stays still
 * (`keepPageStill`); and as it goes, the focus goes back to what opened it, or, when that went
 * meanwhile (a save from the dialog took its opener away), to the row, tile or card it was on.
 */
export function useModalDialog(ref: RefObject<HTMLDialogElement | null>): void {
  useEffect(() => {
    const dialog = ref.current;
    // React removes the dialog before closing it, so the browser cannot give the focus back.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // A save from here can take the opener away (a saved result offers no Compare): then the
    // focus goes back to the row, tile or card it was on (each keeps the focus: `useKeepsFocus`).
    const keeper = opener?.closest<HTMLElement>('[tabindex="-1"]') ?? null;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    }
    // The page behind stays where it was while the dialog is open (a modal stops clicks, not
    // a wheel over its backdrop), and is given back there.
    const giveBackScroll = dialog ? keepPageStill(dialog) : null;
    dialog?.querySelector("button")?.focus();
    // Escape closes the dialog (its `cancel`), and is the dialog's alone: a host's page around
    // the tab that closes its own drawer on Escape does not get it too.
    const ownEscape = (event: KeyboardEvent) => event.key === "Escape" && event.stopPropagation();
    dialog?.addEventListener("keydown", ownEscape);
    // Not `close()`: removing the dialog is enough, and a browser fires `close` later, which
    // under StrictMode's unmount and mount again would reach `onClose` once it is open again.
    return () => {
      dialog?.removeEventListener("keydown", ownEscape);
      giveBackScroll?.();
      if (opener?.isConnected) opener.focus();
      else if (keeper?.isConnected) keeper.focus({ preventScroll: true });
    };
    // Once, as it mounts: the ref is the same object for the component's life.
  }, [ref]);
}
