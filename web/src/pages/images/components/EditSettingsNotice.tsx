import type { Ref } from "react";

import type { Job } from "../../../api/imageGeneration";
import { countOf } from "../config";
import type { TakenPhotos } from "../hooks/use-edit-settings";
import { createdPhrase } from "../job/time";
import ui from "../ui.module.css";
import styles from "./EditSettingsNotice.module.css";

interface Props {
  ref?: Ref<HTMLDivElement>;
  /** Its words' id: the prompt, which has the focus as it appears, is described by them (a
   * status that appears with its words is not read by every screen reader). */
  textId?: string;
  job: Job;
  /** What became of the photos it put in the form; null when it kept none. */
  photos: TakenPhotos | null;
  /** The form held them already: nothing seen changed, nothing to undo. */
  already?: boolean;
  /** The job's time as its history row says it (see `askedPhrases`); its own time else. */
  askedAt?: ((job: Job) => string) | undefined;
  onUndo: () => void;
  onClose: () => void;
  /** Called after Undo or Close, which take the notice (and the focus in it) off the page:
   * gives the focus to what comes next, e.g. the prompt. */
  focusAfter?: () => void;
}

/** What "Edit settings" put into the form, with the way back. */
export function EditSettingsNotice({ ref, textId, job, photos, already = false, askedAt = createdPhrase, onUndo, onClose, focusAfter }: Props) {
  const from = `from the generation of ${askedAt(job)}`;
  const text = already
    ? `The form holds the settings and photos ${from} already: change what you like, and Generate.`
    : photos === null
      ? `The settings ${from} are in the form. It kept no photos, so yours stay.`
      : `${photos.used > 0 ? `The settings and ${countOf(photos.used, "photo")}` : "The settings"} ${from} are in the form.`;
  // A refinement edits the earlier result; the form makes a new image from the photos.
  const refinement =
    job.kind === "refine" && job.instruction
      ? ` Its refinement (“${job.instruction}”) is not: use Refine on a result for that.`
      : "";
  const then = (action: () => void) => () => {
    action();
    focusAfter?.();
  };
  return (
    // The status is its words alone: a screen reader said "…and Generate.Close".
    <div ref={ref} className={styles.notice}>
      <p id={textId} className={styles.text} role="status">
        {text}
        {refinement}
        {photos && notSentText(photos)}
      </p>
      <div className={styles.actions}>
        {!already && (
          <button type="button" className={ui.linkButton} onClick={then(onUndo)}>
            Undo
          </button>
        )}
        {/* Named for what it closes, among the page's other Closes (Refine's, Compare's). */}
        <button type="button" className={ui.linkButton} onClick={then(onClose)} aria-label="Close this notice">
          Close
        </button>
      </div>
    </div>
  );
}

/** The photos it put in that the next Generate does not send, counted apart from those it
 * does: the ones over the count, which wait for a place (the form's note under the photos says
 * why, once), and the ones the page refused (a generation could not use one, the browser
 * cannot draw one; why is said on each tile). */
function notSentText({ used, waiting, refused }: TakenPhotos): string {
  const which = used > 0 ? "other " : "";
  const waits = waiting === 1 ? "1 waits for a place" : `${waiting} wait for a place`;
  const why = refused === 1 ? "its tile says why" : "their tiles say why";
  if (waiting > 0 && refused > 0) return ` Of its ${which}photos, ${waits} and ${refused} cannot be used: ${why}.`;
  if (waiting > 0) return waiting === 1 ? ` Its ${which}photo waits for a place.` : ` Its ${waiting} ${which}photos wait for a place.`;
  if (refused > 0) return refused === 1 ? ` Its ${which}photo cannot be used: ${why}.` : ` Its ${refused} ${which}photos cannot be used: ${why}.`;
  return "";
}
