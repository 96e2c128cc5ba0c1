/**
 * What the admin does with jobs: start some (a Generate, a Re-run, a Refine), cancel one,
 * save one's image to its identity; and where each outcome shows. A Generate answers under
 * the form; a follow-up (from a card or the history) answers in the result pane, whose
 * first new card then takes the focus (beside the card it came from, when the pane shows
 * that one: see `useShownJobs`).
 */
import { useRef, useState, type RefObject } from "react";

import type { CreateVariantsRequest, Job } from "../../../api/imageGeneration";
import { outcomeUnknown, refusedText, startError } from "../errors";
import { reveal, revealResults } from "../motion";
import type { ReferenceItem } from "../photos/photo";
import { said, useActionErrors, type ActionError } from "./use-action-errors";
import { useApply, useCancel } from "./use-cancel-and-apply";
import { useFollowUnknown } from "./use-follow-unknown";
import { usePaneArrival } from "./use-pane-arrival";
import { useStartBatch, type StartRequest } from "./use-start-batch";

interface Options {
  /** The identity the page shows: an action's failure is said while on its job's identity. */
  identityId: string | null;
  /** The user the page shows: a Generate's error is said while on the user whose photos it
   * was about (the identities of a user share the form's photos). */
  userId: string | null;
  /** The form's photos, to name one the API says is gone. */
  photos: readonly ReferenceItem[];
  /** The ids the result pane shows now (its first card takes the focus after a follow-up). */
  paneIds: readonly string[];
  /** Show a click's new jobs in the result pane. */
  showStarted: (jobs: Job[]) => void;
  /** The result pane's element: a click's new jobs are brought into view there. */
  resultPane: RefObject<HTMLElement | null>;
}

/** Where an action on a result was asked: a card of the result pane, the history, or the
 * Compare dialog. Its failure is said there (on the job's card, row or tile, or its figure
 * in the dialog), where the admin is looking. */
export type ActionPlace = "pane" | "history" | "compare";

/** Why an action on a job did not go through: said beside that job; `instruction` when the
 * API refused a refinement's words (a character in them that could hide what they say):
 * said in its Refine box while the box holds them (see `refusedWords`). */
export interface ActionFailure {
  jobId: string;
  message: string;
  instruction?: string;
}

/** Why a Generate started nothing, of the user whose photos it was about; `prompt` when the
 * API refused the prompt: the prompt it refused, beside which it is said while the box
 * holds it. */
export interface FormError {
  userId: string;
  message: string;
  prompt?: string;
}

export function useJobActions({ identityId, userId, photos, paneIds, showStarted, resultPane }: Options) {
  // Of the user it was about: the photos it names are that user's, on every identity of theirs.
  const [formError, setFormError] = useState<FormError | null>(null);
  // Why follow-ups, saves and cancels did not go through, said where each was asked.
  const errors = useActionErrors();
  // The history row the last start was asked from, while the pane shows what it started.
  const [cameFrom, setCameFrom] = useState<{ jobId: string; identityId: string } | null>(null);
  const create = useStartBatch();
  // The saves that undo another (its Undo, `useUndoSave`), by the job they save again: each
  // one's failure is said where that Undo was, on the job saved last, in an Undo's words.
  const undoing = useRef(new Map<string, Job>());
  const undoneBy = (job: Job): Job | undefined => {
    const undone = undoing.current.get(job.id);
    undoing.current.delete(job.id);
    return undone;
  };
  const apply = useApply({
    onSuccess: (job) => {
      undoneBy(job);
      errors.wentWell(job);
    },
    onError: (error, job) => {
      const undone = undoneBy(job);
      errors.wentWrong(error, job, undone ? "Undo" : "Save", undone);
    },
  });
  // The jobs whose cancel is out, each on its own: another queued job's Cancel stays. (The
  // mutation's `isPending` is every cancel's at once.) The ref refuses a second click at once.
  const [cancelingIds, setCancelingIds] = useState<readonly string[]>([]);
  const canceling = useRef(new Set<string>());
  const canceled = (job: Job) => {
    canceling.current.delete(job.id);
    setCancelingIds((ids) => ids.filter((id) => id !== job.id));
  };
  const cancel = useCancel({
    onSuccess: (job) => {
      canceled(job);
      errors.wentWell(job);
    },
    onError: (error, job) => {
      canceled(job);
      errors.wentWrong(error, job, "Cancel");
    },
  });

  // Once the pane shows a click's new jobs (the pane's old cards may be taller than the new
  // ones), it comes into view; after a follow-up its first card takes the focus. Only on the
  // click's identity: left meanwhile, the click is forgotten.
  const arrival = usePaneArrival(paneIds, identityId);

  // A start on its way, known at once: `create.isPending` is known from the next render, and
  // two clicks in one instant (a bouncing mouse, a touch's ghost click) came before it, each
  // with its own key, and paid for two batches.
  const startOut = useRef(false);

  /** Starts the jobs `request` asks for; whether it did (not while another start is out). */
  const start = async (request: StartRequest, place: ActionPlace = "pane"): Promise<boolean> => {
    if (startOut.current) return false;
    startOut.current = true;
    try {
      return await startNow(request, place);
    } finally {
      startOut.current = false;
    }
  };

  const startNow = async (request: StartRequest, place: ActionPlace): Promise<boolean> => {
    const from = cardOf(request);
    const isFollowUp = from !== undefined;
    if (isFollowUp) errors.clear();
    else setFormError(null);
    const jobs = await send(request, place);
    if (jobs === null) return false;
    // Asked from a history row (a re-run, a refinement), the pane takes the admin up to its new
    // card, from pages down: the way back to that row is offered there (`cameFrom`).
    setCameFrom(from && place === "history" ? { jobId: from.id, identityId: from.identity_id } : null);
    const first = jobs[0];
    if (first) arrival.whenShown(first.id, () => bringIntoView(first, isFollowUp), first.identity_id);
    showStarted(jobs);
    return true;
  };

  /** Sends a start: its jobs, or null when it started nothing or may have (why is said where
   * it was asked; one that may have is followed in the history: `unknown`). */
  const send = async (request: StartRequest, place: ActionPlace): Promise<Job[] | null> => {
    const from = cardOf(request);
    const sent = unknown.sent(request);
    try {
      return (await create.mutateAsync({ request, idempotencyKey: crypto.randomUUID() })).items;
    } catch (error) {
      let saidOfIt: FormError | ActionError | null;
      if (from === undefined && request.kind === "generate") {
        const message = startError(error, photos, "Generate");
        // About the prompt (a character in it that could hide what it says): said beside it.
        const prompt = refusedText(error, "prompt") ? request.body.prompt : undefined;
        saidOfIt = message === null ? null : { userId: request.body.user_id, message, ...(prompt !== undefined && { prompt }) };
        setFormError(saidOfIt);
      } else {
        // A follow-up's error shows where it was asked (and comes into view there); a refused
        // refinement's words, in its box.
        const words = request.kind === "refine" && refusedText(error, "instruction") ? request.instruction : undefined;
        const button = request.kind === "rerun" ? "Re-run" : request.kind === "refine" ? "Send" : "Generate without it";
        saidOfIt = from ? said(from, startError(error, photos, button), place, words) : null;
        errors.say(saidOfIt);
      }
      if (outcomeUnknown(error)) unknown.follow(sent, saidOfIt);
      return null;
    }
  };

  /** Brings a click's first new job into view once the pane shows it; after a follow-up its
   * card takes the focus. */
  const bringIntoView = (first: Job, focus: boolean) => {
    const pane = resultPane.current;
    const card = [...(pane?.querySelectorAll<HTMLElement>("article") ?? [])].find((article) => article.dataset.jobId === first.id);
    // Beside the form on a wide screen, below it on a phone; its top first, where an
    // earlier click this one took the pane from is said. A card that joined the click on
    // screen, beside the one it came from: that card, as little as it takes (on a second
    // row, or a phone's fifth card, it is under the pane's top).
    if (card && card !== pane?.querySelector("article")) reveal(card);
    else revealResults(pane);
    if (focus) (card ?? pane?.querySelector<HTMLElement>("article"))?.focus({ preventScroll: true });
  };

  // A start that may have started (it went, its answer did not come back), once the history
  // shows it did: its "may have started" goes (if still said), and the pane shows its jobs,
  // brought into view, as a start that was answered would have (without taking the focus: it
  // may come long after the press, once the browser is back online).
  const unknown = useFollowUnknown<FormError | ActionError | null>((saidOfIt, jobs) => {
    if (saidOfIt !== null) {
      setFormError((shown) => (shown === saidOfIt ? null : shown));
      errors.unsay(saidOfIt);
    }
    const first = jobs[0];
    if (first) arrival.whenShown(first.id, () => bringIntoView(first, false), first.identity_id);
    showStarted(jobs);
  });

  // The failed cards whose re-run (from the pane's "Re-run the 3 failed") is out.
  const [rerunningIds, setRerunningIds] = useState<readonly string[]>([]);

  /**
   * Re-runs each of `jobs` (the pane's failed cards), one request a job as each card's own
   * Re-run sends, all at once: each joins the click beside its card as its answer comes, and
   * one that did not start says why on its card without stopping the others. Then the first
   * of them in the pane's order takes the focus, as one card's Re-run gives it to its new
   * card: it is what the admin waits for now, where Tab goes on through the others, and the
   * button pressed is gone (no failed card is left without its re-run). The re-runs that
   * started (none while another start is out).
   */
  const rerunEach = async (jobs: readonly Job[]): Promise<Job[]> => {
    if (startOut.current || jobs.length === 0) return [];
    startOut.current = true;
    errors.clear();
    setRerunningIds(jobs.map((job) => job.id));
    try {
      const started = await Promise.all(
        jobs.map(async (job) => {
          const made = await send({ kind: "rerun", parent: job, count: 1 }, "pane");
          if (made !== null) showStarted(made);
          return made?.[0] ?? null;
        }),
      );
      const first = started.find((job) => job !== null);
      if (first) arrival.whenShown(first.id, () => bringIntoView(first, true), first.identity_id);
      return started.filter((job) => job !== null);
    } finally {
      startOut.current = false;
      setRerunningIds([]);
    }
  };

  return {
    generate: (body: CreateVariantsRequest) => void start({ kind: "generate", body }),
    /** New variants asked from `job`'s card (Generate without it): said there if they do not start. */
    generateFrom: (job: Job, body: CreateVariantsRequest) => void start({ kind: "generate", body, from: job }),
    /** Re-run a job: once, or `count` times in one click (a click whose variants all failed
     * alike, re-run whole: one batch, as its Generate made it). */
    rerun: (job: Job, place?: ActionPlace, count = 1) => void start({ kind: "rerun", parent: job, count }, place),
    /** Re-run each of the pane's failed `jobs` with one press; the re-runs that started. */
    rerunEach,
    /** The failed cards whose re-run, asked with the others', is out. */
    rerunningIds,
    /** Whether the refinement started (its box keeps the words when it did not). */
    refine: (job: Job, instruction: string, place?: ActionPlace) =>
      start({ kind: "refine", parent: job, instruction, count: 1 }, place),
    /** A start is out: Generate, Re-run and Refine wait for it. */
    starting: create.isPending || rerunningIds.length > 0,
    /** Cancel a queued job (once: again while its cancel is on its way does nothing). */
    cancel: (job: Job, place: ActionPlace = "pane") => {
      if (canceling.current.has(job.id)) return;
      errors.forget(job);
      canceling.current.add(job.id);
      setCancelingIds((ids) => [...ids, job.id]);
      errors.askedAt(job, place);
      cancel.mutate(job);
    },
    /** The jobs whose cancel is out. */
    cancelingIds,
    /** Saves `job` to its identity; whether the save was sent (not while one of it is on its
     * way). `undoes`: the job saved last, whose Undo asked it (its failure is said there). */
    save: (job: Job, place: ActionPlace = "pane", undoes?: Job): boolean => {
      // A save already on its way (asked again elsewhere) answers where it was first asked.
      if (!apply.mutate(job)) return false;
      errors.forget(job);
      errors.askedAt(job, place);
      if (undoes) {
        errors.forget(undoes);
        undoing.current.set(job.id, undoes);
      }
      return true;
    },
    /** The jobs whose save is out. */
    savingIds: apply.savingIds,
    /** Why the last Generate started nothing (shown under the form), while on its user: the
     * form's photos are that user's, on every identity of theirs. Another user's form is not
     * the one it was about; coming back, it is said again, as `actionErrors` are: still true
     * (nothing started, or the history says whether it did; the photo it names comes back
     * with the user), and it says why the click the admin left did nothing. */
    formError: formError !== null && formError.userId === userId ? formError : null,
    /** The job whose history row the last start was asked from (a re-run or a refinement
     * asked pages down the history), on its identity: the pane offers the way back to it. */
    cameFrom: cameFrom !== null && cameFrom.identityId === identityId ? cameFrom.jobId : null,
    /** The way back was taken, or is no longer wanted. */
    forgetCameFrom: () => setCameFrom(null),
    /** Why actions on results of this identity did not go through, one a job, the newest
     * last, and where each was asked (another identity's stay with it). */
    actionErrors: errors.of(identityId),
  };
}

/** The card a start was asked from (a follow-up's parent, a Generate without a photo's card):
 * its failure is said there, and its first new card takes the focus. None for the form's
 * Generate. */
function cardOf(request: StartRequest): Job | undefined {
  return request.kind === "generate" ? request.from : request.parent;
}
