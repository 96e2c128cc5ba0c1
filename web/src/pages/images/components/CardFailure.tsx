import type { Job } from "../../../api/imageGeneration";
import type { OfferedActions } from "../job/actions";
import { describeFailure } from "../job/failure";
import { actionName } from "../job/names";
import type { WithoutIt } from "../job/without";
import { formatUsd } from "../config";
import ui from "../ui.module.css";
import styles from "./GeneratedImageDisplay.module.css";
import { ActionLink } from "./ActionLink";
import type { FollowUps } from "./followUps";
import { GenerateWithoutIt } from "./GenerateWithoutIt";

/** Why a job ended without an image. Not an alert: the grid's live region says once that the
 * job failed; a failure seen on arrival (another identity, a reload) is read like the rest of
 * the page. */
export function CardFailure({ job, reasonSaidAbove, note = null }: { job: Job; reasonSaidAbove: boolean; note?: string | null }) {
  // Canceled is all there is to say: the admin canceled it, and its card stays as it was.
  if (job.status === "canceled") {
    return (
      <div className={styles.canceled}>
        <strong>Canceled</strong>
      </div>
    );
  }
  const failure = describeFailure(job);
  // Gemini bills an answer without an image too (a refusal, text only): what this one cost.
  const billed = job.usage?.estimated_cost_usd;
  // Said once above the cards when the click's variants all failed for it: side by side, each
  // card said it again. Its title stays with the card for a screen reader, which reads a card
  // on its own.
  return (
    <div className={styles.failure}>
      {reasonSaidAbove ? (
        <strong>
          Failed<span className={ui.visuallyHidden}>: {failure?.title}</span>
        </strong>
      ) : (
        <>
          <strong>{failure?.title ?? "No image"}</strong>
          {failure?.detail && <span>{failure.detail}</span>}
        </>
      )}
      {note && <span>{note}</span>}
      {billed != null && billed > 0 && <span className={styles.billed}>Gemini billed about {formatUsd(billed)} for its answer.</span>}
    </div>
  );
}

/** A failed or canceled job's row: Re-run (when it could end otherwise), Generate without it
 * (when it failed on a photo), and Edit settings (unless the click's is above the cards). */
export function TryAgainActions({
  job,
  title,
  offered,
  followUps,
  without,
  edit,
}: {
  job: Job;
  title: string;
  offered: OfferedActions;
  followUps: FollowUps;
  without: WithoutIt | null;
  /** Its own Edit settings (none where the click's is above the cards). */
  edit: boolean;
}) {
  return (
    <footer className={`${styles.actions} ${styles.links}`}>
      {without && followUps.withoutIt && (
        <GenerateWithoutIt job={job} title={title} without={without} followUp={followUps.withoutIt} busy={followUps.busy} />
      )}
      {offered.rerun && (
        <ActionLink off={followUps.busy} onClick={() => followUps.onRerun(job)} label={actionName("Re-run", title)}>
          Re-run
        </ActionLink>
      )}
      {edit && (
        <ActionLink onClick={() => followUps.onEditSettings(job)} label={actionName("Edit settings", title)}>
          Edit settings
        </ActionLink>
      )}
    </footer>
  );
}
