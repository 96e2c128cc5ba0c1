/**
 * A re-run or refinement of a result the pane shows joins that result's click in the pane,
 * beside the card it came from, rather than taking the pane from it: the admin is still
 * working on that click. A new Generate, or a follow-up of a result the pane does not show
 * (from the history), takes the pane as before.
 */

/** Which card each joined job came from: the joined job's id to its parent's, in the order
 * they joined (the newest last). */
export type JoinedFrom = Readonly<Record<string, string>>;

/**
 * The pane's ids with `added` (the new jobs of a follow-up of `parentId`) right after the
 * card they came from, and after the cards that came from it before them (a second
 * refinement of one variant follows the first, a refinement of a refinement follows it): the
 * cards of one variant read in the order they were asked.
 */
export function joinAfter(ids: readonly string[], from: JoinedFrom, parentId: string, added: readonly string[]): string[] {
  const at = ids.indexOf(parentId);
  if (at < 0) return [...ids, ...added];
  const descends = (id: string): boolean => {
    for (let up = from[id]; up !== undefined; up = from[up]) if (up === parentId) return true;
    return false;
  };
  let end = at + 1;
  while (end < ids.length && descends(ids[end] ?? "")) end += 1;
  return [...ids.slice(0, end), ...added, ...ids.slice(end)];
}

/** The job that joined last, if any. */
export function lastJoined(from: JoinedFrom | undefined): string | undefined {
  return Object.keys(from ?? {}).at(-1);
}
