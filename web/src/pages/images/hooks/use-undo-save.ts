/**
 * The Undo of the newest Save to identity asked from this tab: Save replaces the identity's
 * image in one click, and the image before it was a scroll, a Show older and a filter away
 * (the history's Saved view). Offered where that Save was pressed (the job's card in the
 * result pane, its history row or tile, or its picture in the Compare dialog), beside its
 * "Saved to identity", once the save
 * landed and while the identity shows it, when the image before it was a generation the page
 * knows: Undo saves that one again (the same save as its own Save to identity), so the
 * identity shows it and the history says the undone one was "then replaced". When the image
 * before was none, or not a generation the page knows (set in the host app: the page reads
 * the generation of an image saved long ago by itself, `useCurrentImageJob`), or another save
 * was on its way (which image was before is not known), none is offered: nothing to put
 * back, and nothing misleading said.
 *
 * A save from the Compare dialog offers it there, under the saved one's picture. Once the
 * dialog closes (Close, Escape, or itself as the lone result beside the current image is saved),
 * its Undo goes to where the admin comes back to: the saved one's card when Compare was opened
 * from the result pane (and the pane shows that card), else its history row or tile. The focus
 * comes back there too (to the card or row Compare was opened from), and a lone result's save
 * closes the dialog as it lands: had the Undo gone with the dialog, a save from Compare would
 * most often have had none at all, while "Saved to identity" on that card, with no way back,
 * reads as a save made from there.
 *
 * One at a time, the newest save's. It goes once another save is asked (from anywhere, Compare
 * too), on a Generate, on another identity, and once its undo landed (the identity shows the
 * earlier image again: where the Undo was, that job's Save to identity shows again). While the
 * undo is on its way it says "Undoing…"; one that did not go through is said where it was, and
 * it can be pressed again.
 */
import { useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import { isSavedNow, isSaving } from "../job/saved";
import type { ActionPlace } from "./use-job-actions";

/** What a card, row or tile offers beside its "Saved to identity" (see `useUndoSave`). */
export interface UndoOffer {
  /** The generation whose image Undo puts back. */
  before: Job;
  /** When it was asked, as its history row says it (see `askedPhrases`). */
  beforeAt: string;
  /** Its undo is on its way. */
  undoing: boolean;
  undo: () => void;
}

/** The newest save asked from this tab, and the generation the identity showed before it. */
interface LastSave {
  identityId: string;
  savedId: string;
  /** Where its Save was pressed: its Undo is offered there. */
  place: ActionPlace;
  /** Where its Undo goes once the Compare dialog it was saved from closes (see above). */
  afterCompare: ActionPlace;
  /** The job whose image the identity showed when Save was pressed; null when it was none
   * the page knows. */
  beforeId: string | null;
  /** Undo was pressed: once the identity no longer shows the saved one, it goes. */
  undoAsked: boolean;
}

interface Options {
  /** The identity the page shows. */
  identityId: string | null;
  /** The job whose image the identity shows now (see `currentImageJobId`). */
  currentJobId: string | null;
  /** The jobs the page knows of this identity: the result pane's and the history's. */
  jobs: readonly Job[];
  /** Each job's time as its history row says it (`askedPhrases` of the history read). */
  askedAt: (job: Job) => string;
  /** The jobs whose save is out (see `isSaving`). */
  savingIds: readonly string[];
  /** Sends a save (`useJobActions`' `save`): whether it was sent. */
  save: (job: Job, place: ActionPlace, undoes?: Job) => boolean;
  /** Where the Compare dialog was opened from (`useCompare`'s `openedFrom`); null while it is
   * closed. */
  compareFrom: ActionPlace | null;
  /** The ids the result pane shows. */
  paneIds: readonly string[];
}

export function useUndoSave({ identityId, currentJobId, jobs, askedAt, savingIds, save, compareFrom, paneIds }: Options) {
  const [last, setLast] = useState<LastSave | null>(null);
  // Another identity, or the undo landed: it goes; the Compare dialog it was offered in closed:
  // it goes where the admin comes back to (set during render, React's way to adjust state to
  // what changed).
  if (last !== null && (last.identityId !== identityId || (last.undoAsked && currentJobId !== last.savedId))) setLast(null);
  else if (last !== null && last.place === "compare" && compareFrom === null) setLast({ ...last, place: last.afterCompare });

  const known = (id: string | null) => (id === null ? undefined : jobs.find((job) => job.id === id));

  return {
    /** Saves `job` (asked from `place`): its Undo is the one offered now. */
    save: (job: Job, place: ActionPlace) => {
      // Which image the identity shows before it: not known while another save is out.
      const settled = !jobs.some((each) => isSaving(each, savingIds));
      const before = settled && currentJobId !== job.id ? (known(currentJobId)?.id ?? null) : null;
      // Asked again while on its way: the Undo of its first press stands.
      if (!save(job, place)) return;
      // Its card, when Compare was opened from the pane and the pane shows it; else its row.
      const afterCompare = compareFrom === "pane" && paneIds.includes(job.id) ? "pane" : "history";
      setLast({ identityId: job.identity_id, savedId: job.id, place, afterCompare, beforeId: before, undoAsked: false });
    },
    /** A Generate: the admin moved on, and the card the Undo was on goes from the pane. */
    forget: () => setLast(null),
    /** The Undo `job`'s card, row or tile at `place` offers, or null. */
    offerOf: (job: Job, place: ActionPlace): UndoOffer | null => {
      if (last === null || last.place !== place || last.savedId !== job.id || !isSavedNow(job, currentJobId)) return null;
      const before = known(last.beforeId);
      if (before === undefined || before.status !== "succeeded") return null;
      const undoing = isSaving(before, savingIds);
      return {
        before,
        // Its time as its row says it, to the second when another click shares its minute:
        // "today, 3:19 PM" named three clicks of the history.
        beforeAt: askedAt(before),
        undoing,
        undo: () => {
          if (undoing || !save(before, place, job)) return;
          setLast({ ...last, undoAsked: true });
        },
      };
    },
  };
}
