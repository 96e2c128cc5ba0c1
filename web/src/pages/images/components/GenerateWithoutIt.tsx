import type { Job } from "../../../api/imageGeneration";
import { withoutItName, type WithoutIt } from "../job/without";
import { ActionLink } from "./ActionLink";

/** What a card that failed on a photo offers of "Generate without it" (see `FollowUps`). */
export interface WithoutItFollowUp {
  /** The click of `job` without the photo it could not use; null when it did not fail on one. */
  of: (job: Job) => WithoutIt | null;
  /** Takes the photo out of the form, as its tile's Remove does, and generates the click again
   * with the same settings and the rest of its photos. */
  generate: (job: Job, without: WithoutIt) => void;
}

/**
 * "Generate without it" on a card that failed because one of its photos could not be used: one
 * press, not Edit settings, Remove and Generate. Not offered when no photo would be left (the
 * card says why: see `NONE_LEFT`).
 */
export function GenerateWithoutIt({
  job,
  title,
  without,
  followUp,
  busy,
}: {
  job: Job;
  /** The card's title, which the action's name ends with. */
  title: string;
  without: WithoutIt;
  followUp: WithoutItFollowUp;
  /** A start is out: it waits for it. */
  busy: boolean;
}) {
  if (without.keys.length === 0) return null;
  return (
    <ActionLink off={busy} onClick={() => followUp.generate(job, without)} label={withoutItName(without.photo, title)}>
      Generate without it
    </ActionLink>
  );
}
