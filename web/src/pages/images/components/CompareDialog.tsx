import { useId, useRef, useState, type CSSProperties, type ReactNode } from "react";

import type { HostIdentity, Job } from "../../../api/imageGeneration";
import { useFocusAfterUndo } from "../hooks/use-focus-after-undo";
import type { ActionFailure } from "../hooks/use-job-actions";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import { useModalDialog } from "../hooks/use-modal-dialog";
import { useSessionState } from "../hooks/use-session-state";
import type { UndoOffer } from "../hooks/use-undo-save";
import {
  fullSizeUrl,
  identityImageUrl,
  identityPictureSources,
  pictureSources,
  previewUrl,
  SHOWN_WIDTH,
} from "../job/picture";
import { isSaving, SAVED_NOW } from "../job/saved";
import { createdLabel } from "../job/time";
import { usePictureRatio } from "../hooks/use-picture-ratio";
import { isUpright, jobRatio } from "../shape";
import ui from "../ui.module.css";
import styles from "./CompareDialog.module.css";
import { AskedFor } from "./AskedFor";
import { CompareOverlay, CURRENT, overlaidOf } from "./CompareOverlay";
import { FirstWordSeen } from "./FirstWordSeen";
import { ResultPicture } from "./ResultPicture";
import { UndoSave } from "./UndoSave";
import { ViewSwitch } from "./ViewSwitch";

type CompareView = "side" | "overlaid";
const isCompareView = (value: unknown): value is CompareView => value === "side" || value === "overlaid";
const COMPARE_VIEWS = [
  { view: "side", label: "Side by side" },
  { view: "overlaid", label: "Overlaid" },
] as const;

/** A result to compare, what to call it ("Variant 2 of 3") and its Save button's words
 * (each its own, for a screen reader's list of buttons). */
export interface Candidate {
  job: Job;
  label: string;
  saveText: string;
}

/**
 * Results side by side, with the identity's current image when it has one (see
 * `useCompare` for which). Each result not already the identity's can be saved from here. Two
 * of one shape can also be laid one over the other (`CompareOverlay`).
 */
export function CompareDialog({
  title,
  about = null,
  candidates,
  identity,
  currentJobId,
  onSave,
  savingIds,
  undoOf = () => null,
  failure,
  onClose,
}: {
  title: string;
  /** The click whose variants it shows, said under the title (see `useCompare`). */
  about?: Job | null;
  candidates: Candidate[];
  identity: HostIdentity;
  /** The job whose image the identity shows now: that candidate is the current image. */
  currentJobId: string | null;
  onSave: (job: Job) => void;
  /** The jobs whose save is out (see `isSaving`). */
  savingIds: readonly string[];
  /** The Undo a saved one offers beside its "Saved to identity", if any (see `useUndoSave`). */
  undoOf?: (job: Job) => UndoOffer | null;
  /** Why a save asked from the dialog did not go through: said on its figure. */
  failure: ActionFailure | null;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const aboutId = useId();
  useModalDialog(ref);
  // The identity as the dialog opened over it. Once a save from here replaced its image, that
  // image stays in its place, "Replaced", beside the saved one and its Undo: gone, the pictures
  // drew themselves again under the pointer (three a line became two), and the admin lost
  // sight of what Undo would put back. Undone, it reads "Current" again.
  const [openedOver] = useState(identity);
  const [currentAtOpening] = useState(currentJobId);
  const replaced =
    identity.image_path !== openedOver.image_path &&
    identityImageUrl(openedOver) !== null &&
    !candidates.some(({ job }) => job.id === currentAtOpening);
  const shownImage = replaced ? openedOver : identity;
  const currentName = replaced ? "Replaced" : "Current";
  const current = identityImageUrl(shownImage);
  // The current image on its own, unless it is one of the candidates (a variant saved).
  const showCurrent = current !== null && (replaced || !candidates.some(({ job }) => job.id === currentJobId));
  // Upright pictures share one line where they fit (see `.upright`): how many there are.
  const upright = candidates.every(({ job }) => isUpright(job.aspect_ratio));

  // The current image by its renditions where it has them, as the results are shown: one
  // sharper than the other would look better for no reason of its own (and its preview is the
  // page's thumbnail, in the cache); its full size, a 4K image of some 30 MB, behind its link.
  const currentSources = showCurrent ? identityPictureSources(shownImage) : null;
  // Its shape, once the browser has it (at once: the page's thumbnail of it is cached), for
  // the overlay and for the side-by-side layout (`compareLayout`) both.
  const currentRatio = usePictureRatio(currentSources?.src ?? null);
  // Two pictures of one shape can also be laid one over the other.
  const currentPicture = currentSources
    ? { ...currentSources, label: currentName, alt: `${currentName}: ${identity.name}`, ratio: currentRatio }
    : null;
  const overlaid = overlaidOf(candidates, currentPicture);
  const ratios = [...(currentPicture ? [currentRatio ?? 1] : []), ...candidates.map(({ job }) => jobRatio(job))];
  const layout = compareLayout(upright, ratios);
  // The view last chosen, in this browser: an admin who compares overlaid need not ask each time.
  const [view, setView] = useSessionState<CompareView>("compareView", "side", isCompareView, "browser");
  const figureOf = ({ job, label, saveText }: Candidate, picture = true, named = true) => (
    <CandidateFigure
      key={job.id}
      job={job}
      label={label}
      named={named}
      picture={picture}
      isCurrent={job.id === currentJobId}
      saveText={saveText}
      saving={isSaving(job, savingIds)}
      onSave={onSave}
      undo={undoOf(job)}
      failure={failure?.jobId === job.id ? failure.message : null}
    />
  );
  // A save made here is said in a region there from the dialog's opening (a badge that comes
  // with its words is not read by every screen reader); the one saved before, as it opens, is
  // read with its figure, not announced.
  const savedHere = currentJobId !== currentAtOpening ? candidates.find(({ job }) => job.id === currentJobId) : undefined;
  return (
    <dialog ref={ref} className={styles.dialog} aria-labelledby={titleId} aria-describedby={about ? aboutId : undefined} onClose={onClose}>
      <p className={ui.visuallyHidden} role="status">
        {savedHere ? `${savedHere.label}: ${SAVED_NOW.toLowerCase()}.` : ""}
      </p>
      <div className={styles.dialogHeader}>
        <div className={styles.heading}>
          <h2 id={titleId} className={ui.sectionTitle}>
            {title}
          </h2>
          {about && (
            <p id={aboutId} className={styles.about}>
              {createdLabel(about)} · <AskedFor job={about} />
            </p>
          )}
        </div>
        {/* Named for what it closes, as the page's other Closes are (a notice's, Refine's). */}
        <button type="button" className={ui.button} onClick={onClose} aria-label="Close Compare">
          Close
        </button>
      </div>
      {overlaid && (
        <div className={styles.views}>
          <ViewSwitch name="View" views={COMPARE_VIEWS} shown={view} onShow={setView} />
        </div>
      )}
      {overlaid && view === "overlaid" ? (
        // Two at a time, each one's name (and Save) under its side.
        <CompareOverlay
          overlaid={overlaid}
          captionOf={({ key }, named) => {
            const candidate = candidates.find(({ job }) => job.id === key);
            if (candidate) return figureOf(candidate, false, named);
            return named ? (
              <figure key={CURRENT} className={styles.figure} aria-label={currentName}>
                <figcaption className={styles.caption}>{currentName}</figcaption>
              </figure>
            ) : null;
          }}
        />
      ) : (
        <div className={layout.className} style={layout.style}>
          {current && currentSources && (
            <figure className={styles.figure}>
              <OpensFullSize href={current} name={`${currentName} image, full size`}>
                <ResultPicture
                  {...currentSources}
                  sizes={SHOWN_WIDTH.compare}
                  alt={`${currentName}: ${identity.name}`}
                  className={styles.compareImage}
                />
              </OpensFullSize>
              <figcaption className={styles.caption}>{currentName}</figcaption>
            </figure>
          )}
          {candidates.map((candidate) => figureOf(candidate))}
        </div>
      )}
    </dialog>
  );
}

/** One result in the dialog: its preview (not when the overlay shows it), its name, and its
 * Save until it is the current image; then the green badge its card shows takes Save's place,
 * with the save's Undo after it, and the figure keeps the focus Save had. Undone, Save is back
 * and takes the focus from Undo. */
function CandidateFigure({
  job,
  label,
  named,
  picture,
  isCurrent,
  saveText,
  saving,
  onSave,
  undo,
  failure,
}: {
  job: Job;
  label: string;
  /** Its caption says its label (not under Overlaid's list, which says it). */
  named: boolean;
  picture: boolean;
  isCurrent: boolean;
  saveText: string;
  /** Its save is out (see `isSaving`). */
  saving: boolean;
  onSave: (job: Job) => void;
  undo: UndoOffer | null;
  failure: string | null;
}) {
  const figure = useKeepsFocus<HTMLElement>();
  // Undone, Save shows again in the badge's place: the focus goes there from Undo (the figure,
  // which took it first, by its job's id, gives it on).
  const { save: saveRef, undo: undoFocus } = useFocusAfterUndo();
  const preview = previewUrl(job);
  return (
    <figure className={styles.figure} aria-label={label} data-job-id={job.id} {...figure}>
      {picture && preview && (
        <OpensFullSize href={fullSizeUrl(job) ?? preview} name={`${label}, full size`}>
          <ResultPicture
            {...(pictureSources(job) ?? { src: preview })}
            sizes={SHOWN_WIDTH.compare}
            alt={label}
            className={styles.compareImage}
          />
        </OpensFullSize>
      )}
      <figcaption className={styles.caption}>
        {named && <span>{label}</span>}
        {isCurrent ? (
          <span className={styles.savedSlot}>
            <span className={ui.badgeOk}>
              <span aria-hidden="true">✓</span>
              {/* In a narrow column, as Save says "Save", it says "Saved", which leaves the
                  save's Undo room beside it ("✓ Saved Undo" in a phone's half of Overlaid). */}
              <FirstWordSeen words={SAVED_NOW} classes={{ whole: styles.savedWhole, first: styles.savedFirst }} />
            </span>
            {undo && <UndoSave offer={undo} of={savesWhat(saveText)} focus={undoFocus} />}
          </span>
        ) : (
          // Stays focusable while saving (aria-disabled): the click that saves keeps its place.
          <button ref={saveRef} type="button" className={ui.primary} onClick={() => !saving && onSave(job)} aria-disabled={saving}>
            {saving ? "Saving…" : <SaveWords text={saveText} />}
          </button>
        )}
        {failure && (
          <span role="alert" className={`${ui.alert} ${styles.failure}`}>
            {failure}
          </span>
        )}
      </figcaption>
    </figure>
  );
}

/** Save's words ("Save variant 2 of 4 to identity"): in a narrow column only "Save" shows,
 * under the name that says which (the rest is still its name, for a screen reader and a
 * voice command, which start with the word seen), rather than three lines of them. */
function SaveWords({ text }: { text: string }) {
  const [first, ...rest] = text.split(" ");
  // One flex item of the button: its gap is not a word's.
  return (
    <span>
      {first} <span className={styles.saveRest}>{rest.join(" ")}</span>
    </span>
  );
}

/** What a Save of the dialog saves, by its words ("Save the earlier image to identity": "the
 * earlier image"): its Undo is named for it ("Undo saving the earlier image"); a figure's own
 * name, "Before", would read "Undo saving the before". */
function savesWhat(saveText: string): string {
  return saveText.replace(/^Save (.+) to identity$/, "$1");
}

/** A picture that opens its full size in a new tab: a tap or a click on it, as on its card (a
 * phone's screen shows a face better whole than in the dialog), or Enter. */
function OpensFullSize({ href, name, children }: { href: string; name: string; children: ReactNode }) {
  return (
    <a className={styles.imageLink} href={href} target="_blank" rel="noreferrer" aria-label={`${name} (new tab)`}>
      {children}
    </a>
  );
}

/** How the pictures are laid out, by their shapes (width over height): upright ones in one
 * line where they fit (`--count` of them); landscape ones, four or more, on two lines that
 * both stay in view (two a line for four, three for five: the current image and four
 * variants); else one line whose columns are as wide as each picture's shape asks, all as
 * tall. On a screen taller than wide (a tablet held upright) the lines are fewer pictures
 * long, whatever the layout (`tallLines`). */
function compareLayout(upright: boolean, ratios: number[]): { className: string; style: CSSProperties } {
  const count = { "--count": ratios.length, ...tallLines(ratios) } as CSSProperties;
  if (upright) return { className: `${styles.compare} ${styles.upright}`, style: count };
  if (ratios.length >= 4 && ratios.every((ratio) => ratio > 1)) {
    const perLine = ratios.length > 4 ? 3 : 2;
    const lines = { "--per-line": perLine, "--lines": Math.ceil(ratios.length / perLine) } as CSSProperties;
    return { className: `${styles.compare} ${styles.lines}`, style: { ...count, ...lines } };
  }
  const columns = ratios.map((ratio) => `minmax(0, ${ratio.toFixed(3)}fr)`).join(" ");
  return { className: `${styles.compare} ${styles.shaped}`, style: { ...count, "--columns": columns } as CSSProperties };
}

/** How many pictures a line holds on a screen taller than wide (`--tall-per-line`), and how
 * many lines that makes (`--tall-lines`, each picture kept to its share of the window's
 * height: all of them and their Saves in view). The count that makes the pictures largest on a
 * portrait tablet (768 to 1024 px wide, some 1.4 times as tall): landscape ones one a line
 * when there are two (two stacked are 590 px wide on a 768 by 1024 screen, 336 side by side),
 * else two a line; upright ones two a line, and three for five (on three lines of two, each
 * picture's share of the height leaves it no larger than three a line do). */
function tallLines(ratios: number[]): Record<"--tall-per-line" | "--tall-lines", number> {
  const landscape = ratios.every((ratio) => ratio > 1);
  const perLine = landscape ? (ratios.length <= 2 ? 1 : 2) : ratios.length <= 4 ? 2 : 3;
  return { "--tall-per-line": perLine, "--tall-lines": Math.ceil(ratios.length / perLine) };
}
