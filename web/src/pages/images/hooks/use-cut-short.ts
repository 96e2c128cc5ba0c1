import { useLayoutEffect, useState, type RefObject } from "react";

import { measureAsResized } from "../resized";

/**
 * Whether the words in `element` are cut short by its box, as they are now and as its box
 * changes: wider than its one line (`"across"`), or taller than the lines it keeps (`"down"`,
 * a clamp). Not measured while they are shown `whole`; `text` is what they say (measured again
 * when it changes). For a "Show all" beside words a touch screen cannot read from a tooltip.
 */
export function useCutShort(element: RefObject<HTMLElement | null>, { text, whole, direction }: CutShort): boolean {
  const [cut, setCut] = useState(false);
  useLayoutEffect(() => {
    const box = element.current;
    if (!box || whole) return;
    const measure = () =>
      setCut(direction === "across" ? box.scrollWidth > box.clientWidth + 1 : box.scrollHeight > box.clientHeight + 1);
    return measureAsResized(measure, [box]);
  }, [element, text, whole, direction]);
  return cut;
}

interface CutShort {
  text: string;
  whole: boolean;
  direction: "across" | "down";
}
