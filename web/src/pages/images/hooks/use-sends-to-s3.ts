/**
 * Each reference photo's way to S3: its checks (type and first bytes, and its shrinking when
 * it is over the size limit), then a presigned POST asked for and the upload, its progress on
 * its tile. A way can be stopped at any point (the photo removed, put aside, or the form's
 * photos replaced), and a photo sent again (a retry) goes a new way: a way stopped sends
 * nothing more, so a photo is never sent twice at once.
 *
 * Checks and uploads finish between renders: what they find is read from, and written to, the
 * form's photos as they are at that moment (`current`, `patch`), not as the last render saw them.
 */
import { onlineManager } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";

import { ApiError, uploadToS3, type PresignedUpload, type UploadContentType } from "../../../api/imageGeneration";
import { isHeicType, type TabConfig } from "../config";
import { isNoAnswer, messageOf, shownError } from "../errors";
import type { MakeThumbnail } from "../photos/form";
import { drawnPhoto, LOW_RESOLUTION_PX, readyToSend } from "../photos/checks";
import { failed, plainName, refused, uploaded, type ReferenceItem, type Refusal, type UploadingPhoto } from "../photos/photo";
import { useApi } from "./use-api";

const UPLOAD_FAILED = "The upload failed; retry.";
const OFFLINE_UPLOAD = "Offline: it goes once the connection is back.";

/** Why a photo did not upload: the API's words, except for a form that came too late, or
 * came broken (the photo itself was never sent, so nothing "may have gone through"), or was
 * refused for an ended session (its one page notice says so: not each photo). */
function uploadError(error: unknown): string {
  return isNoAnswer(error) || shownError(error) === null ? UPLOAD_FAILED : messageOf(error, UPLOAD_FAILED);
}

/** As a photo whose upload failed for `error`: one that failed as the browser went offline is
 * sent again once it is back (see `useReferenceUploads`), and says so. */
function failedFor(error: unknown) {
  const offline = error instanceof ApiError && error.status === 0 && (!onlineManager.isOnline() || globalThis.navigator?.onLine === false);
  return failedWith(offline ? OFFLINE_UPLOAD : uploadError(error), offline);
}

/** A photo on its way to S3, and what stops it (see `controllers`). */
interface Send {
  item: UploadingPhoto;
  controller: AbortController;
}

/** As a photo whose upload failed, `why` said on its tile, the photo that was uploading. */
function failedWith(why: string, offline = false) {
  return (item: ReferenceItem): ReferenceItem => (item.status === "uploading" ? failed(item, why, offline) : item);
}

/** What the ways to S3 read of the form, and change in it. */
interface FormPhotos {
  config: TabConfig;
  /** The form's photos, as they are now. */
  current: () => ReferenceItem[];
  /** Changes one photo of the form (see `withChanged`). */
  patch: (id: string, change: (item: ReferenceItem) => ReferenceItem) => void;
  thumbnail: MakeThumbnail;
  /** Gives the places of the photos the checks refused to photos waiting for one: those to
   * upload, marked uploading (see `placesTaken`). */
  takeFreedPlaces: (refused: Set<string>) => UploadingPhoto[];
}

export function useSendsToS3({ config, current, patch, thumbnail, takeFreedPlaces }: FormPhotos) {
  const api = useApi();
  /** Each photo's way to S3, from its checks (and its shrinking) on, by the photo's id. */
  const controllers = useRef(new Map<string, AbortController>());
  /**
   * The page's life: aborted once it is gone, so that a photo whose checks (or shrinking)
   * end after that is not sent (see the effect below). Null until the page is mounted.
   */
  const page = useRef<AbortController | null>(null);
  const gone = useCallback(() => page.current?.signal.aborted ?? false, []);

  /** A photo's way to S3 is over (sent, failed or stopped): nothing is left to stop. */
  const forget = useCallback(({ item, controller }: Send) => {
    if (controllers.current.get(item.id) === controller) controllers.current.delete(item.id);
  }, []);

  /** Sends one photo with its presigned `form` (none: the API gave fewer than asked), drawing
   * it meanwhile: its small copy, and its size when it is low. */
  const sendToS3 = useCallback(
    async (send: Send, form: PresignedUpload | undefined) => {
      const { item, controller } = send;
      if (controller.signal.aborted) return forget(send);
      // Its form missing from the answer: failed, to retry, not left uploading for ever.
      if (!form) {
        patch(item.id, failedWith(UPLOAD_FAILED));
        return forget(send);
      }
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
        // A HEIC this browser cannot draw (only Safari does) is sent unchecked, and its tile says
        // so from the first: no tick before its drawing fails (it was drawn as it uploaded).
        const unchecked = isHeicType(item.contentType) && (await drawing) === null;
        patch(item.id, (photo) => (photo.status === "uploading" ? uploaded(photo, form.key, unchecked) : photo));
        const drawn = await drawing;
        if (drawn) {
          const low = Math.min(drawn.width, drawn.height) < LOW_RESOLUTION_PX;
          const pixels = low ? { width: drawn.width, height: drawn.height } : undefined;
          patch(item.id, (photo) => (photo.status === "uploaded" ? { ...photo, pixels } : photo));
        }
      } catch (error) {
        if (!controller.signal.aborted) patch(item.id, failedFor(error));
      } finally {
        forget(send);
      }
    },
    [patch, forget],
  );

  /** Asks for a presigned form for each photo checked, in one request, then sends each. */
  const upload = useCallback(
    async (photos: Send[]) => {
      // Only photos still in the form to upload, on the way they were checked on: one removed
      // (or put aside) while its contents were checked is not sent, nor one sent again since
      // (put aside and back, then retried) while this way of it was stopped.
      const sends = photos.filter(
        ({ item, controller }) =>
          !controller.signal.aborted &&
          controllers.current.get(item.id) === controller &&
          current().some((photo) => photo.id === item.id && photo.status === "uploading"),
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
            filename: plainName(item.file.name),
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
          if (!send.controller.signal.aborted) patch(send.item.id, failedFor(error));
          forget(send);
        }
        return;
      }
      await Promise.all(sends.map((send, index) => sendToS3(send, forms[index])));
    },
    [api, patch, current, gone, forget, sendToS3],
  );

  /** A photo over the size limit made smaller to fit it, then each file's first bytes
   * checked; the ones that are what they claim are uploaded, and a photo waiting for a place
   * takes the place of each one refused. */
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
      const checked: (Send & { problem: Refusal | null })[] = [];
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
        patch(item.id, (photo) => refused(photo, problem.why, problem.short));
      }
      const good = checked.filter(({ item }) => !turnedDown.has(item.id));
      const promoted = turnedDown.size > 0 ? takeFreedPlaces(turnedDown) : [];
      await Promise.all([upload(good), promoted.length > 0 ? checkThenUpload(promoted) : undefined]);
    },
    [config, patch, upload, takeFreedPlaces, gone, thumbnail, forget],
  );

  /** Stops the photo's way to S3, wherever it is on it. */
  const stop = useCallback((id: string) => controllers.current.get(id)?.abort(), []);
  /** Stops every photo's way to S3 (the form's photos are put aside or replaced). */
  const stopAll = useCallback(() => {
    for (const controller of controllers.current.values()) controller.abort();
  }, []);

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

  return { checkAndUpload, stop, stopAll };
}
