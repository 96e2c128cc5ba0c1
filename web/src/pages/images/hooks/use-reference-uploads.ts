/**
 * The reference photos of the next generation: checked before anything is sent (type,
 * size, count, and that the first bytes are those of an image of that type), then
 * uploaded straight to S3 with presigned POSTs, each with its progress and a retry of its
 * own. A photo refused only for the count is added once a place frees up. A photo a
 * generation could not use is refused, wherever it came from. The photos an earlier
 * generation kept can take their place (`takeFrom`), and be given back (`restore`).
 *
 * Made of: the form's list (`useFormPhotos`) and what becomes of it (`photos/form`), each
 * photo's way to S3 (`useSendsToS3`), the photos put aside for other users
 * (`usePhotosAside`), and their thumbnails (`useThumbnails`). This hook says what each
 * action of the admin's (or the page's) does to all of them.
 */
import { onlineManager } from "@tanstack/react-query";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import type { TabConfig } from "../config";
import {
  photosAdded,
  photosTakenFrom,
  placesTaken,
  sameReasons,
  sentAgain,
  removalKept,
  undoableRemoval,
  unusableIn,
  type Removal,
} from "../photos/form";
import { notAnImage, UNREADABLE } from "../photos/checks";
import { hasPlace, plainName, refused, stopped, type ReferenceItem, type UploadingPhoto } from "../photos/photo";
import { useFormPhotos } from "./use-form-photos";
import { usePhotosAside } from "./use-photos-aside";
import { useSendsToS3 } from "./use-sends-to-s3";
import { useThumbnails } from "./use-thumbnails";

export type { ReferenceItem } from "../photos/photo";

/** `unusable`: the photos a generation could not use, by storage key, and why (see
 * `unusablePhotos`). */
export function useReferenceUploads(config: TabConfig, unusable: ReadonlyMap<string, string>) {
  const { thumbnail, withThumbnail, letGoExcept } = useThumbnails();
  const { othersPutAside, cameBack, held: heldAside, swap, clearOthersPutAside, remakeThumbnails } = usePhotosAside();
  /** The form's photos `takeFrom` replaced, while `restore` can give them back: until it
   * does, or `letGoReplaced` says Undo cannot any more. */
  const replaced = useRef<ReferenceItem[]>([]);
  /** Lets go of the thumbnails no photo the page holds shows any more: the form's (`form`),
   * those put aside for other users, and those Undo can bring back. */
  const letGoUnshown = useCallback(
    (form: readonly ReferenceItem[]) => letGoExcept([...form, ...heldAside(), ...replaced.current]),
    [letGoExcept, heldAside],
  );
  const { items, current, update, patch } = useFormPhotos(letGoUnshown);
  /** The uploaded photo the admin last removed, and its place, while Undo can bring it back
   * (see `undoableRemoval`): until the photos change otherwise (a removed photo that cannot
   * come back leaves it: `removalKept`). */
  const [removed, setRemoved] = useState<Removal | null>(null);

  /** Photos waiting for a place take those `freed` gives up: a file is marked uploading (and
   * returned, to upload), a kept photo is sent as it is. */
  const takeFreedPlaces = useCallback(
    (freed: Set<string>): UploadingPhoto[] => {
      const placed = placesTaken(current(), freed, config, thumbnail);
      // In one change: a change lets go of the thumbnails the list does not show yet, which
      // would take the next placed photo's before it came in.
      const byId = new Map(placed.map((item) => [item.id, item]));
      if (byId.size > 0) update((form) => form.map((item) => byId.get(item.id) ?? item));
      return placed.filter((item) => item.status === "uploading");
    },
    [config, current, update, thumbnail],
  );

  const { checkAndUpload, stop, stopAll } = useSendsToS3({ config, current, patch, thumbnail, takeFreedPlaces });

  /** Photos waiting for a place take the places refused or removed photos gave up, and go
   * through the checks and upload. */
  const fillFreedPlaces = useCallback(() => {
    const promoted = takeFreedPlaces(new Set());
    if (promoted.length > 0) void checkAndUpload(promoted);
  }, [takeFreedPlaces, checkAndUpload]);

  /** Refuses the photos waiting for a place whose first bytes say already that they are not
   * images (see `notAnImage`): the admin learns it as they are added, not once a place frees. */
  const refuseWaitingFakes = useCallback(
    (waiting: ReferenceItem[]) => {
      for (const { id, file, contentType } of waiting) {
        if (!file || !contentType) continue;
        void notAnImage(file, contentType, config).then((problem) => {
          // Given a place meanwhile, it is checked on its way to S3.
          if (problem !== null) patch(id, (item) => (item.status === "waiting" ? refused(item, problem.why, problem.short) : item));
        });
      }
    },
    [patch, config],
  );

  /** Adds `files`: how many of them are on their way to S3 and how many wait for a place, once
   * their first bytes are read (a text file named .jpg is refused then: it was not added), and
   * the names of those the form holds already, not added again (the rest were refused at once). */
  const add = useCallback(
    (files: File[]): { added: Promise<{ sending: number; waiting: number }>; already: string[] } => {
      if (files.length === 0) return { added: Promise.resolve({ sending: 0, waiting: 0 }), already: [] };
      // A photo a reload lost, added again: the same file takes its place (it has one).
      const { replacing, added, already } = photosAdded(files, current(), config, thumbnail);
      update((form) => [...form.map((item) => replacing.get(item.id) ?? item), ...added]);
      clearOthersPutAside();
      setRemoved(null);
      const sending = [...replacing.values(), ...added].filter((item) => item.status === "uploading");
      const waiting = added.filter((item) => item.status === "waiting");
      void checkAndUpload(sending);
      refuseWaitingFakes(waiting);
      const realIn = async (items: ReferenceItem[]) => {
        const problems = await Promise.all(
          items.map((item) => (item.file && item.contentType ? notAnImage(item.file, item.contentType, config) : null)),
        );
        return problems.filter((problem) => problem === null).length;
      };
      // The place of one refused goes to one that waits.
      const real = Promise.all([realIn(sending), realIn(waiting)]).then(([sent, waits]) => {
        const stillWaiting = Math.max(0, waits - (sending.length - sent));
        return { sending: sent + waits - stillWaiting, waiting: stillWaiting };
      });
      return { added: real, already };
    },
    [config, current, update, checkAndUpload, thumbnail, clearOthersPutAside, refuseWaitingFakes],
  );

  const remove = useCallback(
    (id: string) => {
      const items = current();
      // An uploaded photo's Undo; a photo that cannot come back leaves the last one's.
      setRemoved((earlier) => undoableRemoval(items, id) ?? removalKept(earlier, items, (item) => item.id === id));
      stop(id);
      update((form) => form.filter((item) => item.id !== id));
      fillFreedPlaces();
    },
    [current, stop, update, fillFreedPlaces],
  );

  /** Removes the photo stored under `key` (uploaded, or refused since a generation could not use
   * it), as its tile's Remove does; nothing when the form does not hold it. */
  const removeStored = useCallback(
    (key: string) => {
      const photo = current().find((item) => (item.status === "uploaded" || item.status === "refused") && item.key === key);
      if (photo) remove(photo.id);
    },
    [current, remove],
  );

  /** The photo last removed, back in its place, as it was (its key, its thumbnail). */
  const undoRemove = useCallback((): string | null => {
    if (removed === null) return null;
    const { photo, index } = removed;
    setRemoved(null);
    update((form) => [...form.slice(0, index), withThumbnail(photo), ...form.slice(index)]);
    return photo.id;
  }, [removed, update, withThumbnail]);

  /** Every file refused for what it is (not the photos waiting for a place): one click, not one each. */
  const removeRefused = useCallback(() => {
    const items = current();
    setRemoved((earlier) => removalKept(earlier, items, (item) => item.status === "refused"));
    update((form) => form.filter((item) => item.status !== "refused"));
  }, [current, update]);

  /** The browser could not draw the photo: damaged, or not what its header says. Its place
   * goes to a photo waiting for one. */
  const refuseUnreadable = useCallback(
    (id: string) => {
      // Refused already (its type, its size): that reason stands.
      if (current().find((item) => item.id === id)?.status === "refused") return;
      stop(id);
      patch(id, (item) => refused(item, UNREADABLE));
      fillFreedPlaces();
    },
    [current, stop, patch, fillFreedPlaces],
  );

  /** Refuses the uploaded photos a generation could not use (`reasons`, by storage key): they
   * are no longer sent, and their tiles say why; a photo waiting for a place takes theirs.
   * The page's change, not the admin's: Edit settings keeps its Undo. */
  const refuseUnusable = useCallback(
    (reasons: ReadonlyMap<string, string>) => {
      const found = unusableIn(current(), reasons);
      if (found.length === 0) return;
      for (const { id, why } of found) patch(id, (item) => refused(item, why));
      fillFreedPlaces();
    },
    [current, patch, fillFreedPlaces],
  );

  /** Upload again the photos `ids` names whose upload failed or was stopped (all of them
   * when none are named: back from another user, each of several says "retry"). */
  const retry = useCallback(
    (...ids: string[]) => {
      const again = sentAgain(current(), ids);
      if (again.length === 0) return;
      for (const item of again) patch(item.id, () => item);
      // Through the checks again: a photo stopped while it was being made smaller is still too big.
      void checkAndUpload(again);
    },
    [current, patch, checkAndUpload],
  );

  // The photos that failed as the browser went offline go again once it is back, as they said.
  useEffect(
    () =>
      onlineManager.subscribe((online) => {
        const offline = online ? current().filter((item) => item.status === "failed" && item.offline) : [];
        if (offline.length > 0) retry(...offline.map((item) => item.id));
      }),
    [current, retry],
  );

  /**
   * The photos `job` sent (see `photosTakenFrom`) in place of the form's, which are returned
   * to give back with `restore` (their thumbnails kept for it, until `letGoReplaced`); null,
   * and the form's photos stay, when it has none to give (a folder's job). One the job could
   * not use is refused as it comes in, as any other (see `refuseUnusable`). `undoTo`: the
   * photos Undo gives back, when not the ones replaced (another job's, taken over the
   * admin's while Undo can still give those back): the ones whose thumbnails are kept.
   */
  const takeFrom = useCallback(
    (job: Job, undoTo?: ReferenceItem[]): { photos: ReferenceItem[]; replaced: ReferenceItem[] } | null => {
      const form = current();
      const photos = photosTakenFrom(job, form, config);
      if (photos.length === 0) return null;
      stopAll();
      // Their thumbnails are kept while Undo can bring them back.
      replaced.current = undoTo ?? form;
      update(() => photos);
      clearOthersPutAside();
      setRemoved(null);
      return { photos, replaced: form };
    },
    [current, update, stopAll, clearOthersPutAside, config],
  );

  /** Photos `takeFrom` replaced, back; an upload it stopped can be retried. */
  const restore = useCallback(
    (photos: ReferenceItem[]) => {
      replaced.current = [];
      setRemoved(null);
      update(() => photos.map(stopped).map(withThumbnail));
    },
    [update, withThumbnail],
  );

  /** Undo can no longer give back the photos `takeFrom` replaced: their thumbnails go. */
  const letGoReplaced = useCallback(() => {
    if (replaced.current.length === 0) return;
    replaced.current = [];
    letGoUnshown(current());
  }, [current, letGoUnshown]);

  /**
   * Another user is another person: the form's photos go aside for `from` (their uploads
   * stopped, to retry) and `to`'s come back, as that user left them. `othersPutAside` names
   * whose photos went, until photos come back or are added; `cameBack`, whose came back.
   */
  const switchUser = useCallback(
    (from: { id: string; name: string } | null, to: { id: string; name: string }) => {
      const form = current();
      stopAll();
      const back = swap(from, form, to);
      // Put aside on this page, each shows its thumbnail still; from before, made again.
      update(() => back.map(stopped).map(withThumbnail));
      setRemoved(null);
    },
    [current, stopAll, swap, update, withThumbnail],
  );

  // The same reasons while they say the same (the jobs they come from are read anew on every
  // poll): the refusal below runs when they or the photos change, not on every render.
  const [reasons, setReasons] = useState(unusable);
  if (!sameReasons(reasons, unusable)) setReasons(unusable);
  // A photo a generation could not use is not sent again, however it came to the form (back
  // after a reload or from another user, or brought by Edit settings): refused before the
  // page is painted, so it never shows as one to send.
  useLayoutEffect(() => refuseUnusable(reasons), [items, reasons, refuseUnusable]);

  // The thumbnails of the photos the page finds (kept across a visit elsewhere), made as it
  // mounts: before paint, and again after StrictMode's rehearsed unmount (`useThumbnails`
  // lets them all go as the page goes). After the refusal above: a photo refused then gets
  // no new one (see `withThumbnail`).
  useLayoutEffect(() => {
    remakeThumbnails(withThumbnail);
    const form = current();
    const shown = form.map(withThumbnail);
    if (shown.some((item, index) => item !== form[index])) update(() => shown);
  }, [current, update, withThumbnail, remakeThumbnails]);

  const sent = items.filter((item) => item.status === "uploaded");
  return {
    items,
    add,
    remove,
    removeStored,
    /** The name of the photo `undoRemove` brings back; null when none can come back. */
    removedName: removed?.photo.name ?? null,
    /** Brings back the photo last removed (see `removed`); its id, or null. */
    undoRemove,
    removeRefused,
    retry,
    refuseUnreadable,
    takeFrom,
    restore,
    letGoReplaced,
    switchUser,
    othersPutAside,
    cameBack,
    keys: sent.map((item) => item.key),
    /** The photos' file names, in the order of `keys`: the job keeps them to name its photos. */
    names: sent.map((item) => plainName(item.name)),
    busy: items.some((item) => item.status === "uploading"),
    /** Photos whose upload failed or was stopped: not sent until retried (or removed). */
    notUploaded: items.filter((item) => item.status === "failed").length,
    /** Photos a reload lost before they were uploaded: not sent until added again (or removed). */
    lost: items.filter((item) => item.status === "lost").length,
    usable: items.filter(hasPlace).length,
  };
}

export type ReferenceUploads = ReturnType<typeof useReferenceUploads>;
