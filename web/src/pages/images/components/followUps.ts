import type { Job } from "../../../api/imageGeneration";
import type { WithoutItFollowUp } from "./GenerateWithoutIt";

/** What can follow a job, from its card or its history row (`offeredActions` says which
 * each offers). */
export interface FollowUps {
  /** Asks for the refinement; whether it started (the box keeps the words when it did not). */
  onRefine: (job: Job, instruction: string) => Promise<boolean>;
  onRerun: (job: Job) => void;
  /** Re-run several failed jobs with one press (the result pane's "Re-run the 3 failed"):
   * the re-runs that started. */
  onRerunEach?: (jobs: readonly Job[]) => Promise<readonly Job[]>;
  /** The jobs whose re-run, asked together, is out. */
  rerunningIds?: readonly string[];
  /** Put the job's settings and photos in the form, to change and run again. */
  onEditSettings: (job: Job) => void;
  /** Open the result beside the identity's current image, or the click's variants side by
   * side; null when there is nothing to compare with. */
  onCompare: ((job: Job) => void) | null;
  /** Whether a job has anything to compare it with (unsaid: each has). */
  compares?: (job: Job) => boolean;
  /** A new generation is being asked for: Refine and Re-run wait for it. */
  busy: boolean;
  /** A card that failed because one of its photos could not be used offers to generate its
   * click again without it; unsaid where it is not offered (the history). */
  withoutIt?: WithoutItFollowUp;
}
