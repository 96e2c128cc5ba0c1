/**
 * Keeps the page behind a modal still while the modal is open: a wheel, a finger or a key
 * scrolled the page behind Compare (a modal `<dialog>` stops clicks, not scrolling), and the
 * admin closed it somewhere else. Every box around `modal` that scrolls (the window's, and a
 * host's main area that scrolls rather than the window) stops scrolling, where it is: a box
 * whose overflow is hidden keeps its scroll, so the page is as it was on close. Its scrollbar's
 * room is kept (`scrollbar-gutter`), so nothing behind moves sideways as the bar goes.
 * Returns what gives the scroll back.
 */
export function keepPageStill(modal: Element): () => void {
  const held: { box: HTMLElement; overflow: string; gutter: string }[] = [];
  for (let box = modal.parentElement; box; box = box.parentElement) {
    if (!scrolls(box)) continue;
    const { style } = box;
    held.push({ box, overflow: style.overflowY, gutter: style.getPropertyValue("scrollbar-gutter") });
    if (getComputedStyle(box).getPropertyValue("scrollbar-gutter") === "auto") style.setProperty("scrollbar-gutter", "stable");
    style.overflowY = "hidden";
  }
  return () => {
    for (const { box, overflow, gutter } of held) {
      box.style.overflowY = overflow;
      box.style.setProperty("scrollbar-gutter", gutter);
    }
  };
}

/** Whether `box` is a box the admin can scroll now: the document's (the window's scroll is
 * the root element's), or one whose overflow scrolls, with more to show than its height. The
 * page scrolls up and down only: that is what stops. */
function scrolls(box: HTMLElement): boolean {
  if (box.scrollHeight <= box.clientHeight) return false;
  if (box === document.documentElement) return true;
  return /^(auto|scroll|overlay)$/.test(getComputedStyle(box).overflowY);
}
