import { useEffect, useRef } from "react";

import type { HostIdentity, Job } from "../../../api/imageGeneration";
import { identityImageUrl, previewUrl } from "../jobView";
import ui from "../ui.module.css";
import styles from "./CompareDialog.module.css";

/** The identity's current image beside a result, to choose before saving. */
export function CompareDialog({
  job,
  identity,
  onSave,
  onClose,
}: {
  job: Job;
  identity: HostIdentity;
  onSave: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    // React removes the dialog before closing it, so the browser cannot give the focus back.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    }
    dialog?.querySelector("button")?.focus();
    return () => {
      dialog?.close?.();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const current = identityImageUrl(identity);
  const result = previewUrl(job);
  return (
    <dialog ref={ref} className={styles.dialog} aria-labelledby="ii-compare-title" onClose={onClose}>
      <div className={styles.dialogHeader}>
        <h2 id="ii-compare-title" className={ui.sectionTitle}>
          Compare with the current image
        </h2>
        <div className={styles.dialogActions}>
          <button type="button" className={ui.button} onClick={onClose}>
            Close
          </button>
          <button type="button" className={ui.primary} onClick={onSave} disabled={job.apply?.status === "pending"}>
            Save this result to identity
          </button>
        </div>
      </div>
      <div className={styles.compare}>
        <figure className={styles.figure}>
          {current && <img src={current} alt={`Current: ${identity.name}`} className={styles.compareImage} />}
          <figcaption>Current</figcaption>
        </figure>
        <figure className={styles.figure}>
          {result && <img src={result} alt="This result" className={styles.compareImage} />}
          <figcaption>This result</figcaption>
        </figure>
      </div>
    </dialog>
  );
}
