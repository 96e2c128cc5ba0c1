/**
 * A list of rows (the history's) that keeps the focus when the row holding it goes: a click's
 * rows that became one (its last variant ended as the others had), a row "Hide failed" hides
 * once its job fails or is canceled. The focus goes to the row that holds that job now, else
 * to the row now in its place (or the last), without scrolling: not to the page (`<body>`),
 * where a keyboard or screen-reader user would start again from the top. A row that stays
 * keeps it itself (`useKeepsFocus`). Spread the props on the list; each row is a child of it
 * with its job's id in `data-job-id`, or its jobs' in `data-click` (space-separated; a click's
 * row, whose variants' rows inside it have their own `data-job-id`).
 */
import { useEffect, useRef, type FocusEvent } from "react";

interface Held {
  /** What had the focus: gone from the page when its row went. */
  element: Element;
  jobId: string;
  /** Its row's place in the list. */
  index: number;
}

export function useRowsKeepFocus<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const held = useRef<Held | null>(null);
  useEffect(() => {
    const was = held.current;
    if (!was || was.element.isConnected || (document.activeElement !== document.body && document.activeElement !== null)) return;
    held.current = null;
    const rows = rowsOf(ref.current);
    const row = rows.find((each) => jobsOf(each).includes(was.jobId)) ?? rows[Math.min(was.index, rows.length - 1)];
    row?.focus({ preventScroll: true });
  });
  return {
    ref,
    onFocus: (event: FocusEvent<T>) => {
      const rows = rowsOf(ref.current);
      const index = rows.findIndex((row) => row.contains(event.target));
      const row = rows[index];
      // The job of the row the focus is in: a variant's, within its click's row.
      const jobId = event.target.closest<HTMLElement>("[data-job-id]")?.dataset.jobId ?? (row ? jobsOf(row)[0] : undefined);
      held.current = row === undefined || jobId === undefined ? null : { element: event.target, jobId, index };
    },
    onBlur: (event: FocusEvent<T>) => {
      // Gone elsewhere, not removed with its row: nothing to give back.
      if (event.relatedTarget) held.current = null;
    },
  };
}

function rowsOf(list: HTMLElement | null): HTMLElement[] {
  return Array.from(list?.children ?? []).filter((child): child is HTMLElement => child instanceof HTMLElement);
}

function jobsOf(row: HTMLElement): string[] {
  return (row.dataset.click ?? row.dataset.jobId ?? "").split(" ");
}
