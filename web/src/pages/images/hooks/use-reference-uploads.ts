/**
 * The reference photos of the next generation: checked before anything is sent (type,
 * size, count, and that the first bytes are those of an image of that type), then
 * uploaded straight to S3 with presigned POSTs, each with its progress and a retry of its
 * own. A photo refused only for the count is added once a place frees up. A photo a
 * generation could not use is refused, wherever it came from. The photos an earlier
 * generation kept can take their place (`takeFrom`), and be given back (`restore`).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import type { TabConfig } from "../config";
import {
  photosAdded,
  photosTakenFrom,
  placesTaken,
  sameReasons,
  sentAgain,
  undoableRemoval,
  unusableIn,
  withChanged,
  type Removal,
} from "../formPhotos";
import { asideItems, keepAside, keepFormPhotos, keptItems } from "../keptPhotos";
import { UNREADABLE } from "../photoChecks";
import { hasPlace, refused, stopped, type ReferenceItem, type UploadingPhoto } from "../referencePhotos";
import { useSendsToS3 } from "./use-sends-to-s3";
import { useThumbnails } from "./use-thumbnails";

export type { ReferenceItem } from "../referencePhotos";

/** `unusable`: the photos a generation could not use, by storage key, and why (see
 * `unusablePhotos`). */
export function useReferenceUploads(config: TabConfig, unusable: ReadonlyMap<string, string>) {
  // Whose photos were put aside (their name), while none of this user's came back nor were added.
  const [othersPutAside, setOthersPutAside] = useState<string | null>(null);
  // Photos uploaded before a reload come back (they are in S3 until UPLOAD_EXPIRY_DAYS).
  const [items, setItems] = useState<ReferenceItem[]>(keptItems);
  // The latest list, ahead of React's next render: checks and uploads finish between renders.
  const itemsRef = useRef(items);
  const current = useCallback(() => itemsRef.current, []);
  // Each user's photos, put aside while another user is chosen (kept across a reload too).
  const putAside = useRef<Map<string, ReferenceItem[]> | null>(null);
  /** The form's photos `takeFrom` replaced, while `restore` can give them back: until it
   * does, or `letGoReplaced` says Undo cannot any more. */
  const undoable = useRef<ReferenceItem[]>([]);
  /** The uploaded photo the admin last removed, and its place, while Undo can bring it back
   * (see `undoableRemoval`): until the photos change otherwise. */
  const [removed, setRemoved] = useState<Removal | null>(null);
  const { thumbnail, withThumbnail, letGoExcept } = useThumbnails();
  /** Lets go of the thumbnails no photo the page holds shows any more: the form's, those put
   * aside for other users, and those Undo can bring back. */
  const letGo = useCallback(() => {
    letGoExcept([...itemsRef.current, ...[...(putAside.current?.values() ?? [])].flat(), ...undoable.current]);
  }, [letGoExcept]);
  const update = useCallback(
    (change: (current: ReferenceItem[]) => ReferenceItem[]) => {
      itemsRef.current = change(itemsRef.current);
      setItems(itemsRef.current);
      letGo();
    },
    [letGo],
  );
  /** Changes one photo (`change` gives it as it becomes); a photo no longer in the list
   * (removed, put aside) is left alone, and the list stays the same list. */
  const patch = useCallback(
    (id: string, change: (item: ReferenceItem) => ReferenceItem) => {
      update((current) => withChanged(current, id, change));
    },
    [update],
  );

  /** Photos waiting for a place take those `freed` gives up: a file is marked uploading (and
   * returned, to upload), a kept photo is sent as it is. */
  const takeFreedPlaces = useCallback(
    (freed: Set<string>): UploadingPhoto[] => {
      const placed = placesTaken(itemsRef.current, freed, config, thumbnail);
      for (const item of placed) patch(item.id, () => item);
      return placed.filter((item) => item.status === "uploading");
    },
    [config, patch, thumbnail],
  );

  const { checkAndUpload, stop, stopAll } = useSendsToS3({ config, current, patch, thumbnail, takeFreedPlaces });

  const add = useCallback(
    (files: File[]) => {
      if (files.length === 0) return;
      // A photo a reload lost, added again: the same file takes its place (it has one).
      const { replacing, added } = photosAdded(files, itemsRef.current, config, thumbnail);
      update((current) => [...current.map((item) => replacing.get(item.id) ?? item), ...added]);
      setOthersPutAside(null);
      setRemoved(null);
      void checkAndUpload([...replacing.values(), ...added].filter((item) => item.status === "uploading"));
    },
    [config, update, checkAndUpload, thumbnail],
  );

  /** Photos waiting for a place take the places refused or removed photos gave up, and go
   * through the checks and upload. */
  const fillFreedPlaces = useCallback(() => {
    const promoted = takeFreedPlaces(new Set());
    if (promoted.length > 0) void checkAndUpload(promoted);
  }, [takeFreedPlaces, checkAndUpload]);

  const remove = useCallback(
    (id: string) => {
      setRemoved(undoableRemoval(itemsRef.current, id));
      stop(id);
      update((current) => current.filter((item) => item.id !== id));
      fillFreedPlaces();
    },
    [stop, update, fillFreedPlaces],
  );

  /** The photo last removed, back in its place, as it was (its key, its thumbnail). */
  const undoRemove = useCallback((): string | null => {
    if (removed === null) return null;
    const { photo, index } = removed;
    setRemoved(null);
    update((current) => [...current.slice(0, index), withThumbnail(photo), ...current.slice(index)]);
    return photo.id;
  }, [removed, update, withThumbnail]);

  /** Every file refused for what it is (not the photos waiting for a place): one click, not one each. */
  const removeRefused = useCallback(() => {
    setRemoved(null);
    update((current) => current.filter((item) => item.status !== "refused"));
  }, [update]);

  /** The browser could not draw the photo: damaged, or not what its header says. Its place
   * goes to a photo waiting for one. */
  const refuseUnreadable = useCallback(
    (id: string) => {
      // Refused already (its type, its size): that reason stands.
      if (itemsRef.current.find((item) => item.id === id)?.status === "refused") return;
      stop(id);
      patch(id, (item) => refused(item, UNREADABLE));
      fillFreedPlaces();
    },
    [stop, patch, fillFreedPlaces],
  );

  /** Refuses the uploaded photos a generation could not use (`reasons`, by storage key): they
   * are no longer sent, and their tiles say why; a photo waiting for a place takes theirs.
   * The page's change, not the admin's: Edit settings keeps its Undo. */
  const refuseUnusable = useCallback(
    (reasons: ReadonlyMap<string, string>) => {
      const found = unusableIn(itemsRef.current, reasons);
      if (found.length === 0) return;
      for (const { id, why } of found) patch(id, (item) => refused(item, why));
      fillFreedPlaces();
    },
    [patch, fillFreedPlaces],
  );

  /** Upload again the photos `ids` names whose upload failed or was stopped (all of them
   * when none are named: back from another user, each of several says "retry"). */
  const retry = useCallback(
    (...ids: string[]) => {
      const again = sentAgain(itemsRef.current, ids);
      if (again.length === 0) return;
      for (const item of again) patch(item.id, () => item);
      // Through the checks again: a photo stopped while it was being made smaller is still too big.
      void checkAndUpload(again);
    },
    [patch, checkAndUpload],
  );

  /**
   * The photos `job` sent (see `photosTakenFrom`) in place of the form's, which are returned to
   * give back with `restore` (their thumbnails kept for it, until `letGoReplaced`); null,
   * and the form's photos stay, when it has none to give (a folder's job). One the job could
   * not use is refused as it comes in, as any other (see `refuseUnusable`). `undoTo`: the
   * photos Undo gives back, when not the ones replaced (another job's, taken over the
   * admin's while Undo can still give those back): the ones whose thumbnails are kept.
   */
  const takeFrom = useCallback(
    (job: Job, undoTo?: ReferenceItem[]): { photos: ReferenceItem[]; replaced: ReferenceItem[] } | null => {
      const replaced = itemsRef.current;
      const photos = photosTakenFrom(job, replaced, config);
      if (photos.length === 0) return null;
      stopAll();
      // Their thumbnails are kept while Undo can bring them back.
      undoable.current = undoTo ?? replaced;
      update(() => photos);
      setOthersPutAside(null);
      setRemoved(null);
      return { photos, replaced };
    },
    [update, stopAll, config],
  );

  /** Photos `takeFrom` replaced, back; an upload it stopped can be retried. */
  const restore = useCallback(
    (photos: ReferenceItem[]) => {
      undoable.current = [];
      setRemoved(null);
      update(() => photos.map(stopped).map(withThumbnail));
    },
    [update, withThumbnail],
  );

  /** Undo can no longer give back the photos `takeFrom` replaced: their thumbnails go. */
  const letGoReplaced = useCallback(() => {
    if (undoable.current.length === 0) return;
    undoable.current = [];
    letGo();
  }, [letGo]);

  /**
   * Another user is another person: the form's photos go aside for `from` (their uploads
   * stopped, to retry) and `to`'s come back, as that user left them. `othersPutAside` names
   * whose photos went, until photos come back or are added.
   */
  const switchUser = useCallback(
    (from: { id: string; name: string } | null, to: string) => {
      const current = itemsRef.current;
      stopAll();
      const aside = (putAside.current ??= asideItems());
      if (from !== null && current.length > 0) aside.set(from.id, current);
      const back = aside.get(to) ?? [];
      aside.delete(to);
      keepAside(aside);
      // Put aside on this page, each shows its thumbnail still; from before, made again.
      update(() => back.map(stopped).map(withThumbnail));
      setOthersPutAside(back.length === 0 && current.length > 0 ? (from?.name ?? null) : null);
      setRemoved(null);
    },
    [stopAll, update, withThumbnail],
  );

  useEffect(() => {
    keepFormPhotos(items);
  }, [items]);

  // The same reasons while they say the same (the jobs they come from are read anew on every
  // poll): the refusal below runs when they or the photos change, not on every render.
  const [reasons, setReasons] = useState(unusable);
  if (!sameReasons(reasons, unusable)) setReasons(unusable);
  // A photo a generation could not use is not sent again, however it came to the form (back
  // after a reload or from another user, or brought by Edit settings): refused before the
  // page is painted, so it never shows as one to send.
  useLayoutEffect(() => refuseUnusable(reasons), [items, reasons, refuseUnusable]);

  // A reload or a closed tab loses a photo still on its way (its tile comes back, to add it
  // again, not its file): the browser asks first.
  const uploading = items.some((item) => item.status === "uploading");
  // A photo that did not upload is lost the same way: only its file here can be sent again.
  const unsent = items.some((item) => item.status === "uploading" || item.status === "failed");
  useEffect(() => {
    if (!unsent) return;
    const askFirst = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", askFirst);
    return () => window.removeEventListener("beforeunload", askFirst);
  }, [unsent]);

  // The thumbnails of the photos the page finds (kept across a visit elsewhere), made as it
  // mounts: before paint, and again after StrictMode's rehearsed unmount (`useThumbnails`
  // lets them all go as the page goes).
  useLayoutEffect(() => {
    const aside = putAside.current;
    aside?.forEach((photos, user) => aside.set(user, photos.map(withThumbnail)));
    const shown = itemsRef.current.map(withThumbnail);
    if (shown.some((item, index) => item !== itemsRef.current[index])) update(() => shown);
  }, [update, withThumbnail]);

  const sent = items.filter((item) => item.status === "uploaded");
  return {
    items,
    add,
    remove,
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
    keys: sent.map((item) => item.key),
    /** The photos' file names, in the order of `keys`: the job keeps them to name its photos. */
    names: sent.map((item) => item.name),
    busy: uploading,
    /** Photos whose upload failed or was stopped: not sent until retried (or removed). */
    notUploaded: items.filter((item) => item.status === "failed").length,
    /** Photos a reload lost before they were uploaded: not sent until added again (or removed). */
    lost: items.filter((item) => item.status === "lost").length,
    usable: items.filter(hasPlace).length,
  };
}

export type ReferenceUploads = ReturnType<typeof useReferenceUploads>;
