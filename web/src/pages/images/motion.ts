/** How the page scrolls itself: smoothly, unless the admin asked their system for less
 * motion (a script's "smooth" ignores that setting; CSS's own scrolling would not). */
export function scrollBehavior(): ScrollBehavior {
  return globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}
