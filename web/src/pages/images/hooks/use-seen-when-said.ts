/**
 * The notice of what the admin just did (a failure said beside its job or under the form,
 * what Edit settings put in the form): brought into view as it is said, as little as it
 * takes and not at all when it is in view (`reveal`), so a sighted admin sees it as a screen
 * reader says it, wherever they clicked (the history far below the form, a button at the
 * window's edge). Put the hook on what stays on the page (the form, the card, the row) and
 * the ref on the notice: `said` is the outcome, a new value each time it is said, or null. One
 * already said as the page drew it (the admin came back to its identity) moves nothing.
 */
import { useEffect, useRef } from "react";

import { reveal } from "../motion";

export function useSeenWhenSaid<T extends HTMLElement>(said: object | null) {
  const ref = useRef<T>(null);
  const seen = useRef(said);
  useEffect(() => {
    if (said === null || said === seen.current) return;
    seen.current = said;
    reveal(ref.current);
  }, [said]);
  return ref;
}
