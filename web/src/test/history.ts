/** The history's rows of jobs, in its order: a click of one job's, each variant's of a click of
 * several (inside that click's row), and a click's that failed alike (one row for all). */
export function jobRows(history: HTMLElement): HTMLElement[] {
  return Array.from(history.querySelectorAll<HTMLElement>("li[data-job-id]"));
}
