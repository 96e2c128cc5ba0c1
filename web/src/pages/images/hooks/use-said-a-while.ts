/**
 * A visually hidden announcement emptied a few seconds after it was said: a live region speaks
 * as its words come, and words left in it are met again by a screen reader reading the page
 * (its arrows, a later visit), as if still true: "fake.jpg: Not a real JPEG." long after the
 * photo went, "Added 1 photo." on another identity. `forget` empties it; the next words are
 * said as they come.
 */
import { useCallback, useEffect, useState } from "react";

import { differently } from "../said";

/** Long enough for a screen reader to say a sentence or two, queued behind another. */
export const SAID_FOR_MS = 5000;

export function useSaidAWhile(words: string, forget: () => void): void {
  useEffect(() => {
    if (words === "") return;
    const timer = setTimeout(forget, SAID_FOR_MS);
    return () => clearTimeout(timer);
  }, [words, forget]);
}

/**
 * `words` said as `moment` changes (the view switched, a page of older ones read), not each time
 * they change otherwise (a job started or ended: its card says so), and emptied a while after.
 * A null `moment` is nothing to speak of yet (nothing read): the first one after it is not said.
 */
export function useSaidWhen(moment: string | null, words: string): string {
  const [said, setSaid] = useState<{ moment: string | null; words: string }>({ moment, words: "" });
  // Told apart from the words said last, when the same (see `differently`).
  if (said.moment !== moment) setSaid({ moment, words: said.moment === null ? "" : differently(words, said.words) });
  const forget = useCallback(() => setSaid((last) => ({ ...last, words: "" })), []);
  useSaidAWhile(said.words, forget);
  return said.words;
}
