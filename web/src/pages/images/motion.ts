/** How the page scrolls itself: smoothly, unless the admin asked their system for less
 * motion (a script's "smooth" ignores that setting; CSS's own scrolling would not). */
export function scrollBehavior(): ScrollBehavior {
  return globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}

/**
 * Brings `element` into view as little as it takes, and not at all when it is in view: the
 * page does not jump under the admin. One taller than the window is shown from its top (its
 * title, its first card), not its bottom, where "nearest" leaves it coming from below; and it
 * stays put while its top is in view: under a sticky page notice is not in view. (The scroll
 * margins keep it clear of that notice: see `usePageNotice`.)
 */
export function reveal(element: Element | null | undefined): void {
  if (!element?.scrollIntoView) return;
  const { top, height } = element.getBoundingClientRect();
  const viewportHeight = globalThis.innerHeight;
  const covered = parseFloat(getComputedStyle(element).getPropertyValue("--ii-notice-room")) || 0;
  if (height > viewportHeight - covered) {
    if (top < covered || top >= viewportHeight) element.scrollIntoView({ behavior: scrollBehavior(), block: "start" });
    return;
  }
  element.scrollIntoView({ behavior: scrollBehavior(), block: "nearest" });
}

/** Whether the page is one column, the result pane under the form (as ImagesWorkspace.module.css
 * lays it out below 900 px). */
export function isOneColumn(): boolean {
  return globalThis.matchMedia?.("(width < 900px)").matches ?? false;
}

/**
 * Brings the result pane into view once a click's cards are in it. Beside the form, as little
 * as it takes (`reveal`). Under it (a phone), its top goes to the top of the screen: "as little
 * as it takes" showed its title at the screen's foot and cut the first card in half.
 */
export function revealResults(pane: Element | null | undefined): void {
  if (isOneColumn()) pane?.scrollIntoView?.({ behavior: scrollBehavior(), block: "start" });
  else reveal(pane);
}
