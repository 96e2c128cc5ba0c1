/**
 * Where the focus goes when the control that had it is removed (Save once saved, Undo once
 * undone, Generate again once the form changed): to `target`, not the page, so a keyboard or
 * screen-reader user stays where they were and the page does not scroll under a mouse.
 *
 * Spread the props on the control, or on an element around the controls (a card, a row): its
 * focus events bubble. The focus goes only if nothing holds it (the page, or the removed control
 * itself: Chrome may still name it as focused until its next rendering update, which a loaded
 * machine's effects can run before), or if `over` holds it: an element that took it first as
 * the control went (a card that keeps the focus itself, `useKeepsFocus`) and gives it on. A
 * control the admin went to meanwhile keeps it.
 */
import { useEffect, useRef, type RefObject } from "react";

export interface FocusGoesToOptions {
  /** What may hold the focus as the control went and still give it to `target`. */
  over?: (target: HTMLElement) => Element | null;
}

export function useFocusGoesTo(target: RefObject<HTMLElement | null>, { over }: FocusGoesToOptions = {}) {
  // The control, while it has the focus.
  const focused = useRef<Element | null>(null);
  useEffect(() => {
    const control = focused.current;
    if (control === null || control.isConnected) return;
    focused.current = null;
    const next = target.current;
    const active = document.activeElement;
    const free =
      active === null ||
      active === document.body ||
      !active.isConnected ||
      (next !== null && active === over?.(next));
    if (next && free) next.focus({ preventScroll: true });
  });
  return {
    onFocus: (event: { target: EventTarget }) => {
      focused.current = event.target instanceof Element ? event.target : null;
    },
    onBlur: (event: { relatedTarget: EventTarget | null }) => {
      // Gone to another control, not removed: nothing to give on.
      if (event.relatedTarget) focused.current = null;
    },
  };
}
