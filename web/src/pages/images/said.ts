/** What the page's live regions say. */

/** `words`, told apart from what a live region said last when they are the same (a retry that
 * failed as the first try did, Generate pressed again while it is off): a region whose text
 * does not change is not read again. */
export function differently(words: string, last: string): string {
  return words === last ? `${words}\u00a0` : words;
}
