/**
 * How far down the page an element starts, kept on it as `--ii-top-on-page` (px), so its
 * styles can size what it holds to the window left under it. The result cards use it: a
 * picture and its Save fit the first screen under whatever is above them, the host's header
 * of any height, the page's title, whose image it is. Measured on the page, not on the screen
 * (a scroll changes nothing: the window's, or that of a host's box the page scrolls in), again
 * whenever the page's layout changes (the document's or the page's box resizes: the window, a
 * host's banner).
 */
import { useLayoutEffect, useRef } from "react";

import { PAGE_ROOT } from "../pageRoot";
import { measureAsResized } from "../resized";

export const TOP_ON_PAGE = "--ii-top-on-page";
/** Where a click's own part of the result pane starts: the row above its cards (`ClickActions`),
 * when it shows, then the cards. */
export const CLICK_TOP_ON_PAGE = "--ii-click-top-on-page";

/** How far `element` is scrolled away from where it starts: the sum of the scroll of the boxes
 * around it (a host's main area that scrolls rather than the window; the window's is the root
 * element's). */
function scrolledBy(element: Element): number {
  let scrolled = 0;
  for (let box = element.parentElement; box; box = box.parentElement) scrolled += box.scrollTop;
  return scrolled;
}

/** Put the ref on the element to measure; `property` is the custom property it is kept in. */
export function useTopOnPage<T extends HTMLElement>(property: string = TOP_ON_PAGE) {
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    let told = "";
    const measure = () => {
      const top = `${Math.round(element.getBoundingClientRect().top + scrolledBy(element))}px`;
      if (top === told) return;
      told = top;
      element.style.setProperty(property, top);
    };
    // In a host whose own box scrolls, the document's size does not change with the page's.
    return measureAsResized(measure, [document.documentElement, element.closest(PAGE_ROOT)]);
  }, [property]);
  return ref;
}
