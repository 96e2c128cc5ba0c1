/**
 * The page's own notices (the session ended, contact lost, clicks left running elsewhere) stay
 * at the window's foot as the admin scrolls (`PageNotices` is sticky). What the page brings
 * into view must come to rest above them, not behind them: the notices on screen say how much
 * of the window's foot they take, the page's root holds it as `--ii-notice-room`, and every
 * scroll margin of the page adds it (see ui.module.css). Their height is measured, not
 * assumed: the offline notice's words take three lines on a phone, one on a laptop; with none
 * they take nothing.
 */
import { createContext, useContext, useLayoutEffect, useRef } from "react";

import { measureAsResized } from "../resized";

/** Told, in px, how much of the window's foot the page's notices take (0: none shows). */
export const NoticeRoom = createContext<(px: number) => void>(() => undefined);

/** Put the ref on the page's sticky notices. */
export function usePageNotice<T extends HTMLElement>() {
  const tell = useContext(NoticeRoom);
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    const notices = ref.current;
    if (!notices) return;
    // Their height, and the gap they keep to the window's edge (their sticky `bottom`).
    const measure = () => {
      const height = notices.offsetHeight;
      tell(height > 0 ? height + (parseFloat(getComputedStyle(notices).bottom) || 0) : 0);
    };
    const stop = measureAsResized(measure, [notices]);
    return () => {
      stop();
      tell(0);
    };
  }, [tell]);
  return ref;
}
