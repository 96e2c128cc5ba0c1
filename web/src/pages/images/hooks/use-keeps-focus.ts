/**
 * An element (a history row, a result card) that takes the focus when its focused control
 * goes away (Save once saved, Cancel once canceled), instead of the page: a keyboard or
 * screen-reader user stays where they were, and the page does not scroll under a mouse.
 * Spread the props on the element.
 */
import { useRef } from "react";
import { useFocusGoesTo } from "./use-focus-goes-to";

export function useKeepsFocus<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  return { ref, tabIndex: -1, ...useFocusGoesTo(ref) };
}
