import { useState } from "react";

import type { HostIdentity, Job } from "../../../api/imageGeneration";
import { jobNamedBy } from "../job/saved";
import { useJobs } from "./use-jobs";

/**
 * The generation whose image the identity shows, read by itself when the jobs the page read
 * do not hold it: an image saved weeks ago, 20 generations and more down the history. Without
 * it a Save over it had no Undo (the page did not know which generation to put back) and
 * Compare no "Current". Its image path names it (see `jobNamedBy`); an image the host set
 * itself names none, so is not asked for, and another identity's generation is not taken.
 *
 * Read once the history's first page is (`known` is then defined: the page's jobs, which most
 * often hold it), and kept while the admin stays on the identity: after a Save over it, it is
 * the generation Undo puts back.
 */
export function useCurrentImageJob(identity: HostIdentity | null, known: readonly Job[] | undefined): Job | null {
  const identityId = identity?.id ?? null;
  const [wanted, setWanted] = useState<{ identityId: string | null; jobId: string | null }>({ identityId, jobId: null });
  const pathJobId = jobNamedBy(identity?.image_path);
  // Set during render, React's way to adjust state to what changed.
  if (wanted.identityId !== identityId) {
    setWanted({ identityId, jobId: null });
  } else if (
    pathJobId !== null &&
    pathJobId !== wanted.jobId &&
    known !== undefined &&
    !known.some((job) => job.id === pathJobId)
  ) {
    setWanted({ identityId, jobId: pathJobId });
  }
  const jobId = wanted.identityId === identityId ? wanted.jobId : null;
  const [read] = useJobs(jobId === null ? [] : [jobId]);
  const job = read?.data;
  return job && job.identity_id === identityId && job.status === "succeeded" ? job : null;
}
