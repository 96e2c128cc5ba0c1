/** The page's frame, and what it says in it while it cannot show the page yet (or has lost
 * touch with the service): the same column and title whatever it says, from the first paint. */
import { createContext, useContext, type ReactNode } from "react";

import { usePageNotice } from "./hooks/use-page-notice";
import ui from "./ui.module.css";
import styles from "./ImagesWorkspace.module.css";

/** The page's column and its title, from the first paint: what loads (or could not) is said
 * where the page will be, under its title, and the page does not jump into place once read.
 * Which model makes the images is no admin's concern: it is not named. The page's notices
 * (`PageNotices`) come after the title, unless the page places them itself (`notices={null}`).
 */
export function Frame({ children, notices = <PageNotices /> }: { children: ReactNode; notices?: ReactNode }) {
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
      {notices}
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

/** The notice that the admin's session has ended, while it has (`Images` gives it): the first
 * of the page's notices, in whatever the page shows. */
export const SessionNotice = createContext<ReactNode>(null);

/**
 * The page's own notices: the session ended, contact lost, and `children` (the clicks left
 * running for other identities). They stand at the foot of the page's column, and stay at the
 * window's foot as the admin scrolls (sticky), so they come and go without moving what is in
 * view (above the page, the offline notice pushed it all 81 px down, and a click left running,
 * under the selects, the form 56 px), and stuck there they cover none of the fields at the
 * window's top (stuck at the top, the offline notice hid the User select). Their room is the
 * page's end: what runs under them comes out with a scroll, and what the page brings into view
 * stops above them (`usePageNotice`). Generate stands on them (ComposeForm.module.css); beside
 * the results (a wide page) they are in the form's column, under it, clear of the result
 * pane's Saves. In Tab's
 * order they are where they are put (after the selects: a Show is one Tab from them).
 */
export function PageNotices({ children }: { children?: ReactNode }) {
  const session = useContext(SessionNotice);
  const notices = usePageNotice<HTMLDivElement>();
  return (
    <div ref={notices} className={styles.notices}>
      {session}
      {children}
    </div>
  );
}

/** One of the page's notices (`PageNotices`) until contact is back. */
export function LostContact({ why }: { why: string }) {
  return (
    <p role="alert" className={`${ui.alert} ${ui.pageNotice}`}>
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
