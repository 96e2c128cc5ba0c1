import type { Job } from "../../../api/imageGeneration";
import { countOf } from "../config";
import { createdPhrase } from "../jobView";
import ui from "../ui.module.css";
import styles from "./EditSettingsNotice.module.css";

interface Props {
  job: Job;
  /** How many of its photos came with it; null when it kept none. */
  photos: number | null;
  onUndo: () => void;
  onClose: () => void;
  /** Called after Undo or Close, which take the notice (and the focus in it) off the page:
   * gives the focus to what comes next, e.g. the prompt. */
  focusAfter?: () => void;
}

/** What "Edit settings" put into the form, with the way back. */
export function EditSettingsNotice({ job, photos, onUndo, onClose, focusAfter }: Props) {
  const from = `from the generation of ${createdPhrase(job)}`;
  const text =
    photos === null
      ? `The settings ${from} are in the form. It kept no photos, so yours stay.`
      : `The settings and ${countOf(photos, "photo")} ${from} are in the form.`;
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
    <div role="status" className={styles.notice}>
      <p className={styles.text}>
        {text}
        {refinement}
      </p>
      <div className={styles.actions}>
        <button type="button" className={ui.linkButton} onClick={then(onUndo)}>
          Undo
        </button>
        <button type="button" className={ui.linkButton} onClick={then(onClose)}>
          Close
        </button>
      </div>
    </div>
  );
}
