/**
 * Whether an element of the form is hidden under a part that stays at the window's bottom (the
 * Generate bar): washed out in its fade or under it (`isUnder`, by default), or partly behind
 * the bar itself (`isBehind`). Kept true as the page scrolls (the window, or a host's own
 * scrolling box), the window resizes, or the form grows or shrinks above it (photos added).
 * On a 1366 by 768 laptop with three photos in, the prompt is under the bar on the first
 * screen: the bar then names it, so a press does not send words the admin has not seen; the
 * options behind it are hidden whole, as the bar names them too.
 */
import { useEffect, useState, type RefObject } from "react";

import { isUnder } from "../motion";
import { measureAsResized } from "../resized";

export function useHiddenUnder(
  cover: RefObject<HTMLElement | null>,
  element: RefObject<HTMLElement | null>,
  /** What holds both (the form), whose size changes move the element. */
  within: RefObject<HTMLElement | null>,
  /** What hidden means: in the fade or under the bar (`isUnder`), or behind the bar (`isBehind`). */
  hiddenWhen: (cover: HTMLElement, element: HTMLElement) => boolean = isUnder,
): boolean {
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    const measure = () => {
      const over = cover.current;
      const under = element.current;
      setHidden(over !== null && under !== null && hiddenWhen(over, under));
    };
    // Once a frame, however many scroll events come in it.
    let frame = 0;
    const soon = () => {
      if (frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        measure();
      });
    };
    document.addEventListener("scroll", soon, { capture: true, passive: true });
    globalThis.addEventListener("resize", soon);
    const stop = measureAsResized(measure, [document.documentElement, within.current, cover.current, element.current]);
    return () => {
      cancelAnimationFrame(frame);
      document.removeEventListener("scroll", soon, { capture: true });
      globalThis.removeEventListener("resize", soon);
      stop();
    };
  }, [cover, element, within, hiddenWhen]);
  return hidden;
}
