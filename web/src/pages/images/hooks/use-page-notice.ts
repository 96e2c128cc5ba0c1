/**
 * The page's own notices (the session ended, contact lost) stay at the window's top as the
 * admin scrolls (`.pageNotice` is sticky). What the page brings into view must come to rest
 * under such a notice, not behind it: the notice on screen says how much of the window's top
 * it takes, the page's root holds it as `--ii-notice-room`, and every scroll margin of the
 * page adds it (see ui.module.css). Its height is measured, not assumed: its words take three
 * lines on a phone, one on a laptop.
 */
import { createContext, useContext, useLayoutEffect, useRef } from "react";

/** Told, in px, how much of the window's top the page's notice takes (0: none shows). */
export const NoticeRoom = createContext<(px: number) => void>(() => undefined);

/** Put the ref on a sticky page notice. */
export function usePageNotice<T extends HTMLElement>() {
  const tell = useContext(NoticeRoom);
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    const notice = ref.current;
    if (!notice) return;
    // Its height, and the gap it keeps to the window's edge (its sticky `top`).
    const measure = () => tell(notice.offsetHeight + (parseFloat(getComputedStyle(notice).top) || 0));
    measure();
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(measure);
    observer?.observe(notice);
    return () => {
      observer?.disconnect();
      tell(0);
    };
  }, [tell]);
  return ref;
}
