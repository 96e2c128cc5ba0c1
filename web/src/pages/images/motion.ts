import { PAGE_ROOT } from "./pageRoot";

/** How the page scrolls itself: smoothly, unless the admin asked their system for less
 * motion (a script's "smooth" ignores that setting; CSS's own scrolling would not). */
export function scrollBehavior(): ScrollBehavior {
  return globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}

/**
 * Brings `element` into view as little as it takes, and not at all when it is in view: the
 * page does not jump under the admin. One taller than the window is shown from its top (its
 * title, its first card), not its bottom, where "nearest" leaves it coming from below; and it
 * stays put while its top is in view: under a host's sticky header, or under the page's
 * notices at the window's foot, is not in view. (The scroll margins keep it clear of both:
 * see `usePageNotice`.)
 */
export function reveal(element: Element | null | undefined): void {
  if (!element?.scrollIntoView) return;
  const { top, height } = element.getBoundingClientRect();
  const { above, below } = covered(element);
  const seenUntil = globalThis.innerHeight - below;
  if (height > seenUntil - above) {
    if (top < above || top >= seenUntil) element.scrollIntoView({ behavior: scrollBehavior(), block: "start" });
    return;
  }
  element.scrollIntoView({ behavior: scrollBehavior(), block: "nearest" });
}

/** How much of the window is covered where `element` is: at its top by a host's sticky header
 * (`--ii-host-top`), at its foot by a host's sticky footer (`--ii-host-bottom`) and the page's
 * notices over it (`--ii-notice-room`, the footer counted in; see `--ii-covered-top` and
 * `--ii-covered-bottom` in ui.module.css). */
function covered(element: Element): { above: number; below: number } {
  const style = getComputedStyle(element);
  const px = (name: string) => parseFloat(style.getPropertyValue(name)) || 0;
  return { above: px("--ii-host-top"), below: Math.max(px("--ii-host-bottom"), px("--ii-notice-room")) };
}

/**
 * Brings `field`, just focused, out from under `cover` (a part that stays at the window's
 * bottom while the page scrolls under it), as little as it takes. A browser moves a focused
 * field into the window, not out from under what covers it: a field Tab moved to stayed
 * hidden, or showed only its top. Nothing to do for a field of `cover`'s own, for one a
 * mouse press focused, or while `cover` stays in its place (one column, with none of the
 * page's notices at the window's foot).
 */
export function keepClearOf(cover: HTMLElement | null, field: EventTarget): void {
  if (!cover || !(field instanceof HTMLElement) || cover.contains(field)) return;
  // Focused by the keyboard (or a text field, which shows its caret either way): a button or
  // link a mouse press focuses is left where it is, or the page would move it from under the
  // pointer before the press ends, and the click would be lost.
  if (!field.matches(":focus-visible")) return;
  bringOutFrom(cover, field);
}

/** Whether `element` is under `cover` (wholly or in part), while `cover` stays at the window's
 * bottom (see `bringOutFrom`), or in the fade above it, where it is washed out. */
export function isUnder(cover: HTMLElement, element: HTMLElement): boolean {
  const style = getComputedStyle(cover);
  if (style.position !== "sticky") return false;
  return element.getBoundingClientRect().bottom > cover.getBoundingClientRect().top - fadeAbove(style);
}

/** Whether some of `element` is behind `cover` itself, not only in the fade above it, while
 * `cover` stays at the window's bottom. (Where `cover` rests, under the form's end, nothing is:
 * this holds only while it is stuck over what runs under it.) */
export function isBehind(cover: HTMLElement, element: HTMLElement): boolean {
  if (getComputedStyle(cover).position !== "sticky") return false;
  return element.getBoundingClientRect().bottom > cover.getBoundingClientRect().top;
}

/** The fade above a cover (`--bar-fade`), into which what runs under it goes. */
function fadeAbove(style: CSSStyleDeclaration): number {
  return parseFloat(style.getPropertyValue("--bar-fade")) || 0;
}

/** Brings `element` out from under `cover` while `cover` stays at the window's bottom (on one
 * column only while the page's notices are there: else it stays in its place), and from under
 * what it stands on there, as little as it takes. */
export function bringOutFrom(cover: HTMLElement | null, element: HTMLElement): void {
  if (!cover || !element.scrollIntoView || !isUnder(cover, element)) return;
  // Stuck at the bottom of what scrolls (the window, or a host's own scrolling box): the
  // room it takes there is its height, the fade (a field in it would be washed out), and what
  // it stands on (its `bottom`: a host's footer, the page's notices).
  const style = getComputedStyle(cover);
  const standsOn = parseFloat(style.bottom) || 0;
  element.style.scrollMarginBottom = `${standsOn + cover.offsetHeight + fadeAbove(style) + 12}px`;
  element.scrollIntoView({ block: "nearest" });
  element.style.scrollMarginBottom = "";
}

/** Whether the page `within` is one column, the result pane under the form (as
 * ImagesWorkspace.module.css lays it out when the page is under 900 px wide: its own width, not
 * the window's, in a host's page beside its sidebar). */
export function isOneColumn(within: Element): boolean {
  const page = within.closest(PAGE_ROOT);
  if (page) return page.getBoundingClientRect().width < 900;
  return globalThis.matchMedia?.("(width < 900px)").matches ?? false;
}

/**
 * Brings the result pane into view once a click's cards are in it. Beside the form, as little
 * as it takes (`reveal`). Under it (a phone), its top goes to the top of the screen: "as little
 * as it takes" showed its title at the screen's foot and cut the first card in half.
 */
export function revealResults(pane: Element | null | undefined): void {
  if (pane && isOneColumn(pane)) pane.scrollIntoView?.({ behavior: scrollBehavior(), block: "start" });
  else reveal(pane);
}

/** How long a row or tile the page brought the admin to stays marked (see `markArrival`). */
export const ARRIVAL_MS = 1500;
const arrivals = new WeakMap<HTMLElement, ReturnType<typeof setTimeout>>();

/**
 * Marks `element` for a moment as where the page just took the admin (`data-arrived`, drawn
 * in ui.module.css: a ring that fades, a steady one for those who asked for less motion). The
 * focus the page gives after a mouse click draws no ring (`:focus-visible` does not match it),
 * and a row like the twenty around it is not found without one.
 */
export function markArrival(element: HTMLElement): void {
  clearTimeout(arrivals.get(element));
  element.dataset.arrived = "";
  arrivals.set(
    element,
    setTimeout(() => {
      delete element.dataset.arrived;
      arrivals.delete(element);
    }, ARRIVAL_MS),
  );
}

/** A job's row (All generations) or result tile (Results only) in `history`, by its
 * `data-job-id`; null when the view does not show it (a failed job has no tile). */
export function jobItem(history: ParentNode | null | undefined, jobId: string): HTMLElement | null {
  const item = history?.querySelector(`[data-job-id="${jobId}"]`);
  return item instanceof HTMLElement ? item : null;
}

/**
 * Takes the admin to a job's row or tile the page just brought them: the focus on it, and
 * its arrival marked (`markArrival`). `centred`: to the window's middle first (a row found
 * pages down); otherwise the focus brings it into view by itself, as little as it takes.
 */
export function takeAdminTo(item: HTMLElement, { centred = false }: { centred?: boolean } = {}): void {
  if (centred) {
    item.scrollIntoView?.({ behavior: scrollBehavior(), block: "center" });
    item.focus({ preventScroll: true });
  } else {
    item.focus();
  }
  markArrival(item);
}
