import { useId, useRef, useState, type ReactNode, type Ref } from "react";

import type { HostIdentity, Job } from "../../../api/imageGeneration";
import { batchId } from "../job/state";
import { SHORTCUT_NAME } from "./GenerateBar";
import type { ActionFailure } from "../hooks/use-job-actions";
import { useCutShort } from "../hooks/use-cut-short";
import { useSeenWhenSaid } from "../hooks/use-seen-when-said";
import { CurrentImage } from "./IdentitySelector";
import { photosAsideNote } from "./UserSelector";
import { VariantsGrid, type VariantsGridProps } from "./VariantsGrid";
import ui from "../ui.module.css";
import styles from "./ResultPane.module.css";

interface Props extends Omit<VariantsGridProps, "jobs"> {
  ref?: Ref<HTMLElement>;
  identity: HostIdentity | null;
  /** The jobs of the last click, or of the identity's latest batch, with the re-runs and
   * refinements of them that joined it (each after the job it came from). */
  jobs: Job[];
  /** Why the last actions asked from cards (save, cancel, re-run, refine) did not go
   * through, one a job: each said on its job's card (at the pane's top, the newest, if the
   * pane no longer shows it). */
  failures: readonly ActionFailure[];
  /** The user chosen has no identities: nothing can be generated for them. */
  noIdentities: boolean;
  /** What the pane would show is on its way (the identity's history, its click's jobs): it
   * says so, not that there is nothing yet (`useShownJobs`' `paneReading`). */
  reading?: boolean;
  /** While `reading`: the identity's history could not be read so far (the page keeps
   * trying; the history says why). */
  unreadable?: boolean;
  /** What became of this identity's earlier clicks that a newer one took the pane from
   * (`JobsElsewhere`): said above the newer one's cards. */
  earlierClicks?: ReactNode;
  /** Whose photos a Show that brought the admin here put aside (another user's click), while
   * the form says so: said here too, where Show took them. */
  photosPutAsideOf?: string | null;
  /** Takes the admin back to the history row a re-run or refinement shown here was asked from
   * (pages down, where the pane took them up from); null when none was. */
  onBackToHistory?: (() => void) | null;
}

/** Whose image this is, and the variants of the latest click (or how to get some). */
export function ResultPane({
  ref,
  identity,
  jobs,
  failures,
  noIdentities,
  reading = false,
  unreadable = false,
  earlierClicks,
  photosPutAsideOf = null,
  onBackToHistory = null,
  ...grid
}: Props) {
  const onCards = failures.filter((failure) => jobs.some((job) => job.id === failure.jobId));
  const failure = failures.findLast((each) => !onCards.includes(each)) ?? null;
  const failureNotice = useSeenWhenSaid<HTMLParagraphElement>(failure);
  const headingId = useId();
  const asideId = useId();
  return (
    <section ref={ref} className={`${ui.card} ${styles.pane}`} aria-labelledby={headingId} aria-busy={reading && !jobs[0]}>
      <div className={styles.header}>
        {/* Focusable from script only: Show (on a click watched from afar) brings the admin here. */}
        <h2
          id={headingId}
          className={ui.sectionTitle}
          tabIndex={-1}
          aria-describedby={photosPutAsideOf === null ? undefined : asideId}
        >
          Result
        </h2>
        {jobs[0]?.prompt.trim() ? <ClickPrompt prompt={jobs[0].prompt.trim()} /> : null}
        {identity && (
          <div className={styles.identityChip}>
            <CurrentImage identity={identity} size={40} decorative />
            {/* Two lines at most, cut anywhere a single long word must be: the whole name in its title. */}
            <span className={styles.identityName} title={identity.name}>
              {identity.name}
            </span>
          </div>
        )}
      </div>
      {/* The form's own note says it beside the pane on a wide screen; under the form (a
          phone) it is a screen away, where the admin no longer is. Read with the heading Show
          gives the focus to, whatever the width. */}
      {photosPutAsideOf !== null && (
        <p id={asideId} className={`${ui.notice} ${styles.asideNote}`}>
          {photosAsideNote(photosPutAsideOf)}
        </p>
      )}
      {/* Under the header, before the cards: one Shift+Tab from the new card, which has the focus. */}
      {onBackToHistory && (
        <p className={styles.backTo}>
          <button type="button" className={ui.linkButton} onClick={onBackToHistory}>
            <span aria-hidden="true" className={styles.backArrow}>
              ↓
            </span>
            Back to where you were in the history
          </button>
        </p>
      )}
      {earlierClicks}
      {failure && (
        <p ref={failureNotice} role="alert" className={ui.alert}>
          {failure.message}
        </p>
      )}
      {jobs[0] ? (
        // One grid per click shown: the Refine boxes opened on one click's cards are not
        // opened again (and the focus taken) when the admin comes back to its identity.
        <VariantsGrid
          key={batchId(jobs[0])}
          jobs={jobs}
          failures={onCards}
          identityName={identity?.name}
          {...grid}
        />
      ) : reading ? (
        // Not "will appear here" while the identity's generations are read: on a cold start
        // that takes seconds, and would read as an identity that has none. Nor while they
        // could not be read: the identity may have some (the history says why not).
        <div className={styles.empty}>
          <span className={`${ui.spinner} ${styles.readingSpinner}`} aria-hidden="true" />
          <p>{unreadable ? couldNotRead(identity) : readingWhose(identity)}</p>
        </div>
      ) : (
        <div className={styles.empty}>
          <span className={styles.emptyIcon} aria-hidden="true">
            ✦
          </span>
          {/* What the pane holds now, then what to do. A user with no identities (often "Me",
              the page's first user) gets no promise of images that cannot come, and no second
              "Choose a user who has identities." beside the one under Generate. */}
          <p>{noIdentities ? "No identity to generate for." : "Your generated images will appear here."}</p>
          {noIdentities ? null : (
            <p className={ui.muted}>
              Add photos, write a prompt if you like, and press Generate
              <span className={styles.shortcut}> ({SHORTCUT_NAME})</span>.
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/** The pane's words while the identity's history is on its way. */
function readingWhose(identity: HostIdentity | null): string {
  return identity ? `Reading ${identity.name}'s latest generations…` : "Reading the latest generations…";
}

/** The pane's words while the identity's history fails to be read: it keeps trying. */
function couldNotRead(identity: HostIdentity | null): string {
  return `${identity ? `${identity.name}'s` : "The"} latest generations could not be read yet. The page keeps trying.`;
}

/** The prompt of the click on screen, beside the pane's title on one line (the whole in its
 * title): a picture is matched to its words without going down to the history, and a refused
 * prompt is there to rephrase. Left out when the click had none. Cut short by the line's end,
 * a button shows it whole (a touch screen has no tooltip to show its title); a screen reader
 * reads it whole in any case. */
function ClickPrompt({ prompt }: { prompt: string }) {
  const [whole, setWhole] = useState(false);
  const words = useRef<HTMLParagraphElement>(null);
  const cut = useCutShort(words, { text: prompt, whole, direction: "across" });
  return (
    <div className={`${styles.prompt} ${whole ? styles.whole : ""}`}>
      {/* In its own direction (a right-to-left prompt is cut at its end, not its start). */}
      <p ref={words} className={styles.promptWords} title={prompt} dir="auto">
        <span className={ui.visuallyHidden} dir="ltr">
          Prompt:{" "}
        </span>
        “{prompt}”
      </p>
      {(cut || whole) && (
        <button type="button" className={`${ui.linkButton} ${styles.promptToggle}`} aria-expanded={whole} onClick={() => setWhole(!whole)}>
          {whole ? "Show less" : "Show all"}
        </button>
      )}
    </div>
  );
}
