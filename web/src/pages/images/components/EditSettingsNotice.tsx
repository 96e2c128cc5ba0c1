import type { Job } from "../../../api/imageGeneration";
import { createdLabel } from "../jobView";
import ui from "../ui.module.css";
import styles from "./EditSettingsNotice.module.css";

interface Props {
  job: Job;
  /** How many of its photos came with it; null when it kept none. */
  photos: number | null;
  onUndo: () => void;
  onClose: () => void;
}

/** What "Edit settings" put into the form, with the way back. */
export function EditSettingsNotice({ job, photos, onUndo, onClose }: Props) {
  const what =
    photos === null
      ? "its settings. It kept no photos, so the form's stay"
      : `its settings and its ${photos} photo${photos === 1 ? "" : "s"}`;
  return (
    <div role="status" className={styles.notice}>
      <p className={styles.text}>
        The form has the generation of {createdLabel(job)}: {what}.
      </p>
      <div className={styles.actions}>
        <button type="button" className={ui.linkButton} onClick={onUndo}>
          Undo
        </button>
        <button type="button" className={ui.linkButton} onClick={onClose} aria-label="Close this notice">
          ×
        </button>
      </div>
    </div>
  );
}
