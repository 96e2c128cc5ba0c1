import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";

import type { HostIdentity, Job } from "../../../api/imageGeneration";
import { offeredActions } from "../job/actions";
import { describeFailure } from "../job/failure";
import { askedPhrases, jobAt, originLabel, variantLabel } from "../job/names";
import { downloadLink, fullSizeUrl, pictureRatio, previewUrl } from "../job/picture";
import {
  nextAttemptText,
  retryingAt,
  retryingBecause,
  runningAttempt,
  stageLabel,
  statusLabel,
  tookSeconds,
  tookText,
} from "../job/progress";
import { applyLabel, isSavedNow, isSaving, jobNamedBy, SAVED_NOW } from "../job/saved";
import { isFinal } from "../job/state";
import { createdLabel } from "../job/time";
import { countOf, formatUsd } from "../config";
import type { ActionFailure } from "../hooks/use-job-actions";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import { useNow } from "../hooks/use-now";
import { useSeenWhenSaid } from "../hooks/use-seen-when-said";
import { useSessionState } from "../hooks/use-session-state";
import { markArrival, scrollBehavior } from "../motion";
import ui from "../ui.module.css";
import styles from "./GenerationHistory.module.css";
import { ActionLink } from "./ActionLink";
import type { FollowUps } from "./GeneratedImageDisplay";
import { HistoryResults, resultsOf } from "./HistoryResults";
import { RefineForm, useRefineBox } from "./RefineForm";

/** What each row needs besides its job: its follow-ups are a card's (`onCompare` opens the
 * result beside the identity's current image), with Save and Cancel. */
interface RowProps extends FollowUps {
  /** The job whose image the identity shows now (see `currentImageJobId`). */
  currentJobId: string | null;
  onSave: (job: Job) => void;
  /** The jobs whose save is out (see `isSaving`). */
  savingIds: readonly string[];
  /** Cancel a queued job. */
  onCancel: ((job: Job) => void) | null;
  /** The jobs whose cancel is out. */
  cancelingIds: readonly string[];
  /** The page cannot read the jobs' states now: a running row shows its last known state
   * (no spinner, no Cancel), as its card does. */
  outOfTouch: boolean;
  /** Why the last action asked from the history (a save, a cancel, a re-run, a refine) did
   * not go through: said on its job's row or tile, where the admin asked it. */
  actionError: ActionFailure | null;
}

interface Props extends RowProps {
  jobs: Job[] | undefined;
  /** Reads the next older page; null when the history holds every job. `failed`: its last
   * read did not answer (a refusal is not tried again; a fault was, once). */
  older: { load: () => void; loading: boolean; failed: boolean } | null;
  loading: boolean;
  error: Error | null;
  identity: HostIdentity | null;
  /** The user has no identities: nothing to choose, so nothing to show. */
  noIdentities: boolean;
}

/** The identity's generations, newest first: status, settings, cost; re-run, refine, compare. */
export function GenerationHistory({ jobs, older, loading, error, identity, noIdentities, ...row }: Props) {
  // Every generation as a list (what each was, what to do with it), or only the results, as
  // pictures large enough to judge: the admin's habit, kept in this browser.
  const [view, setView] = useSessionState<HistoryView>("historyView", "all", isHistoryView, "browser");
  // "Show older generations" hands the focus to the first item it brought that the view
  // shows (a row, or a result tile; the button goes once the history holds every job).
  // `lastBefore` is set from the click until the read ends: a second click meanwhile (a
  // double click) reads nothing more.
  const section = useRef<HTMLElement>(null);
  const lastBefore = useRef<string | null>(null);
  // Each job's time as its name says it, told apart from another click's of that minute.
  const askedAt = useMemo(() => askedPhrases(jobs ?? []), [jobs]);
  const loadingOlder = older?.loading ?? false;
  useEffect(() => {
    const last = lastBefore.current;
    if (last === null || !jobs) return;
    const at = jobs.findIndex((job) => job.id === last);
    if (at + 1 >= jobs.length) return; // not read yet
    lastBefore.current = null;
    if (at < 0) return; // another identity's history
    const brought = jobs
      .slice(at + 1)
      .map((job) => section.current?.querySelector(`[data-job-id="${job.id}"]`))
      .find((item) => item instanceof HTMLElement);
    if (brought instanceof HTMLElement) {
      brought.focus();
      markArrival(brought);
    }
  }, [jobs]);
  // After the focus (effects run in order): a read that brought no row, or failed, frees
  // the next click.
  useEffect(() => {
    if (!loadingOlder) lastBefore.current = null; // read, or failed: the next click is new
  }, [loadingOlder]);
  const showOlder = () => {
    if (!older || older.loading || lastBefore.current !== null) return;
    lastBefore.current = jobs?.at(-1)?.id ?? null;
    older.load();
  };
  // Where the identity's image came from, one click away though its generation is pages
  // down: "Show the saved one" reads older pages until its row is read, then takes the admin
  // there (its row, or its tile, has the focus). Not offered once it is read: its badge says.
  const savedJobId = row.currentJobId ?? jobNamedBy(identity?.image_path);
  const savedRead = savedJobId !== null && (jobs ?? []).some((job) => job.id === savedJobId);
  // The saved job asked for (this identity's: another's is no longer sought).
  const [sought, setSought] = useState<string | null>(null);
  // The saved job an older page's read failed on the way to: said, and the button is back.
  const [notFound, setNotFound] = useState<string | null>(null);
  const seeking = sought !== null && sought === savedJobId && !savedRead && older !== null;
  const soughtInVain = sought !== null && sought === savedJobId && !savedRead && older === null;
  const loadOlder = older?.load;
  const olderLoading = older?.loading ?? false;
  const olderFailed = older?.failed ?? false;
  // The next page once one is read; none once one failed: the failure stands until the
  // next read, and asking again at once would ask forever (a refusal is refused again).
  // Ended as it renders (React's way to adjust state to what it reads), not in an effect.
  const failedOnTheWay = seeking && !olderLoading && olderFailed;
  if (failedOnTheWay) {
    setNotFound(sought);
    setSought(null);
  }
  useEffect(() => {
    if (seeking && !olderLoading && !olderFailed) loadOlder?.();
  }, [seeking, olderLoading, olderFailed, loadOlder]);
  // The click reads the first page itself: a failure of an earlier read must not end this seek
  // before it starts.
  const seek = () => {
    if (!older || savedJobId === null) return;
    setNotFound(null);
    setSought(savedJobId);
    if (!older.loading) older.load();
  };
  const broughtTo = useRef<string | null>(null);
  useEffect(() => {
    if (sought === null || !savedRead || sought !== savedJobId || broughtTo.current === sought) return;
    broughtTo.current = sought;
    const item = section.current?.querySelector<HTMLElement>(`[data-job-id="${sought}"]`);
    item?.scrollIntoView?.({ behavior: scrollBehavior(), block: "center" });
    item?.focus({ preventScroll: true });
    if (item) markArrival(item);
  }, [sought, savedRead, savedJobId]);
  const offerSaved = savedJobId !== null && !savedRead && (older !== null || seeking) && !soughtInVain;
  return (
    <section ref={section} className={styles.section} aria-labelledby="ii-history-heading">
      <div className={styles.header}>
        <h2 id="ii-history-heading" className={ui.sectionTitle}>
          History
        </h2>
        {jobs && jobs.length > 0 && (
          <div className={styles.headerEnd}>
            {soughtInVain && <span className={ui.muted}>The saved one's generation is no longer in the history.</span>}
            {offerSaved && notFound === savedJobId && !seeking && (
              <span className={ui.muted}>The saved one could not be found: try again.</span>
            )}
            {offerSaved && (
              <ActionLink off={seeking} onClick={seek}>
                {seeking ? "Finding the saved one…" : "Show the saved one"}
              </ActionLink>
            )}
            <span className={ui.muted}>{shownLabel(view, jobs, older !== null)}</span>
            <div role="group" aria-label="Show" className={styles.views}>
              <button type="button" className={styles.view} aria-pressed={view === "all"} onClick={() => setView("all")}>
                All generations
              </button>
              <button
                type="button"
                className={styles.view}
                aria-pressed={view === "results"}
                onClick={() => setView("results")}
              >
                Results only
              </button>
            </div>
          </div>
        )}
      </div>
      {loading && <p className={ui.muted}>Loading the history…</p>}
      {error && (
        <p role="alert" className={ui.alert}>
          {error.message}
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
      {jobs && jobs.length > 0 && view === "results" && (
        <HistoryResults
          jobs={jobs}
          currentJobId={row.currentJobId}
          savingIds={row.savingIds}
          onSave={row.onSave}
          onCompare={row.onCompare}
          actionError={row.actionError}
        />
      )}
      {jobs && jobs.length > 0 && view === "all" && (
        <ol className={styles.list}>
          {jobs.map((job, index) => (
            <HistoryItem
              key={job.id}
              job={job}
              sameClick={oneClick(jobs[index - 1], job)}
              askedAt={askedAt(job)}
              origin={originLabel(job, jobs)}
              {...row}
            />
          ))}
        </ol>
      )}
      {older && jobs && jobs.length > 0 && (
        <div className={styles.older}>
          <button type="button" className={ui.button} onClick={showOlder} aria-disabled={older.loading}>
            {older.loading ? "Loading older generations…" : "Show older generations"}
          </button>
        </div>
      )}
    </section>
  );
}

type HistoryView = "all" | "results";
const isHistoryView = (value: unknown): value is HistoryView => value === "all" || value === "results";

/** What the view shows, plainly, a generation being a click, of one or more variants (jobs,
 * not images: one that failed or still waits is no image): "12 generations", "1 generation ·
 * 3 variants", "14 newest generations · 40 variants · older below"; in Results only, "29
 * results from the 14 newest generations" (a failed job has no tile), or "20 newest results
 * · older below" when each of them has one. */
function shownLabel(view: HistoryView, jobs: Job[], hasOlder: boolean): string {
  const clicks = new Set(jobs.map((job) => job.batch_id ?? job.id)).size;
  const generations = countOf(clicks, hasOlder ? "newest generation" : "generation");
  if (view === "all") {
    const counted = clicks === jobs.length ? generations : `${generations} · ${countOf(jobs.length, "variant")}`;
    return hasOlder ? `${counted} · older below` : counted;
  }
  const shown = resultsOf(jobs).length;
  if (shown === jobs.length) return hasOlder ? `${countOf(shown, "newest result")} · older below` : countOf(shown, "result");
  const results = countOf(shown, "result");
  return hasOlder ? `${results} from the ${generations}` : `${results} from ${generations}`;
}

/** Two variants of one click (one batch). */
function oneClick(above: Job | undefined, job: Job): boolean {
  return job.batch_id !== null && above?.batch_id === job.batch_id;
}

function statusClass(job: Job): string {
  if (job.status === "succeeded") return ui.badgeOk ?? "";
  if (job.status === "failed") return ui.badgeDanger ?? "";
  if (job.status === "queued" || job.status === "running") return ui.badgeActive ?? "";
  return ui.badge ?? "";
}

function HistoryItem({
  job,
  currentJobId,
  onRerun,
  onRefine,
  onSave,
  onEditSettings,
  onCancel,
  cancelingIds,
  onCompare,
  savingIds,
  origin,
  sameClick,
  askedAt,
  busy,
  outOfTouch,
  actionError,
}: RowProps & {
  job: Job;
  origin: string | null;
  /** When it was asked, as its name says it (see `askedPhrases`). */
  askedAt: string;
  /** Another variant of the click in the row above: its prompt, time and settings are there. */
  sameClick: boolean;
}) {
  const refine = useRefineBox();
  const row = useKeepsFocus<HTMLLIElement>();
  const ownError = actionError?.jobId === job.id ? actionError : null;
  const errorNotice = useSeenWhenSaid<HTMLParagraphElement>(ownError);
  const preview = previewUrl(job);
  const failure = describeFailure(job);
  const final = isFinal(job);
  const variant = variantLabel(job);
  const label = jobAt("Generation", job, askedAt);
  const savedNow = isSavedNow(job, currentJobId);
  const offered = offeredActions(job, "row", { savedNow, sameClick });
  const saving = isSaving(job, savingIds);
  const canceling = cancelingIds.includes(job.id);
  const saveState = applyLabel(job, currentJobId);
  // A save that landed is a badge in the first line, green while the identity shows it, grey
  // once another replaced it; a save on its way or refused is said with the facts.
  const savedBefore = job.apply?.status === "applied" && !savedNow;
  const download = downloadLink(job);
  // A canceled job's time is how long it waited, not how long it took: none.
  const took = job.status === "canceled" ? null : tookSeconds(job);
  const retry = retryingAt(job);
  return (
    <li
      className={`${styles.item} ${sameClick ? styles.sameClick : ""}`}
      style={pictureRatio(job)}
      aria-label={label}
      data-job-id={job.id}
      {...row}
    >
      <div className={styles.thumb}>
        {/* Ended without a picture (failed, canceled): a small mark, not a grey box as heavy
            as a picture, so the eye goes to the pictures; the column keeps its width, so the
            rows' words still start at one place. */}
        {final && !preview ? (
          <span className={job.status === "failed" ? styles.markFailed : styles.mark} aria-hidden="true">
            {job.status === "failed" ? "!" : "—"}
          </span>
        ) : (
          <div className={styles.thumbFrame}>
            {preview ? (
              <a href={fullSizeUrl(job) ?? preview} target="_blank" rel="noreferrer" className={styles.thumbLink}>
                <img src={preview} alt={jobAt("Result", job, askedAt)} loading="lazy" className={styles.thumbImage} />
              </a>
            ) : (
              <div className={styles.thumbEmpty} aria-hidden="true">
                {outOfTouch ? "—" : <span className={ui.spinner} />}
              </div>
            )}
          </div>
        )}
      </div>
      <div className={styles.body}>
        {/* What the job is: beside its picture on a phone too; its actions under both there. */}
        <div className={styles.text}>
        <div className={styles.line}>
          <span className={statusClass(job)}>
            {final ? statusLabel(job) : outOfTouch ? `${stageLabel(job)} (last known)` : stageLabel(job)}
          </span>
          {!sameClick && (
            <time dateTime={job.created_at} className={styles.time} title={createdLabel(job, { seconds: true })}>
              {createdLabel(job)}
            </time>
          )}
          {variant && <span className={ui.badge}>{variant}</span>}
          {savedNow && <span className={ui.badgeOk}>{SAVED_NOW}</span>}
          {savedBefore && <span className={`${ui.badge} ${styles.replaced}`}>{saveState}</span>}
          {job.source === "s3_event" && <span className={ui.badge}>from new references</span>}
        </div>
        {!sameClick && (
          <>
            {job.prompt ? <Prompt text={job.prompt} /> : <p className={`${styles.prompt} ${ui.muted}`}>No prompt</p>}
            {origin && (
              <p className={styles.origin} title={origin}>
                {origin}
              </p>
            )}
          </>
        )}
        <p className={styles.facts}>
          {[
            ...(sameClick
              ? []
              : [
                  job.aspect_ratio,
                  job.image_size,
                  countOf(job.reference_keys.length, "photo"),
                ]),
            took !== null ? tookText(job, took) : runningAttempt(job),
            job.usage?.estimated_cost_usd != null ? formatUsd(job.usage.estimated_cost_usd) : null,
            savedNow || savedBefore ? null : saveState,
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
        {retry && <NextAttempt job={job} at={retry} ticking={!outOfTouch} />}
        {failure && job.status !== "canceled" && (
          <p className={styles.failure}>
            <strong>{failure.title}</strong>
            {failure.detail && <span className={styles.failureDetail}>{failure.detail}</span>}
          </p>
        )}
        </div>
        {/* In the order of a result's card: what is done with this result first (save it,
            download it), then what follows from it (refine or compare it, then make another
            from its settings). Each pair wraps as one, and the follow-ups as one before that:
            a phone's row breaks between them, never leaving Edit settings alone on a line. */}
        <RowActions
          cancel={
            offered.cancel &&
            onCancel &&
            !outOfTouch && (
              <ActionLink off={canceling} onClick={() => onCancel(job)}>
                {canceling ? "Canceling…" : "Cancel"}
              </ActionLink>
            )
          }
          keep={wrapsAsOne(
              offered.save && (
                <ActionLink off={saving} onClick={() => onSave(job)}>
                  Save to identity
                </ActionLink>
              ),
              download && (
                <a className={ui.linkButton} href={download.href} download={download.download}>
                  Download
                </a>
              ),
            )}
          followUps={wrapsAsOne(
            wrapsAsOne(
              offered.refine && (
                <button type="button" className={ui.linkButton} {...refine.toggle}>
                  Refine
                </button>
              ),
              offered.compare && onCompare && (
                <button type="button" className={ui.linkButton} onClick={() => onCompare(job)}>
                  Compare
                </button>
              ),
            ),
            wrapsAsOne(
              offered.rerun && (
                <ActionLink off={busy} onClick={() => onRerun(job)}>
                  Re-run
                </ActionLink>
              ),
              offered.editSettings && (
                <button type="button" className={ui.linkButton} onClick={() => onEditSettings(job)}>
                  Edit settings
                </button>
              ),
            ),
          )}
        />
        {ownError && (
          <p ref={errorNotice} role="alert" className={ui.alert}>
            {ownError.message}
          </p>
        )}
        {refine.open && (
          <RefineForm
            {...refine.box}
            costUsd={job.usage?.estimated_cost_usd ?? null}
            busy={busy}
            onSubmit={(words) => {
              void onRefine(job, words).then((started) => started && refine.sent());
            }}
          />
        )}
      </div>
    </li>
  );
}

/**
 * A row's actions: what is done with the job first (Cancel; Save and Download), then what
 * follows from it. On a phone, where all of them took two 44 px lines, the follow-ups wait
 * behind **More** (a disclosure button: pressed, they show after it, in Tab's order), so a
 * row is one line of actions; a row with nothing before them shows them as they are. On a
 * wider screen More is not shown and the follow-ups always are (see the CSS).
 */
function RowActions({ cancel, keep, followUps }: { cancel: ReactNode; keep: ReactNode; followUps: ReactNode }) {
  const [more, setMore] = useState(false);
  const id = useId();
  const folds = Boolean(cancel || keep) && Boolean(followUps);
  return (
    <div className={styles.actions}>
      {cancel}
      {keep}
      {folds && (
        <button
          type="button"
          className={`${ui.linkButton} ${styles.more}`}
          aria-expanded={more}
          aria-controls={id}
          onClick={() => setMore(!more)}
        >
          More<span aria-hidden="true">{more ? " ▴" : " ▾"}</span>
        </button>
      )}
      {followUps && (
        <span id={id} className={folds && !more ? `${styles.followUps} ${styles.folded}` : styles.followUps}>
          {followUps}
        </span>
      )}
    </div>
  );
}

/** Two of a row's links (or groups of them) that wrap as one (see `ui.linkGroup`); the one
 * offered alone as it is; nothing when neither is. */
function wrapsAsOne(first: ReactNode, second: ReactNode): ReactNode {
  if (!first || !second) return first || second || null;
  return (
    <span className={ui.linkGroup}>
      {first}
      {second}
    </span>
  );
}

/** When a job waiting to retry is tried next, and why when it says, in its card's words
 * ("Gemini is busy · Attempt 2 of 5 in 25 s"), counted down while the page can check on it.
 * Its own clock: the row does not render again each second. */
function NextAttempt({ job, at, ticking }: { job: Job; at: Date; ticking: boolean }) {
  const now = useNow(ticking);
  const why = retryingBecause(job);
  return (
    <p className={styles.retry}>
      {why && (
        <>
          <span className={styles.retryWhy}>{why.alone}</span> ·{" "}
        </>
      )}
      <span>{nextAttemptText(job, at, now)}</span>
    </p>
  );
}

/** A row's prompt, three lines at most; when it is cut there, "Show all" opens it whole (and
 * "Show less" closes it), so a long prompt can be read without copying it into the form. */
function Prompt({ text }: { text: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  const [whole, setWhole] = useState(false);
  const [cut, setCut] = useState(false);
  useLayoutEffect(() => {
    const prompt = ref.current;
    if (!prompt || whole) return;
    const measure = () => setCut(prompt.scrollHeight > prompt.clientHeight + 1);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(prompt);
    return () => observer.disconnect();
  }, [text, whole]);
  return (
    <>
      <p ref={ref} className={`${styles.prompt} ${whole ? styles.whole : ""}`} title={text}>
        “{text}”
      </p>
      {(cut || whole) && (
        <button type="button" className={`${ui.linkButton} ${styles.promptToggle}`} onClick={() => setWhole(!whole)} aria-expanded={whole}>
          {whole ? "Show less" : "Show all"}
        </button>
      )}
    </>
  );
}
