/**
 * The reference photos of the next generation: checked before anything is sent (type,
 * size, count, and that the first bytes are those of an image of that type), then
 * uploaded straight to S3 with presigned POSTs, each with its progress and a retry of its
 * own. A photo refused only for the count is added once a place frees up. The photos an
 * earlier generation kept can take their place (`takeFrom`), and be given back (`restore`).
 */
import { useCallback, useEffect, useRef, useState } from "react";

import { ApiError, uploadToS3, type Job, type UploadContentType } from "../../../api/imageGeneration";
import {
  contentTypeOf,
  describeAccepted,
  formatBytes,
  isHeic,
  matchesSignature,
  typeName,
  typeOfName,
  type TabConfig,
} from "../config";
import { useApi } from "./use-image-generation";
import { read, write } from "./use-session-state";

/** What is kept of an uploaded photo across a reload: enough to use it again. */
interface KeptPhoto {
  name: string;
  size: number;
  contentType: string;
  key: string;
  /** Kept by an earlier generation: its thumbnail's (short-lived) URL. */
  earlier?: { thumbnailUrl: string | null };
  /** A small copy of the photo (a JPEG data URL), its thumbnail after a reload. */
  smallCopy?: string;
}

const KEPT = "photos";
/** The photos put aside for each other user (see `switchUser`), kept the same way. */
const ASIDE = "photos-aside";
/**
 * The files behind the kept photos, while this page of the host lives: a visit to another
 * page and back finds their thumbnails (after a reload, their small copies stand in).
 */
const filesByKey = new Map<string, File>();

function isKeptPhotos(value: unknown): value is KeptPhoto[] {
  return (
    Array.isArray(value) &&
    value.every(
      (photo: Partial<KeptPhoto> | null) =>
        typeof photo?.name === "string" &&
        typeof photo.size === "number" &&
        typeof photo.contentType === "string" &&
        typeof photo.key === "string" &&
        (photo.earlier === undefined || typeof photo.earlier?.thumbnailUrl === "string" || photo.earlier?.thumbnailUrl === null) &&
        (photo.smallCopy === undefined || photo.smallCopy.startsWith("data:image/jpeg;base64,")),
    )
  );
}

function isKeptAside(value: unknown): value is Record<string, KeptPhoto[]> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every(isKeptPhotos);
}

/** What of the form's photos a reload keeps: the uploaded ones, by their keys. */
function keptOf(items: ReferenceItem[]): KeptPhoto[] {
  return items.flatMap(({ status, name, size, contentType, key, earlier, thumbnailUrl, smallCopy }): KeptPhoto[] =>
    status === "uploaded" && contentType && key
      ? [
          {
            name,
            size,
            contentType,
            key,
            ...(earlier ? { earlier: { thumbnailUrl } } : {}),
            ...(smallCopy ? { smallCopy } : {}),
          },
        ]
      : [],
  );
}

function keptItems(): ReferenceItem[] {
  return itemsOf(read<KeptPhoto[]>(KEPT, [], isKeptPhotos));
}

function asideItems(): Map<string, ReferenceItem[]> {
  return new Map(Object.entries(read(ASIDE, {}, isKeptAside)).map(([user, photos]) => [user, itemsOf(photos)]));
}

function itemsOf(photos: KeptPhoto[]): ReferenceItem[] {
  return photos.map(({ earlier, smallCopy = null, ...photo }) => {
    const file = filesByKey.get(photo.key) ?? null;
    return {
      ...photo,
      id: nextId(),
      file,
      smallCopy,
      thumbnailUrl: earlier ? earlier.thumbnailUrl : ((file && thumbnailOf(file)) ?? smallCopy),
      earlier: earlier !== undefined,
      status: "uploaded" as const,
      progress: 1,
      error: null,
      waitingForRoom: false,
    };
  });
}

export type ReferenceStatus = "invalid" | "uploading" | "uploaded" | "failed";

export interface ReferenceItem {
  id: string;
  name: string;
  size: number;
  /** Null for a photo uploaded before a reload, or kept by an earlier generation: it is in
   * S3, its bytes are not here. */
  file: File | null;
  contentType: string | null;
  /** What the browser can show: an object URL of the file (none for HEIC, which only Safari
   * renders), or the short-lived URL of a photo an earlier generation kept. */
  thumbnailUrl: string | null;
  status: ReferenceStatus;
  progress: number;
  error: string | null;
  key: string | null;
  /** Refused only because the generation had its photos: added when one is removed. */
  waitingForRoom: boolean;
  /** Kept by an earlier generation (its prepared reference, as sent to Gemini). */
  earlier: boolean;
  /** A small copy of an uploaded photo (a JPEG data URL), kept for its thumbnail after a
   * reload; null until made, and for a photo the browser cannot draw (HEIC). */
  smallCopy: string | null;
  /** Its size in pixels, when under `LOW_RESOLUTION_PX` on its short side (once uploaded). */
  pixels?: { width: number; height: number };
}

let counter = 0;
const nextId = () => `ref-${Date.now().toString(36)}-${(counter += 1)}`;

function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "The upload failed; retry.";
}

/** FileReader, not `Blob.arrayBuffer()`: both browsers and jsdom have it. */
function firstBytes(file: Blob, count: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error("unreadable"));
    reader.readAsArrayBuffer(file.slice(0, count));
  });
}

/** Why the file's contents are not what its name or type says, or null. */
async function contentProblem(item: ReferenceItem): Promise<string | null> {
  if (!item.contentType || !item.file) return null;
  try {
    const head = await firstBytes(item.file, 12);
    if (matchesSignature(head, item.contentType)) return null;
  } catch {
    return null; // unreadable here; the worker checks every photo again
  }
  return `Not a ${typeName(item.contentType)} image, whatever its name says.`;
}

/** An object URL the browser can show; none for HEIC, which only Safari renders. */
function thumbnailOf(file: File): string | null {
  return isHeic(file) ? null : URL.createObjectURL(file);
}

const SMALL_COPY_PX = 160;
/** Under this many pixels on its short side a photo shows Gemini little of a face: said on
 * its tile (it is still used). */
const LOW_RESOLUTION_PX = 256;

/**
 * What the page learns by drawing an uploaded photo: its size in pixels, and a small JPEG
 * copy (at most 160 px a side, a few KB) as a data URL to keep in sessionStorage (null where
 * it cannot be made). Null where the browser cannot draw the photo (HEIC outside Safari).
 */
async function drawnPhoto(file: File): Promise<{ width: number; height: number; smallCopy: string | null } | null> {
  if (typeof createImageBitmap !== "function") return null;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null; // HEIC outside Safari, a damaged file: a placeholder after a reload
  }
  const { width, height } = bitmap;
  let smallCopy: string | null = null;
  try {
    const scale = Math.min(1, SMALL_COPY_PX / Math.max(width, height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const url = canvas.toDataURL("image/jpeg", 0.8);
    smallCopy = url.startsWith("data:image/jpeg;base64,") ? url : null;
  } catch {
    // No copy: after a reload the tile shows a placeholder.
  } finally {
    bitmap.close();
  }
  return { width, height, smallCopy };
}

/** A photo whose upload was stopped (the form went elsewhere), to retry. */
function stopped(item: ReferenceItem): ReferenceItem {
  return item.status === "uploading" ? { ...item, status: "failed", error: "The upload was stopped; retry." } : item;
}

/** Let go of a photo's object URL (a kept photo's URL is the bucket's, not the page's). */
function release(item: ReferenceItem): void {
  if (item.file && item.thumbnailUrl) URL.revokeObjectURL(item.thumbnailUrl);
}

/**
 * The photos `job` sent, in its order, as this form's, named as they were (by the names the
 * job kept; a folder's photos by their keys; else by their place): the copies it kept once
 * prepared, else (it failed or was canceled before) its uploads themselves, while they last,
 * each of the type its key's extension means.
 */
function photosOf(job: Job, config: TabConfig): ReferenceItem[] {
  const nameOf = (index: number): string =>
    job.reference_names[index] ??
    (job.source === "s3_event" ? job.reference_keys[index]?.split("/").pop() : undefined) ??
    `Earlier photo ${index + 1}`;
  const earlierPhoto = (index: number, key: string, size: number, contentType: string, thumbnailUrl: string | null) => ({
    id: nextId(),
    name: nameOf(index),
    size,
    file: null,
    contentType,
    thumbnailUrl,
    status: "uploaded" as const,
    progress: 1,
    error: null,
    key,
    waitingForRoom: false,
    earlier: true,
    smallCopy: null,
  });
  const kept = [...job.prepared_references].sort((a, b) => a.index - b.index);
  if (kept.length > 0) {
    return kept.map((photo) => earlierPhoto(photo.index, photo.key, photo.bytes, photo.mime_type, photo.preview_url ?? null));
  }
  if (job.source !== "api") return []; // a folder's photos are its folder's, not the form's
  return job.reference_keys.flatMap((key, index) => {
    const type = typeOfName(key, config);
    return type ? [earlierPhoto(index, key, 0, type, null)] : [];
  });
}

export function useReferenceUploads(config: TabConfig) {
  const api = useApi();
  const [notice, setNotice] = useState<string | null>(null);
  // Photos uploaded before a reload come back (they are in S3 until UPLOAD_EXPIRY_DAYS).
  const [items, setItems] = useState<ReferenceItem[]>(keptItems);
  // The latest list, ahead of React's next render: checks and uploads finish between renders.
  const itemsRef = useRef(items);
  const update = useCallback((change: (current: ReferenceItem[]) => ReferenceItem[]) => {
    itemsRef.current = change(itemsRef.current);
    setItems(itemsRef.current);
  }, []);
  const controllers = useRef(new Map<string, AbortController>());

  /** Changes one photo; a photo no longer in the list (removed, put aside) is left alone,
   * and the list stays the same list. */
  const patch = useCallback(
    (id: string, change: Partial<ReferenceItem>) => {
      update((current) =>
        current.some((item) => item.id === id)
          ? current.map((item) => (item.id === id ? { ...item, ...change } : item))
          : current,
      );
    },
    [update],
  );

  const upload = useCallback(
    async (photos: ReferenceItem[]) => {
      // Only photos still in the form to upload: one removed (or put aside) while its
      // contents were checked is not sent.
      const batch = photos.filter((photo) =>
        itemsRef.current.some((item) => item.id === photo.id && item.status === "uploading"),
      );
      if (batch.length === 0) return;
      // Each photo can be stopped from here on, before its form is even asked for.
      const sends = batch.map((item) => {
        const controller = new AbortController();
        controllers.current.set(item.id, controller);
        return { item, controller };
      });
      const forget = ({ item, controller }: (typeof sends)[number]) => {
        if (controllers.current.get(item.id) === controller) controllers.current.delete(item.id);
      };
      let forms;
      try {
        const answer = await api.createUploads(
          batch.map((item) => ({
            content_type: item.contentType as UploadContentType,
            size: item.size,
            filename: item.name.slice(0, 255),
          })),
        );
        forms = answer.uploads;
      } catch (error) {
        for (const send of sends) {
          if (!send.controller.signal.aborted) patch(send.item.id, { status: "failed", error: errorText(error) });
          forget(send);
        }
        return;
      }
      await Promise.all(
        sends.map(async (send, index) => {
          const { item, controller } = send;
          const form = forms[index];
          if (!form || controller.signal.aborted) return forget(send);
          try {
            if (!item.file) throw new Error("nothing to send"); // kept photos are in S3 already
            await uploadToS3(form, item.file, (progress) => patch(item.id, { progress }), controller.signal);
            patch(item.id, { status: "uploaded", progress: 1, key: form.key, error: null });
            const drawn = await drawnPhoto(item.file);
            if (drawn) {
              const low = Math.min(drawn.width, drawn.height) < LOW_RESOLUTION_PX;
              patch(item.id, { smallCopy: drawn.smallCopy, ...(low ? { pixels: { width: drawn.width, height: drawn.height } } : {}) });
            }
          } catch (error) {
            if (!controller.signal.aborted) patch(item.id, { status: "failed", error: errorText(error) });
          } finally {
            forget(send);
          }
        }),
      );
    },
    [api, patch],
  );

  /** Photos waiting for a place take those `freed` gives up (marked uploading); returned. */
  const takeFreedPlaces = useCallback(
    (freed: Set<string>): ReferenceItem[] => {
      const rest = itemsRef.current.filter((item) => !freed.has(item.id));
      let room = config.maxFiles - rest.filter((item) => item.status !== "invalid").length;
      const promoted: ReferenceItem[] = [];
      for (const item of rest) {
        if (room <= 0) break;
        if (!item.waitingForRoom) continue;
        const thumbnailUrl = item.file && thumbnailOf(item.file);
        promoted.push({ ...item, status: "uploading", error: null, waitingForRoom: false, thumbnailUrl });
        room -= 1;
      }
      for (const item of promoted) patch(item.id, item);
      return promoted;
    },
    [config, patch],
  );

  /** Check each file's first bytes, then upload the ones that are what they claim. */
  const checkAndUpload = useCallback(
    async function checkThenUpload(batch: ReferenceItem[]): Promise<void> {
      const problems = await Promise.all(batch.map(contentProblem));
      const refused = new Set<string>();
      batch.forEach((item, index) => {
        const problem = problems[index];
        if (!problem) return;
        refused.add(item.id);
        patch(item.id, { status: "invalid", error: problem });
      });
      const good = batch.filter((item) => !refused.has(item.id));
      const promoted = refused.size > 0 ? takeFreedPlaces(refused) : [];
      await Promise.all([upload(good), promoted.length > 0 ? checkThenUpload(promoted) : undefined]);
    },
    [patch, upload, takeFreedPlaces],
  );

  const add = useCallback(
    (files: File[]) => {
      if (files.length === 0) return;
      let room = config.maxFiles - itemsRef.current.filter((i) => i.status !== "invalid").length;
      const added: ReferenceItem[] = files.map((file) => {
        const contentType = contentTypeOf(file, config);
        const base = {
          id: nextId(),
          name: file.name || "pasted image",
          size: file.size,
          file,
          contentType,
          thumbnailUrl: null,
          progress: 0,
          key: null,
          waitingForRoom: false,
          earlier: false,
          smallCopy: null,
        };
        let error: string | null = null;
        if (!contentType) error = `Not an accepted image type (${describeAccepted(config)}).`;
        else if (file.size === 0) error = "The file is empty.";
        else if (file.size > config.maxBytes)
          error = `${formatBytes(file.size)} is over the ${formatBytes(config.maxBytes)} limit.`;
        else if (room <= 0) {
          const full = `Only ${config.maxFiles} photos per generation; it is added when you remove one.`;
          return { ...base, status: "invalid", error: full, waitingForRoom: true };
        }
        if (error) return { ...base, status: "invalid", error };
        room -= 1;
        return { ...base, thumbnailUrl: thumbnailOf(file), status: "uploading", error: null };
      });
      update((current) => [...current, ...added]);
      setNotice(null);
      void checkAndUpload(added.filter((item) => item.status === "uploading"));
    },
    [config, update, checkAndUpload],
  );

  const remove = useCallback(
    (id: string) => {
      controllers.current.get(id)?.abort();
      const gone = itemsRef.current.find((item) => item.id === id);
      if (gone) release(gone);
      update((current) => current.filter((item) => item.id !== id));
      const promoted = takeFreedPlaces(new Set());
      if (promoted.length > 0) void checkAndUpload(promoted);
    },
    [update, takeFreedPlaces, checkAndUpload],
  );

  /** Every file refused for what it is (not the photos waiting for a place): one click, not one each. */
  const removeRefused = useCallback(() => {
    const refused = (item: ReferenceItem) => item.status === "invalid" && !item.waitingForRoom;
    itemsRef.current.filter(refused).forEach(release);
    update((current) => current.filter((item) => !refused(item)));
  }, [update]);

  /** The browser could not draw the photo: damaged, or not what its header says. Its place
   * goes to a photo waiting for one. */
  const refuseUnreadable = useCallback(
    (id: string) => {
      // Refused already (its type, its size): that reason stands.
      if (itemsRef.current.find((item) => item.id === id)?.status === "invalid") return;
      controllers.current.get(id)?.abort();
      patch(id, { status: "invalid", key: null, error: "This photo could not be opened; it may be damaged." });
      const promoted = takeFreedPlaces(new Set());
      if (promoted.length > 0) void checkAndUpload(promoted);
    },
    [patch, takeFreedPlaces, checkAndUpload],
  );

  const retry = useCallback(
    (id: string) => {
      const item = itemsRef.current.find((i) => i.id === id);
      if (!item || item.status !== "failed") return;
      const again = { ...item, status: "uploading" as const, progress: 0, error: null };
      patch(id, again);
      void upload([again]);
    },
    [patch, upload],
  );

  /**
   * The photos `job` sent (see `photosOf`) in place of the form's, which are returned to
   * give back with `restore` (their thumbnails kept for it); null, and the form's photos
   * stay, when it has none to give (a folder's job).
   */
  const takeFrom = useCallback(
    (job: Job): { photos: ReferenceItem[]; replaced: ReferenceItem[] } | null => {
      const photos = photosOf(job, config);
      if (photos.length === 0) return null;
      const replaced = itemsRef.current;
      for (const controller of controllers.current.values()) controller.abort();
      update(() => photos);
      setNotice(null);
      return { photos, replaced };
    },
    [update, config],
  );

  /** Photos `takeFrom` replaced, back; an upload it stopped can be retried. */
  const restore = useCallback(
    (photos: ReferenceItem[]) => {
      for (const item of itemsRef.current) if (!photos.includes(item)) release(item);
      update(() => photos.map(stopped));
    },
    [update],
  );

  // Each user's photos, put aside while another user is chosen (kept across a reload too).
  const putAside = useRef<Map<string, ReferenceItem[]> | null>(null);
  /**
   * Another user is another person: the form's photos go aside for `from` (their uploads
   * stopped, to retry) and `to`'s come back, as that user left them. `notice` says why the
   * photos went, until photos come back or are added.
   */
  const switchUser = useCallback(
    (from: string | null, to: string, notice: string) => {
      const current = itemsRef.current;
      for (const controller of controllers.current.values()) controller.abort();
      const aside = (putAside.current ??= asideItems());
      if (from !== null && current.length > 0) aside.set(from, current);
      const back = aside.get(to) ?? [];
      aside.delete(to);
      write(ASIDE, Object.fromEntries(Array.from(aside, ([user, photos]) => [user, keptOf(photos)])));
      update(() => back.map(stopped));
      setNotice(back.length === 0 && current.length > 0 ? notice : null);
    },
    [update],
  );

  useEffect(() => {
    const kept = keptOf(items);
    write(KEPT, kept);
    for (const key of filesByKey.keys()) if (!kept.some((photo) => photo.key === key)) filesByKey.delete(key);
    for (const item of items) if (item.status === "uploaded" && item.key && item.file) filesByKey.set(item.key, item.file);
  }, [items]);

  useEffect(() => {
    const open = controllers.current;
    return () => {
      for (const controller of open.values()) controller.abort();
    };
  }, []);

  const uploaded = items.filter((item) => item.status === "uploaded");
  return {
    items,
    add,
    remove,
    removeRefused,
    retry,
    refuseUnreadable,
    takeFrom,
    restore,
    switchUser,
    notice,
    keys: uploaded.map((item) => item.key as string),
    /** The photos' file names, in the order of `keys`: the job keeps them to name its photos. */
    names: uploaded.map((item) => item.name),
    busy: items.some((item) => item.status === "uploading"),
    usable: items.filter((item) => item.status !== "invalid").length,
  };
}

export type ReferenceUploads = ReturnType<typeof useReferenceUploads>;
