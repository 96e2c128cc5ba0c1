/**
 * An element (a history row, a result card) that takes the focus when its focused control
 * goes away (Save once saved, Cancel once canceled), instead of the page: a keyboard or
 * screen-reader user stays where they were, and the page does not scroll under a mouse.
 * Spread the props on the element.
 */
import { useEffect, useRef, type FocusEvent } from "react";

export function useKeepsFocus<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const focused = useRef<Element | null>(null);
  useEffect(() => {
    if (focused.current && !focused.current.isConnected && document.activeElement === document.body) {
      focused.current = null;
      ref.current?.focus({ preventScroll: true });
    }
  });
  return {
    ref,
    tabIndex: -1,
    onFocus: (event: FocusEvent<T>) => {
      focused.current = event.target;
    },
    onBlur: (event: FocusEvent<T>) => {
      // Gone to another control, not removed: nothing to give back.
      if (event.relatedTarget) focused.current = null;
    },
  };
}
