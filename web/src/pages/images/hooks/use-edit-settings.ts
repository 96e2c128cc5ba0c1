/**
 * "Edit settings" on a history row: its prompt, options and the photos it kept go into the
 * form, to change and run again. What the form held before can be had back (`undo`) while
 * the form is still as the row left it: the first change of the admin's own makes it theirs.
 * Another row taken over the first gives back, too, what the admin had before the first.
 */
import { useCallback, useEffect, useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import { holdsPhotosOf } from "../photos/form";
import { arePhotos, hasPlace } from "../photos/photo";
import { draftOf, sameDraft, type DraftValues, type useDraft } from "./use-draft";
import type { ReferenceItem, ReferenceUploads } from "./use-reference-uploads";

interface Taken {
  job: Job;
  draft: DraftValues;
  /** The ids of the row's photos it put in the form, in their order; null when it kept none
   * and the form's stayed. By id: a photo the page refused since (one a generation could not
   * use, one the browser cannot draw) is still the one it put in. */
  photoIds: string[] | null;
  before: { draft: DraftValues; photos: ReferenceItem[] | null };
  /** The form held the row's settings and photos already (the click just made, to rephrase):
   * nothing seen changed (the copies it kept, if any, took its uploads' places), and there is
   * nothing to undo. */
  already: boolean;
}

/** Of the photos a row put in the form, how many the next Generate sends, how many wait for a
 * place (more than the form takes now), and how many the page refused (its tile says why). */
export interface TakenPhotos {
  used: number;
  waiting: number;
  refused: number;
}

/** `identityId`: the identity on screen, whose row it takes; going to another one is a change
 * of the admin's (the form holds that identity's prompt then). */
export function useEditSettings(draft: ReturnType<typeof useDraft>, uploads: ReferenceUploads, identityId: string | null) {
  const [taken, setTaken] = useState<Taken | null>(null);
  const { values, put, asOffered } = draft;
  const { takeFrom, restore, letGoReplaced } = uploads;

  const asTaken =
    taken !== null &&
    taken.job.identity_id === identityId &&
    sameDraft(values, taken.draft) &&
    (taken.photoIds === null || arePhotos(uploads.items, taken.photoIds));

  // Over another row's, still as that row left the form: Undo still gives back the admin's own
  // (not over one the form held already: it has no Undo, and the form is the admin's).
  const over = asTaken && !taken.already ? taken.before : null;
  const take = useCallback(
    (job: Job) => {
      // As the form holds it: a ratio or size no longer offered, or more variants than the API
      // takes now, would never match the form, and the Undo would go at once.
      const settings = asOffered(draftOf(job));
      // The form holds its settings and photos already (the click just refused, to rephrase),
      // and no other row's Undo waits: nothing seen changes, so there is nothing to undo. Its
      // kept copies still take its uploads' places (the same photos, and they outlive the
      // uploads).
      const already = over === null && sameDraft(values, settings) && holdsPhotosOf(job, uploads.items);
      put(settings);
      const swap = takeFrom(job, over?.photos ?? undefined);
      setTaken({
        job,
        draft: settings,
        // Its notice goes with the admin's first change, to the photos too.
        photoIds: swap?.photos.map((photo) => photo.id) ?? (already ? uploads.items.map((item) => item.id) : null),
        before: already
          ? { draft: values, photos: null }
          : { draft: over?.draft ?? values, photos: over?.photos ?? swap?.replaced ?? null },
        already,
      });
    },
    [asOffered, put, takeFrom, values, over, uploads.items],
  );

  // The first change makes the form the admin's for good: changing it back does not bring
  // the undo back (set during render, React's way to adjust state to what changed).
  if (taken !== null && !asTaken) setTaken(null);
  // The photos Undo could give back go once it cannot (the admin's change, Close, a Generate,
  // another row taken that kept none), their thumbnails with them.
  const undoable = asTaken ? taken.before.photos : null;
  useEffect(() => {
    if (undoable === null) letGoReplaced();
  }, [undoable, letGoReplaced]);

  const undo = useCallback(() => {
    if (!taken) return;
    put(taken.before.draft);
    if (taken.before.photos) restore(taken.before.photos);
    setTaken(null);
  }, [taken, put, restore]);

  const done = useCallback(() => setTaken(null), []);

  // While the form is as the row left it, its photos are the row's (`arePhotos`).
  const photos: TakenPhotos | null =
    asTaken && taken.photoIds !== null
      ? {
          used: uploads.items.filter(hasPlace).length,
          waiting: uploads.items.filter((item) => item.status === "waiting").length,
          refused: uploads.items.filter((item) => item.status === "refused").length,
        }
      : null;

  return {
    /** The row the form holds, while it holds it as the row left it. */
    taken: asTaken ? taken : null,
    /** What became of the photos it put in; null when it kept none. */
    photos,
    take,
    undo,
    /** The form was used (or the notice closed): no undo any more. */
    done,
  };
}
