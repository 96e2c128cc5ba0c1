/**
 * What the admin does with jobs: start some (a Generate, a Re-run, a Refine), cancel one,
 * save one's image to its identity; and where each outcome shows. A Generate answers under
 * the form; a follow-up (from a card or the history) answers in the result pane, whose
 * first new card then takes the focus.
 */
import { useEffect, useRef, useState, type RefObject } from "react";

import type { CreateVariantsRequest, Job } from "../../../api/imageGeneration";
import { shownError, startError } from "../errors";
import type { ReferenceItem } from "../referencePhotos";
import { useApply, useCancel, useStartBatch, type Outcome, type StartRequest } from "./use-image-generation";

interface Options {
  /** The form's photos, to name one the API says is gone. */
  photos: readonly ReferenceItem[];
  /** The ids the result pane shows now (its first card takes the focus after a follow-up). */
  paneIds: readonly string[];
  /** Show a click's new jobs in the result pane. */
  showStarted: (jobs: Job[]) => void;
  /** The result pane's element: new jobs and a follow-up's error are brought into view there. */
  resultPane: RefObject<HTMLElement | null>;
}

/** Why an action on a result did not go through, and which job it was about. */
interface ActionError {
  jobId: string;
  message: string;
}

function said(jobId: string, message: string | null): ActionError | null {
  return message === null ? null : { jobId, message };
}

/** The result pane sits beside the form on a wide screen, below it on a phone. */
function bringIntoView(element: HTMLElement | null) {
  element?.scrollIntoView?.({ behavior: "smooth", block: "nearest" });
}

export function useJobActions({ photos, paneIds, showStarted, resultPane }: Options) {
  const [formError, setFormError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ActionError | null>(null);
  const create = useStartBatch();
  // Every save and cancel reports, not only the last one asked. A failure stays said until
  // that job's action goes through or another follow-up is asked: another job's save landing
  // meanwhile says nothing of it.
  const outcome: Outcome = {
    onSuccess: (id) => setActionError((shown) => (shown?.jobId === id ? null : shown)),
    onError: (error, id) => setActionError(said(id, shownError(error))),
  };
  const apply = useApply(outcome);
  const cancel = useCancel(outcome);

  const focusCardOf = useRef<string | null>(null);
  useEffect(() => {
    const id = focusCardOf.current;
    const card = resultPane.current?.querySelector<HTMLElement>("article");
    if (id === null || paneIds[0] !== id || !card) return;
    focusCardOf.current = null;
    card.focus({ preventScroll: true });
  }, [paneIds, resultPane]);

  const start = async (request: StartRequest) => {
    const isFollowUp = request.kind !== "generate";
    if (isFollowUp) setActionError(null);
    else setFormError(null);
    let jobs: Job[];
    try {
      jobs = (await create.mutateAsync({ request, idempotencyKey: crypto.randomUUID() })).items;
    } catch (error) {
      if (request.kind === "generate") {
        setFormError(startError(error, photos));
        return;
      }
      // A follow-up's error shows in the result pane: bring it into view.
      setActionError(said(request.parent.id, startError(error, photos)));
      bringIntoView(resultPane.current);
      return;
    }
    showStarted(jobs);
    if (isFollowUp && jobs[0]) focusCardOf.current = jobs[0].id;
    bringIntoView(resultPane.current);
  };

  return {
    generate: (body: CreateVariantsRequest) => void start({ kind: "generate", body }),
    rerun: (job: Job) => void start({ kind: "rerun", parent: job, count: 1 }),
    refine: (job: Job, instruction: string) => void start({ kind: "refine", parent: job, instruction, count: 1 }),
    /** A start is out: Generate, Re-run and Refine wait for it. */
    starting: create.isPending,
    cancel: (job: Job) => cancel.mutate(job.id),
    canceling: cancel.isPending,
    save: (job: Job) => apply.mutate(job.id),
    /** The jobs whose save is out. */
    savingIds: apply.savingIds,
    /** Why the last Generate started nothing (shown under the form). */
    formError,
    /** Why an action on a result did not go through (shown in the result pane). */
    actionError: actionError?.message ?? null,
  };
}
