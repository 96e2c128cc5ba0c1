/**
 * Why the admin's actions on jobs did not go through, and where each is said: on the job's
 * card, history row or tile, or its figure in the Compare dialog, where it was asked (see
 * `useJobActions`). One a job at most, the newest last: one press of the result pane's "Re-run
 * the 3 failed" or "Cancel the 2 waiting" asks for several, and each that did not go through
 * is said on its own card. A failure stays said until an action on that job is asked again or
 * goes through, or another follow-up is asked: another job's save landing meanwhile says
 * nothing of it. One the service took, its answer lost, went through.
 */
import { useRef, useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import { notDoneError, wentThrough, type JobAction } from "../errors";
import type { ActionFailure, ActionPlace } from "./use-job-actions";

/** An `ActionFailure`, of which identity's job, and where it was asked. */
export interface ActionError extends ActionFailure {
  identityId: string;
  place: ActionPlace;
}

/** `message` said of `job`, where it was asked (null: nothing to say). */
export function said(job: Job, message: string | null, place: ActionPlace, instruction?: string): ActionError | null {
  if (message === null) return null;
  return { jobId: job.id, identityId: job.identity_id, message, place, ...(instruction !== undefined && { instruction }) };
}

export function useActionErrors() {
  const [errors, setErrors] = useState<readonly ActionError[]>([]);
  // Where each job's save or cancel was asked, until its outcome (which comes back by job).
  const askedFrom = useRef(new Map<string, ActionPlace>());
  const placeOf = (job: Job): ActionPlace => {
    const place = askedFrom.current.get(job.id) ?? "pane";
    askedFrom.current.delete(job.id);
    return place;
  };
  const say = (error: ActionError | null) => {
    if (error !== null) setErrors((shown) => [...shown.filter((each) => each.jobId !== error.jobId), error]);
  };
  const forget = (job: Job) =>
    setErrors((shown) => (shown.some((each) => each.jobId === job.id) ? shown.filter((each) => each.jobId !== job.id) : shown));
  const wentWell = (job: Job) => {
    placeOf(job);
    forget(job);
  };
  return {
    /** Why actions on results of `identityId` did not go through, the newest last (another
     * identity's stay with it). */
    of: (identityId: string | null) => errors.filter((error) => error.identityId === identityId),
    say,
    /** No longer said: a start that may have started did (see `useFollowUnknown`). */
    unsay: (error: object) => setErrors((shown) => shown.filter((each) => each !== error)),
    /** A follow-up is asked: what was said of the others goes. */
    clear: () => setErrors([]),
    forget,
    /** A save or cancel of `job` asked from `place`: its outcome is said there. */
    askedAt: (job: Job, place: ActionPlace) => askedFrom.current.set(job.id, place),
    wentWell,
    /** `error` ended `button`'s action on `job`; `on`: the job whose card or row it is said on,
     * when not the one acted on (an Undo's). */
    wentWrong: (error: unknown, job: Job, button: JobAction, on: Job = job) =>
      wentThrough(error) ? wentWell(job) : say(said(on, notDoneError(error, button), placeOf(job))),
  };
}
