/**
 * A visually hidden announcement emptied a few seconds after it was said: a live region speaks
 * as its words come, and words left in it are met again by a screen reader reading the page
 * (its arrows, a later visit), as if still true: "fake.jpg: Not a real JPEG." long after the
 * photo went, "Added 1 photo." on another identity. `forget` empties it; the next words are
 * said as they come.
 */
import { useEffect } from "react";

/** Long enough for a screen reader to say a sentence or two, queued behind another. */
export const SAID_FOR_MS = 5000;

export function useSaidAWhile(words: string, forget: () => void): void {
  useEffect(() => {
    if (words === "") return;
    const timer = setTimeout(forget, SAID_FOR_MS);
    return () => clearTimeout(timer);
  }, [words, forget]);
}
