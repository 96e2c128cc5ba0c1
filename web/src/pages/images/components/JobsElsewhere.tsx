import type { ClickElsewhere } from "../hooks/use-shown-jobs";
import ui from "../ui.module.css";
import styles from "./JobsElsewhere.module.css";

interface Props {
  clicks: ClickElsewhere[];
  onShow: (click: ClickElsewhere) => void;
  onDismiss: (click: ClickElsewhere) => void;
}

/** Clicks the admin left while they ran, for another identity: still running, or how they
 * ended, with the way back to each. One live region, there before anything is in it. */
export function JobsElsewhere({ clicks, onShow, onDismiss }: Props) {
  return (
    <div role="status" className={clicks.length > 0 ? styles.list : undefined}>
      {clicks.map((click) => (
        <p key={click.identityId} className={click.moving ? styles.running : styles.ended}>
          {click.moving && <span className={ui.spinner} aria-hidden="true" />}
          <span className={styles.text}>{sentenceOf(click)}</span>
          <button type="button" className={ui.linkButton} onClick={() => onShow(click)}>
            Show
          </button>
          <button type="button" className={ui.linkButton} onClick={() => onDismiss(click)}>
            Dismiss<span className={ui.visuallyHidden}> {click.identityName}</span>
          </button>
        </p>
      ))}
    </div>
  );
}

/** "Still generating for Alice the chef (2 variants).", "Ready for Alice the chef: 2 images.",
 * "Done for Alice the chef: 1 image, 1 failed.", "Failed for Alice the chef.", "Canceled for
 * Alice the chef.", "Ended for Alice the chef." (its jobs can no longer be read). */
export function sentenceOf({ identityName, jobs, count: made, moving }: ClickElsewhere): string {
  if (moving) return `Still generating for ${identityName}${made > 1 ? ` (${made} variants)` : ""}.`;
  const images = jobs.filter((job) => job.status === "succeeded").length;
  const failed = jobs.filter((job) => job.status === "failed").length;
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (images === 0 && failed > 0) return `Failed for ${identityName}.`;
  if (images === 0) return jobs.length > 0 ? `Canceled for ${identityName}.` : `Ended for ${identityName}.`;
  if (failed === 0) return `Ready for ${identityName}: ${count(images, "image")}.`;
  return `Done for ${identityName}: ${count(images, "image")}, ${failed} failed.`;
}
