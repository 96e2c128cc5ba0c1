import { useId, useMemo, useRef } from "react";

import type { HostIdentity, Job } from "../../../api/imageGeneration";
import type { HistoryNames } from "../job/historyNames";
import { jobNamedBy } from "../job/saved";
import { endedWithout, historyRows } from "../job/rows";
import { countOf } from "../config";
import { whyUnread } from "../errors";
import { useRowsKeepFocus } from "../hooks/use-rows-keep-focus";
import { withSavesRead, type SavedPages } from "../hooks/use-saved-history";
import { useSeekSaved } from "../hooks/use-seek-saved";
import { useSaidWhen } from "../hooks/use-said-a-while";
import { isBoolean, useSessionState } from "../hooks/use-session-state";
import { useShowOlder, type OlderPages } from "../hooks/use-show-older";
import ui from "../ui.module.css";
import styles from "./GenerationHistory.module.css";
import { ActionLink } from "./ActionLink";
import { FailedClick } from "./FailedClick";
import { HistoryClick } from "./HistoryClick";
import { HistoryItem, type RowProps } from "./HistoryItem";
import { HistoryResults, resultsOf, savedOf } from "./HistoryResults";
import { ViewSwitch } from "./ViewSwitch";

interface Props extends RowProps {
  jobs: Job[] | undefined;
  /** How the page names `jobs` (see `historyNames`). */
  names: HistoryNames;
  /** Reads the next older page; null when the history holds every job. */
  older: OlderPages | null;
  /** Every generation, only the results, or only the saved ones: the admin's habit. */
  view: HistoryView;
  onView: (view: HistoryView) => void;
  /** The saved ones, read for the Saved view however far down the history (null: not read;
   * the view shows the saves among `jobs`). */
  saves: SavedPages | null;
  loading: boolean;
  /** Why the history could not be read, while it never was (a later read's failure is a
   * lost contact, said among the page's notices). */
  error: Error | null;
  identity: HostIdentity | null;
  /** The user has no identities: nothing to choose, so nothing to show. */
  noIdentities: boolean;
  /** Re-run a click whose variants all failed alike: `count` new variants of its first's settings. */
  onRerunAll: (first: Job, count: number) => void;
}

/** The identity's generations, newest first: status, settings, cost; re-run, refine, compare. */
export function GenerationHistory({
  jobs,
  names,
  older,
  view,
  onView,
  saves,
  loading,
  error,
  identity,
  noIdentities,
  onRerunAll,
  ...row
}: Props) {
  // The list without the generations that ended without a picture: a habit too.
  const [hidesFailed, setHidesFailed] = useSessionState("historyHidesFailed", false, isBoolean, "browser");
  const rows = useMemo(() => historyRows(jobs ?? [], { hideFailed: hidesFailed }), [jobs, hidesFailed]);
  // The Saved view's images: every one once saved, read for it, however far down the history.
  const savedView = view === "saved";
  const savedRead = saves?.jobs;
  const savedJobs = useMemo(() => withSavesRead(jobs ?? [], savedRead), [jobs, savedRead]);
  const savedOlder = saves?.older ?? null;
  // Its saves on their way: said, not the history's few as if they were all ("0 saved", then 6).
  const savesComing = savedView && saves !== null && savedRead === undefined && saves.error === null;
  // The job the identity's image came from: its name says, though the history has not read it
  // (an old one saved again from this view).
  const savedCurrent = row.currentJobId ?? jobNamedBy(identity?.image_path);
  // What the Saved view shows (see `savedOf`): counted in its header, said when none.
  const savedShown = savedView ? savedOf(savedJobs, savedCurrent) : [];
  const list = useRowsKeepFocus<HTMLOListElement>();
  // Where the two buttons find the row or tile they take the admin to.
  const section = useRef<HTMLElement>(null);
  const headingId = useId();
  const { askedAt, originOf, replacedWords } = names;
  // Older pages of what the view reads: the history's, or the Saved view's own.
  const pager = savedView ? savedOlder : older;
  const loadingOlder = savedView ? "Loading older saved images…" : "Loading older generations…";
  // In the order its pages come: the next page's first tile is the one its button brought.
  const showOlder = useShowOlder(section, savedView ? savedRead : jobs, pager);
  const shown =
    !jobs || savesComing
      ? ""
      : savedView && savedRead
        ? savedLabel(savedShown.length, savedOlder !== null)
        : shownLabel(view, jobs, older !== null, row.currentJobId ?? null, hidesFailed);
  // A read of the saves that failed: the view shows the saves among the pages read, and says why.
  const savedUnread = savedView && !savedRead && saves?.error ? whyUnread(saves.error) : null;
  // A page of older ones read is the oldest job's changing; a new one comes first.
  const oldest = jobs?.at(-1)?.id;
  const oldestSaved = savedView ? (savedRead?.at(-1)?.id ?? "") : "";
  const shownSaid = useSaidWhen(oldest ? `${view} ${hidesFailed} ${oldest} ${oldestSaved}` : null, `Showing ${shown}.`);
  // Not an ended session: its own notice says it.
  const unread = error ? whyUnread(error) : null;
  // The job the identity's image came from (its name says, or the row's badge does).
  const saved = useSeekSaved(section, jobs, older, row.currentJobId ?? jobNamedBy(identity?.image_path));
  // The Saved view with none of the saved ones read: the identity's image still comes from a
  // generation, older than the pages read (or gone from the history). Said there, with the
  // way to it, not "None of these generations was saved", which the image above belies.
  const savedFurther =
    savedView && !savesComing && (saved.offered || saved.gone) && savedShown.length === 0;
  // The Saved view read it among the saves: its tile says it, nothing is to be sought.
  const savedInView = savedView && savedJobs.some((job) => job.id === savedCurrent);
  const findIt = (
    <ActionLink off={saved.seeking} onClick={saved.seek}>
      {saved.seeking ? "Finding the saved one…" : "Show the saved one"}
    </ActionLink>
  );
  return (
    <section ref={section} className={styles.section} aria-labelledby={headingId}>
      <div className={styles.header}>
        <div className={styles.title}>
          <h2 id={headingId} className={ui.sectionTitle}>
            History
          </h2>
          {/* Whose: the selects are a long scroll up from an identity's older generations. */}
          {identity && (
            <span className={styles.whose} title={identity.name}>
              {identity.name}
            </span>
          )}
        </div>
        {jobs && jobs.length > 0 && (
          <div className={styles.headerEnd}>
            {/* It starts where the title ends, whatever it says: the controls after it keep
                the line's end. */}
            <span className={`${ui.muted} ${styles.count}`}>{shown}</span>
            {/* Said as the view switches (a toggle says only that it is pressed), Hide failed
                too, and as a page of older ones comes: "Showing 0 saved from the 20 newest
                generations." Not as each job starts or ends: its card says so, and the count
                was said over it. */}
            <span className={ui.visuallyHidden} role="status">
              {shownSaid}
            </span>
            {saved.gone && !savedFurther && <span className={ui.muted}>The saved one's generation is no longer in the history.</span>}
            {saved.failed && <span className={ui.muted}>The saved one could not be found: try again.</span>}
            {saved.offered && !savedFurther && !savedInView && findIt}
            {/* Of the list only: the other views show results alone already. A box, not a
                fourth view: it narrows the list, whichever the admin reads it for. */}
            {view === "all" && (
              <label className={styles.hideFailed}>
                <input type="checkbox" checked={hidesFailed} onChange={(event) => setHidesFailed(event.target.checked)} />
                Hide failed
              </label>
            )}
            <ViewSwitch name="Show" views={HISTORY_VIEWS} shown={view} onShow={onView} />
          </div>
        )}
      </div>
      {loading && <p className={ui.muted}>Loading the history…</p>}
      {/* Said once, as the reads keep failing (each is a first load again: "Loading…" gave
          way to the reason and back every few seconds). No "try again": the page does. */}
      {unread !== null && (
        <p role="alert" className={ui.alert}>
          The history could not be read: {unread}. The page keeps trying.
        </p>
      )}
      {identity === null && (
        <p className={ui.emptyNote}>
          {noIdentities ? "No generations: this user has no identities." : "Choose an identity to see its generations."}
        </p>
      )}
      {jobs && jobs.length === 0 && (
        <p className={ui.emptyNote}>No generations for this identity yet. The first one will show here.</p>
      )}
      {savedUnread !== null && (
        <p className={ui.muted}>
          The saves further down the history could not be read: {savedUnread}. The page keeps trying.
        </p>
      )}
      {savesComing && jobs && jobs.length > 0 && <p className={ui.muted}>Loading the saved images…</p>}
      {jobs && jobs.length > 0 && view !== "all" && !savesComing && (
        <HistoryResults
          jobs={savedView ? savedJobs : jobs}
          names={names}
          savedOnly={savedView}
          whenNone={
            savedFurther ? (
              <p className={ui.emptyNote}>
                {saved.gone ? (
                  "The identity's image comes from a generation no longer in the history."
                ) : (
                  <>The identity's image comes from an older generation. {findIt}</>
                )}
              </p>
            ) : savedView && savedRead && !savedOlder ? (
              // Every save read: none of the whole history, not only of the pages read.
              <p className={ui.emptyNote}>No image was saved to this identity yet. The results saved to it show here.</p>
            ) : undefined
          }
          currentJobId={savedView ? savedCurrent : row.currentJobId}
          savingIds={row.savingIds}
          onSave={row.onSave}
          undoOf={row.undoOf}
          onCompare={row.onCompare}
          compares={row.compares}
          actionError={row.actionError}
        />
      )}
      {jobs && jobs.length > 0 && view === "all" && rows.length === 0 && (
        <p className={ui.emptyNote}>Every generation read so far failed or was canceled: Hide failed hides them all.</p>
      )}
      {jobs && jobs.length > 0 && view === "all" && rows.length > 0 && (
        <ol className={styles.list} {...list}>
          {rows.map((each) => {
            switch (each.kind) {
              case "endedAlike":
                return (
                  <FailedClick
                    key={`click-${each.jobs[0].id}`}
                    jobs={each.jobs}
                    end={each.end}
                    rerunsSince={each.rerunsSince}
                    askedAt={askedAt(each.jobs[0])}
                    origin={originOf(each.jobs[0])}
                    onRerunAll={onRerunAll}
                    onEditSettings={row.onEditSettings}
                    busy={row.busy}
                    actionError={row.actionError}
                  />
                );
              case "click":
                return (
                  <HistoryClick
                    key={`variants-${each.variants[0].job.id}`}
                    variants={each.variants}
                    askedAt={askedAt(each.variants[0].job)}
                    originOf={originOf}
                    replacedWords={replacedWords}
                    {...row}
                  />
                );
              case "job":
                return (
                  <HistoryItem
                    key={each.job.id}
                    job={each.job}
                    sameClick={false}
                    saidAbove={each.saidAbove}
                    rerunSince={each.rerunSince}
                    askedAt={askedAt(each.job)}
                    replacedWords={replacedWords(each.job)}
                    origin={originOf(each.job)}
                    {...row}
                  />
                );
            }
          })}
        </ol>
      )}
      {/* The room the older rows come into, from the click on (the click's own move: Show older
          goes under it, out of the window), what is under way at its top, where Show older was:
          rows that came late, after the click's grace, pushed Show older out of the window as
          they came, and the page moved under the admin (see `.rowsComing`). */}
      {pager?.loading && jobs && jobs.length > 0 && (
        <p className={styles.rowsComing} aria-hidden="true">
          {loadingOlder}
        </p>
      )}
      {pager && jobs && jobs.length > 0 && (
        <div className={styles.older}>
          <button type="button" className={ui.button} onClick={showOlder} aria-disabled={pager.loading}>
            {pager.loading ? loadingOlder : savedView ? "Show older saved images" : "Show older generations"}
          </button>
        </div>
      )}
    </section>
  );
}

/** How the history shows: every generation as a list (what each was, what to do with it), or
 * only the results, or only the saved ones, as pictures large enough to judge. */
export type HistoryView = "all" | "results" | "saved";
export const isHistoryView = (value: unknown): value is HistoryView => value === "all" || value === "results" || value === "saved";
const HISTORY_VIEWS = [
  { view: "all", label: "All generations" },
  { view: "results", label: "Results only" },
  { view: "saved", label: "Saved" },
] as const;

/** What the view shows, plainly, a generation being a click, of one or more variants (jobs,
 * not images: one that failed or still waits is no image): "12 generations", "1 generation ·
 * 3 variants", "14 newest generations · 40 variants · older below", and, with Hide failed,
 * what it shows and how many variants that failed or were canceled it hides ("10 generations ·
 * 28 variants · 12 failed hidden"); in Results only, "29
 * results from the 14 newest generations" (a failed job has no tile), or "20 newest results
 * · older below" when each of them has one; in Saved, "3 saved from the 14 newest
 * generations" (older ones may hold more). */
function shownLabel(view: HistoryView, jobs: Job[], hasOlder: boolean, currentJobId: string | null, hidesFailed: boolean): string {
  const clicksOf = (some: readonly Job[]) => new Set(some.map((job) => job.batch_id ?? job.id)).size;
  const generationsOf = (clicks: number) => countOf(clicks, hasOlder ? "newest generation" : "generation");
  const generations = generationsOf(clicksOf(jobs));
  if (view === "all") {
    // What the list shows: with Hide failed, without the hidden ones ("9 generations · 18
    // variants · 2 failed hidden" over 8 rows and 16 variants read as if it counted them).
    const shown = hidesFailed ? jobs.filter((job) => !endedWithout(job)) : jobs;
    const clicks = clicksOf(shown);
    const all = clicks === shown.length ? generationsOf(clicks) : `${generationsOf(clicks)} · ${countOf(shown.length, "variant")}`;
    const hidden = jobs.length - shown.length;
    const counted = hidden > 0 ? `${all} · ${hidden} failed hidden` : all;
    return hasOlder ? `${counted}${OLDER_BELOW}` : counted;
  }
  if (view === "saved") {
    const saved = `${savedOf(jobs, currentJobId).length} saved`;
    return hasOlder ? `${saved} from the ${generations}${OLDER_BELOW}` : `${saved} from ${generations}`;
  }
  const shown = resultsOf(jobs).length;
  if (shown === jobs.length) return hasOlder ? `${countOf(shown, "newest result")}${OLDER_BELOW}` : countOf(shown, "result");
  const results = countOf(shown, "result");
  return hasOlder ? `${results} from the ${generations}` : `${results} from ${generations}`;
}

/** What the Saved view shows once its own read came: "3 saved", or "20 saved · older below". */
function savedLabel(saved: number, hasOlder: boolean): string {
  return `${saved} saved${hasOlder ? OLDER_BELOW : ""}`;
}

/** Said last of a history with older pages: kept on one line (a phone's header broke it
 * after "older", leaving "below" alone). */
const OLDER_BELOW = " ·\u00a0older\u00a0below";
