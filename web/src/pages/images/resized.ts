/**
 * Calls `measure` now, and again each time one of `boxes` changes size (never in a document
 * with no layout, as a test's: there is no `ResizeObserver`); returns what stops it. For an
 * effect that keeps a measure of the page true as the window, a host's banner or a box's
 * contents change it.
 */
export function measureAsResized(measure: () => void, boxes: readonly (Element | null)[]): () => void {
  measure();
  if (typeof ResizeObserver === "undefined") return () => undefined;
  const observer = new ResizeObserver(() => measure());
  for (const box of boxes) if (box) observer.observe(box);
  return () => observer.disconnect();
}
