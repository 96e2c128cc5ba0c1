/**
 * The reference photos of the next generation: checked before anything is sent (type,
 * size, count, and that the first bytes are those of an image of that type), then
 * uploaded straight to S3 with presigned POSTs, each with its progress and a retry of its
 * own. A photo refused only for the count is added once a place frees up. A photo a
 * generation could not use is refused, wherever it came from. The photos an earlier
 * generation kept can take their place (`takeFrom`), and be given back (`restore`).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

import { uploadToS3, type Job, type UploadContentType } from "../../../api/imageGeneration";
import type { TabConfig } from "../config";
import { isNoAnswer, messageOf, shownError } from "../errors";
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
import { drawnPhoto, LOW_RESOLUTION_PX, readyToSend, UNREADABLE } from "../photoChecks";
import {
  failed,
  hasPlace,
  refused,
  stopped,
  uploaded,
  type ReferenceItem,
  type UploadingPhoto,
} from "../referencePhotos";
import { useApi } from "./use-api";
import { useThumbnails } from "./use-thumbnails";

export type { ReferenceItem } from "../referencePhotos";

const UPLOAD_FAILED = "The upload failed; retry.";

/** Why a photo did not upload: the API's words, except for a form that came too late, or
 * came broken (the photo itself was never sent, so nothing "may have gone through"), or was
 * refused for an ended session (its one notice above the page says so: not each photo). */
function uploadError(error: unknown): string {
  return isNoAnswer(error) || shownError(error) === null ? UPLOAD_FAILED : messageOf(error, UPLOAD_FAILED);
}

/** A photo on its way to S3, and what stops it (see `controllers`). */
interface Send {
  item: UploadingPhoto;
  controller: AbortController;
}

/** As a photo whose upload failed, `why` said on its tile, the photo that was uploading. */
function failedWith(why: string) {
  return (item: ReferenceItem): ReferenceItem => (item.status === "uploading" ? failed(item, why) : item);
}

/** `unusable`: the photos a generation could not use, by storage key, and why (see
 * `unusablePhotos`). */
export function useReferenceUploads(config: TabConfig, unusable: ReadonlyMap<string, string>) {
  const api = useApi();
  // Whose photos were put aside (their name), while none of this user's came back nor were added.
  const [othersPutAside, setOthersPutAside] = useState<string | null>(null);
  // Photos uploaded before a reload come back (they are in S3 until UPLOAD_EXPIRY_DAYS).
  const [items, setItems] = useState<ReferenceItem[]>(keptItems);
  // The latest list, ahead of React's next render: checks and uploads finish between renders.
  const itemsRef = useRef(items);
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
  /**
   * Each photo's way to S3, from its checks (and its shrinking) on: stopped by removing it,
   * putting it aside, or replacing the form's photos. A photo sent again (a retry) gets a new
   * one, and a way stopped sends nothing more, so a photo is never sent twice at once.
   */
  const controllers = useRef(new Map<string, AbortController>());
  /**
   * The page's life: aborted once it is gone, so that a photo whose checks (or shrinking)
   * end after that is not sent (see the effect below). Null until the page is mounted.
   */
  const page = useRef<AbortController | null>(null);
  const gone = useCallback(() => page.current?.signal.aborted ?? false, []);

  /** Changes one photo (`change` gives it as it becomes); a photo no longer in the list
   * (removed, put aside) is left alone, and the list stays the same list. */
  const patch = useCallback(
    (id: string, change: (item: ReferenceItem) => ReferenceItem) => {
      update((current) => withChanged(current, id, change));
    },
    [update],
  );

  /** A photo's way to S3 is over (sent, failed or stopped): nothing is left to stop. */
  const forget = useCallback(({ item, controller }: Send) => {
    if (controllers.current.get(item.id) === controller) controllers.current.delete(item.id);
  }, []);

  const upload = useCallback(
    async (photos: Send[]) => {
      // Only photos still in the form to upload, on the way they were checked on: one removed
      // (or put aside) while its contents were checked is not sent, nor one sent again since
      // (put aside and back, then retried) while this way of it was stopped.
      const sends = photos.filter(
        ({ item, controller }) =>
          !controller.signal.aborted &&
          controllers.current.get(item.id) === controller &&
          itemsRef.current.some((photo) => photo.id === item.id && photo.status === "uploading"),
      );
      for (const send of photos) if (!sends.includes(send)) forget(send);
      // The page is gone (its checks ended after it): nothing is sent, not even a form asked for.
      if (sends.length === 0 || gone()) return;
      const batch = sends.map(({ item }) => item);
      const signal = page.current?.signal;
      let forms;
      try {
        const answer = await api.createUploads(
          batch.map((item) => ({
            content_type: item.contentType as UploadContentType,
            size: item.size,
            // The file's own name: a photo made smaller is sent as the JPEG it became.
            filename: item.file.name.slice(0, 255),
          })),
          signal,
        );
        forms = answer.uploads;
      } catch (error) {
        for (const send of sends) {
          if (signal?.aborted) {
            forget(send);
            continue;
          }
          if (!send.controller.signal.aborted) patch(send.item.id, failedWith(uploadError(error)));
          forget(send);
        }
        return;
      }
      await Promise.all(
        sends.map(async (send, index) => {
          const { item, controller } = send;
          const form = forms[index];
          if (!form || controller.signal.aborted) return forget(send);
          // Drawn as it uploads: its small copy is its tile after a reload, one that stops the
          // upload too (see `LostPhoto`). A retry has its copy from the first try.
          const drawing = drawnPhoto(item.file);
          if (!item.smallCopy) {
            void drawing.then((drawn) => {
              const smallCopy = drawn?.smallCopy;
              if (!smallCopy) return;
              patch(item.id, (photo) =>
                photo.status === "uploading" || photo.status === "failed" || photo.status === "uploaded" ? { ...photo, smallCopy } : photo,
              );
            });
          }
          try {
            const onProgress = (progress: number) =>
              patch(item.id, (photo) => (photo.status === "uploading" ? { ...photo, progress } : photo));
            await uploadToS3(form, item.file, onProgress, controller.signal);
            patch(item.id, (photo) => (photo.status === "uploading" ? uploaded(photo, form.key) : photo));
            const drawn = await drawing;
            if (drawn) {
              const low = Math.min(drawn.width, drawn.height) < LOW_RESOLUTION_PX;
              const pixels = low ? { width: drawn.width, height: drawn.height } : undefined;
              patch(item.id, (photo) => (photo.status === "uploaded" ? { ...photo, pixels } : photo));
            }
          } catch (error) {
            if (!controller.signal.aborted) patch(item.id, failedWith(uploadError(error)));
          } finally {
            forget(send);
          }
        }),
      );
    },
    [api, patch, gone, forget],
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

  /** A photo over the size limit made smaller to fit it, then each file's first bytes
   * checked; the ones that are what they claim are uploaded. */
  const checkAndUpload = useCallback(
    async function checkThenUpload(photos: UploadingPhoto[]): Promise<void> {
      // Each photo can be stopped from here on, while it is checked and made smaller too.
      const ways: Send[] = photos.map((item) => {
        controllers.current.get(item.id)?.abort();
        const controller = new AbortController();
        controllers.current.set(item.id, controller);
        return { item, controller };
      });
      // One at a time: making one smaller decodes the whole photo (a 24 MP PNG is some 100 MB
      // as a bitmap).
      const checked: (Send & { problem: string | null })[] = [];
      // Not one more once the page is gone: nothing of it would be sent.
      for (const { item: before, controller } of ways) {
        if (gone()) return;
        const result = await readyToSend(before, config);
        if (gone()) return;
        checked.push({ ...result, controller });
        // The file to send, made smaller or named for what it is, whatever became of the
        // photo meanwhile (stopped, it keeps it for its retry). At once: its tile no longer
        // says it is being made smaller while the next one is.
        const { file, size, contentType, shrunkFrom } = result.item;
        if (file === before.file) continue;
        const sent = {
          file,
          size,
          contentType,
          ...(shrunkFrom === undefined ? {} : { shrunkFrom }),
          // A JPEG that was named .heic can be drawn now.
          ...(before.thumbnailUrl ? {} : { thumbnailUrl: thumbnail(file) }),
        };
        patch(before.id, (photo) => (photo.status === "uploading" || photo.status === "failed" ? { ...photo, ...sent } : photo));
      }
      const turnedDown = new Set<string>();
      for (const send of checked) {
        const { item, problem } = send;
        if (!problem) continue;
        turnedDown.add(item.id);
        forget(send);
        patch(item.id, (photo) => refused(photo, problem));
      }
      const good = checked.filter(({ item }) => !turnedDown.has(item.id));
      const promoted = turnedDown.size > 0 ? takeFreedPlaces(turnedDown) : [];
      await Promise.all([upload(good), promoted.length > 0 ? checkThenUpload(promoted) : undefined]);
    },
    [config, patch, upload, takeFreedPlaces, gone, thumbnail, forget],
  );

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
      controllers.current.get(id)?.abort();
      update((current) => current.filter((item) => item.id !== id));
      fillFreedPlaces();
    },
    [update, fillFreedPlaces],
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
      controllers.current.get(id)?.abort();
      patch(id, (item) => refused(item, UNREADABLE));
      fillFreedPlaces();
    },
    [patch, fillFreedPlaces],
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
      for (const controller of controllers.current.values()) controller.abort();
      // Their thumbnails are kept while Undo can bring them back.
      undoable.current = undoTo ?? replaced;
      update(() => photos);
      setOthersPutAside(null);
      setRemoved(null);
      return { photos, replaced };
    },
    [update, config],
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
      for (const controller of controllers.current.values()) controller.abort();
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
    [update, withThumbnail],
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

  // Made here, not in the ref's initial value: React's StrictMode rehearses an unmount (and
  // aborts it) before the page it keeps mounts again, with a controller of its own.
  useEffect(() => {
    const life = new AbortController();
    page.current = life;
    const open = controllers.current;
    return () => {
      life.abort();
      for (const controller of open.values()) controller.abort();
    };
  }, []);

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
