import type { ClickElsewhere } from "../hooks/use-shown-jobs";
import { useKeepsFocus } from "../hooks/use-keeps-focus";
import ui from "../ui.module.css";
import styles from "./JobsElsewhere.module.css";

interface Props {
  clicks: ClickElsewhere[];
  onShow: (click: ClickElsewhere) => void;
  onDismiss: (click: ClickElsewhere) => void;
}

/** Clicks the admin left while they ran, for another identity: still running, or how they
 * ended, with the way back to each. The sentences are said in one live region, there before
 * any of them; the list keeps the focus when its focused Dismiss goes. */
export function JobsElsewhere({ clicks, onShow, onDismiss }: Props) {
  const list = useKeepsFocus<HTMLDivElement>();
  return (
    <>
      <p className={ui.visuallyHidden} aria-live="polite">
        {clicks.map(sentenceOf).join(" ")}
      </p>
      <div
        {...list}
        role="group"
        aria-label="Generations elsewhere"
        className={clicks.length > 0 ? styles.list : undefined}
      >
        {clicks.map((click) => (
          <div key={click.identityId} className={`${styles.item} ${styles[toneOf(click)]}`}>
            {click.moving && <span className={ui.spinner} aria-hidden="true" />}
            <span className={styles.text}>{sentenceOf(click)}</span>
            <span className={styles.actions}>
              <button
                type="button"
                className={ui.linkButton}
                aria-label={`Show ${click.identityName}`}
                onClick={() => onShow(click)}
              >
                Show
              </button>
              <button
                type="button"
                className={ui.linkButton}
                aria-label={`Dismiss ${click.identityName}`}
                onClick={() => onDismiss(click)}
              >
                Dismiss
              </button>
            </span>
          </div>
        ))}
      </div>
    </>
  );
}

/** The notice's colour: running, all ready, some failed, none made. */
function toneOf({ jobs, moving }: ClickElsewhere): "running" | "ready" | "partial" | "failed" {
  if (moving) return "running";
  const images = jobs.filter((job) => job.status === "succeeded").length;
  if (images === 0) return "failed";
  return images === jobs.length ? "ready" : "partial";
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
