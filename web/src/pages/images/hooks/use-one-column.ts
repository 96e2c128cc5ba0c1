/**
 * Whether a grid lays its items one a row (a phone's pane): measured on the grid as it is drawn,
 * again as its width changes. Unknown (no layout: a test's document) is not one column.
 */
import { useLayoutEffect, useRef, useState } from "react";

import { measureAsResized } from "../resized";

/** Put the ref on the grid. */
export function useOneColumn<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [oneColumn, setOneColumn] = useState(false);
  useLayoutEffect(() => {
    const grid = ref.current;
    if (!grid) return;
    const measure = () => {
      const columns = getComputedStyle(grid).gridTemplateColumns.trim();
      setOneColumn(columns !== "" && columns !== "none" && columns.split(/\s+/).length === 1);
    };
    return measureAsResized(measure, [grid]);
  }, []);
  return [ref, oneColumn] as const;
}
