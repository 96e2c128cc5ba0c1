/** The page's frame, and what it says in it while it cannot show the page yet (or has lost
 * touch with the service): the same column and title whatever it says, from the first paint. */
import type { ReactNode } from "react";

import { usePageNotice } from "./hooks/use-page-notice";
import ui from "./ui.module.css";
import styles from "./ImagesWorkspace.module.css";

/** The page's column and its title, from the first paint: what loads (or could not) is said
 * where the page will be, under its title, and the page does not jump into place once read.
 * Which model makes the images is no admin's concern: it is not named. */
export function Frame({ children }: { children: ReactNode }) {
  return (
    <div className={styles.layout}>
      <header className={styles.top}>
        <div>
          <h1 className={styles.title}>Images</h1>
          <p className={styles.subtitle}>
            Generate an identity's image from reference photos.
          </p>
        </div>
      </header>
      {children}
    </div>
  );
}

/** What the page could not read, and a Try again (off while it reads again: focusable still,
 * as the page's other controls, so that a keyboard's focus stays on it). */
export function LoadFailed({ retry, retrying, children }: { retry: () => void; retrying: boolean; children: ReactNode }) {
  return (
    <div role="alert" className={`${ui.alert} ${styles.loadError}`}>
      <span>{children}</span>
      <button type="button" className={ui.button} onClick={() => !retrying && retry()} aria-disabled={retrying}>
        Try again
      </button>
    </div>
  );
}

/** Said above the page, and kept in view as the admin scrolls, until contact is back. */
export function LostContact({ why }: { why: string }) {
  const notice = usePageNotice<HTMLParagraphElement>();
  return (
    <p ref={notice} role="alert" className={`${ui.alert} ${ui.pageNotice}`}>
      {why} The page keeps trying; what you see may be out of date.
    </p>
  );
}

/** While the page's settings, or its users, are read. */
export function Loading() {
  return (
    <p className={ui.muted} role="status">
      Loading…
    </p>
  );
}
