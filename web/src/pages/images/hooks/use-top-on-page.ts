/**
 * How far down the page an element starts, kept on it as `--ii-top-on-page` (px), so its
 * styles can size what it holds to the window left under it. The result cards use it: a
 * picture and its Save fit the first screen under whatever is above them, the host's header
 * of any height, the page's title, a notice. Measured on the page, not on the screen (a
 * scroll changes nothing), again whenever the page's layout changes (the document's box
 * resizes: the window, a notice shown above, a host's banner).
 */
import { useLayoutEffect, useRef } from "react";

export const TOP_ON_PAGE = "--ii-top-on-page";

/** Put the ref on the element to measure. */
export function useTopOnPage<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    let told = "";
    const measure = () => {
      const top = `${Math.round(element.getBoundingClientRect().top + window.scrollY)}px`;
      if (top === told) return;
      told = top;
      element.style.setProperty(TOP_ON_PAGE, top);
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(document.documentElement);
    return () => observer.disconnect();
  }, []);
  return ref;
}
