/** A reference photo of the form, as the page holds it: from a file, from before a reload,
 * or kept by an earlier generation. */
import type { Job } from "../../../api/imageGeneration";
import { isHeicType, typeOfName, type TabConfig } from "../config";

/** What every photo of the form has, whatever became of it. */
interface Photo {
  id: string;
  /** The name the admin knows it by (kept when the file sent is named otherwise). */
  name: string;
  size: number;
  /** What the browser can show: an object URL of the file (none for HEIC, which only Safari
   * renders; the page that made it lets it go), its small copy, or the short-lived URL of a
   * photo an earlier generation kept. */
  thumbnailUrl: string | null;
}

/** A file being checked (and made smaller to fit, where it must), then sent to S3. */
export interface UploadingPhoto extends Photo {
  status: "uploading";
  file: File;
  contentType: string;
  /** How much of it S3 has, from 0 to 1. */
  progress: number;
  /** The file's size before the page made it smaller to fit the limit (see `shrinkToFit`). */
  shrunkFrom?: number;
  /** A small copy of it (see `UploadedPhoto`), made as it uploads: its tile after a reload
   * that stops the upload. */
  smallCopy?: string | null;
}

/** In S3 under `key`: the next Generate sends it. */
export interface UploadedPhoto extends Photo {
  status: "uploaded";
  /** Null for a photo uploaded before a reload, or kept by an earlier generation: it is in
   * S3, its bytes are not here. */
  file: File | null;
  contentType: string;
  key: string;
  /** Kept by an earlier generation (its prepared reference, as sent to Gemini). */
  earlier: boolean;
  /** A small copy of it (a JPEG data URL), kept for its thumbnail after a reload; null until
   * made, and for a photo the browser cannot draw (HEIC). */
  smallCopy: string | null;
  shrunkFrom?: number;
  /** Its size in pixels, when under `LOW_RESOLUTION_PX` on its short side. */
  pixels?: { width: number; height: number };
  /** Sent without the browser having seen its pixels: a HEIC or HEIF it cannot draw (only
   * Safari does; its structure was checked, see `photos/heif`), or an upload an earlier
   * generation left unprepared. The worker checks it when it generates: its tile says so, with
   * no tick. */
  unchecked?: true;
}

/** A file whose upload failed or was stopped: sent again from here on Retry. */
export interface FailedPhoto extends Photo {
  status: "failed";
  file: File;
  contentType: string;
  error: string;
  /** It failed as the browser went offline: sent again by itself once it is back online. */
  offline?: true;
  shrunkFrom?: number;
  smallCopy?: string | null;
}

/**
 * A photo whose bytes were only on the page when it reloaded (on their way to S3, or their
 * upload had failed or was stopped): the page has nothing of it to send. It keeps its place
 * among the generation's (the admin chose it for this one), and Generate waits, until it is
 * removed or added again: the same file (`holdsFile`) takes its place.
 */
export interface LostPhoto extends Photo {
  status: "lost";
  file: null;
  contentType: string;
  /** Its small copy, when one was made before the reload (see `UploadedPhoto`). */
  smallCopy: string | null;
}

/** What a lost photo's tile says: the whole of it is read out and shown on hover; the short of
 * it is what a narrow tile shows, on two lines rather than four. */
export const LOST_IN_RELOAD = "Not uploaded before the reload: add it again.";
export const LOST_IN_RELOAD_SHORT = "Not uploaded: add it again.";

/** A file over the count (the generation has its photos): added, and uploaded, when one is
 * removed. */
export interface WaitingFile extends Photo {
  status: "waiting";
  file: File;
  contentType: string;
}

/** A photo an earlier generation kept, over the count: Edit settings brought more photos than
 * the form takes now (the limit was lowered since that generation ran). It is in S3 already,
 * and sent as it is once it has a place. */
export interface WaitingKept extends Omit<UploadedPhoto, "status"> {
  status: "waiting";
}

/** A photo over the count: added when one is removed. */
export type WaitingPhoto = WaitingFile | WaitingKept;

/** Whether a photo that waits is in S3 already (see `WaitingKept`), not a file to upload. */
export function isKept(item: WaitingPhoto): item is WaitingKept {
  return "key" in item;
}

/** A photo that is not sent: not an accepted type, empty, too big, damaged, or a generation
 * could not use it; `error` says why. */
export interface RefusedPhoto extends Photo {
  status: "refused";
  /** Null for one that came from S3 (see `UploadedPhoto`). */
  file: File | null;
  /** Null for a file of no accepted type. */
  contentType: string | null;
  error: string;
  /** What its narrow tile shows, when `error` (said, and the tile's title) goes on to say
   * what to do. */
  shortError?: string;
  /** Kept by an earlier generation (see `UploadedPhoto`). */
  earlier: boolean;
  /** Where it is in S3, for one refused once uploaded (a generation could not use it): the
   * card of that generation finds its tile by it (Generate without it). */
  key?: string;
}

/** A reference photo of the form: each status with what the photo has in it. */
export type ReferenceItem = UploadingPhoto | UploadedPhoto | FailedPhoto | LostPhoto | WaitingPhoto | RefusedPhoto;

let counter = 0;
export const nextId = () => `ref-${Date.now().toString(36)}-${(counter += 1)}`;

/** Whether the photo has a place among the generation's (one waiting, or refused, has none). */
export function hasPlace(item: ReferenceItem): item is UploadingPhoto | UploadedPhoto | FailedPhoto | LostPhoto {
  return item.status !== "waiting" && item.status !== "refused";
}

/** The photo on its way to S3: a failed one sent again, a waiting file given a place. */
export function sending(item: FailedPhoto | WaitingFile, thumbnailUrl: string | null): UploadingPhoto {
  const { id, name, size, file, contentType } = item;
  const { shrunkFrom, smallCopy } = item.status === "failed" ? item : {};
  return { id, name, size, thumbnailUrl, file, contentType, shrunkFrom, smallCopy, status: "uploading", progress: 0 };
}

/** The photo in S3 under `key`; `unchecked` when the browser could not draw it (see `UploadedPhoto`). */
export function uploaded(item: UploadingPhoto, key: string, unchecked = false): UploadedPhoto {
  const { id, name, size, thumbnailUrl, file, contentType, shrunkFrom, smallCopy = null } = item;
  const photo: UploadedPhoto = { id, name, size, thumbnailUrl, file, contentType, shrunkFrom, status: "uploaded", key, earlier: false, smallCopy };
  return unchecked ? { ...photo, unchecked } : photo;
}

/** The photo's upload failed, `why` said on its tile; `offline` when the browser went offline
 * (see `FailedPhoto`). */
export function failed(item: UploadingPhoto, why: string, offline = false): FailedPhoto {
  const { id, name, size, thumbnailUrl, file, contentType, shrunkFrom, smallCopy } = item;
  const photo: FailedPhoto = { id, name, size, thumbnailUrl, file, contentType, shrunkFrom, smallCopy, status: "failed", error: why };
  return offline ? { ...photo, offline } : photo;
}

/** The size of the file the admin chose: before the page made it smaller, if it did. */
export function chosenSize(item: UploadingPhoto | FailedPhoto): number {
  return item.shrunkFrom ?? item.size;
}

/** The name the admin knows a file by (a pasted image may have none). */
export function nameOf(file: File): string {
  return file.name || "pasted image";
}

/** What the API refuses in a file name as invisible (`identity_images/text.py`): Unicode's
 * default-ignorable characters (zero-width ones, bidi controls, tags, variation selectors…)
 * and the interlinear annotation marks. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\uFFF9-\uFFFB]/gu;

/** A line break, a tab or another control character, as the API counts them. */
function breaksLine(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/** A file name as the API takes it (it refuses the rest, 422): its line breaks, tabs and other
 * control characters a space, its invisible characters (direction marks, zero-width ones, tags)
 * dropped, at most 255 characters (whole ones: a cut through a pair of UTF-16 halves would
 * leave one the API refuses too). A name from the system may hold any of them. */
export function plainName(name: string): string {
  const chars = Array.from(name.replace(INVISIBLE, ""), (char) => (breaksLine(char) ? " " : char));
  return chars.slice(0, 255).join("").trim() || "photo";
}

/** Whether `file` is a photo the form holds (its name, and its size as the admin chose it,
 * made smaller to fit or not; a lost photo's size is that one, see `photos/kept`): not one it
 * refused, which may be added again to be told why. */
export function holdsFile(item: ReferenceItem, file: File): boolean {
  if (item.status === "refused" || item.name !== nameOf(file)) return false;
  return item.size === file.size || ("shrunkFrom" in item && item.shrunkFrom === file.size);
}

/** Whether `items` are the photos `ids` names, in its order, whatever became of each (one
 * refused since is one of them still). */
export function arePhotos(items: readonly ReferenceItem[], ids: readonly string[]): boolean {
  return items.length === ids.length && items.every((item, index) => item.id === ids[index]);
}

/** A photo whose upload was stopped (the form went elsewhere), to retry. */
export function stopped(item: ReferenceItem): ReferenceItem {
  return item.status === "uploading" ? failed(item, "The upload was stopped; retry.") : item;
}

/** Why a photo is refused (`RefusedPhoto`'s `error`), and the first words of it a tile has room for. */
export interface Refusal {
  why: string;
  short?: string;
}

/** The photo refused, `why` said on its tile (`short`, when given, shown there). */
export function refused(item: ReferenceItem, why: string, short?: string): RefusedPhoto {
  const { id, name, size, thumbnailUrl, file, contentType } = item;
  // Where it came from: known of an uploaded photo (and kept once refused). Not its small
  // size: that warning says a photo is used all the same, and this one is not.
  const known = item.status === "uploaded" || item.status === "refused" ? item : null;
  return {
    id,
    name,
    size,
    thumbnailUrl,
    file,
    contentType,
    status: "refused",
    error: why,
    ...(short === undefined ? {} : { shortError: short }),
    earlier: known?.earlier ?? false,
    ...(known?.key === undefined ? {} : { key: known.key }),
  };
}

/** The copies of its photos a job kept, in the order it was sent them. */
export function keptCopies(job: Job): Job["prepared_references"] {
  return [...job.prepared_references].sort((a, b) => a.index - b.index);
}

/**
 * The size of `job`'s photo `index` as the admin added it (the file's, byte for byte what was
 * uploaded), which its tile showed then; undefined for a job that recorded none (one from
 * before, a folder's). Not its kept copy's: the worker made that JPEG of the photo, and it
 * weighs something else (62 KB for a 67 KB photo), so the same photo would show two sizes.
 * The API carries the size on to a generation that sends the copy (`reference_bytes`).
 */
function sizeOf(job: Job, index: number): number | undefined {
  return job.reference_bytes.length === job.reference_keys.length ? job.reference_bytes[index] : undefined;
}

/**
 * The photos `job` sent, in its order, as this form's, named as they were (by the names the
 * job kept; a folder's photos by their keys; else by their place): the copies it kept once
 * prepared, else (it failed or was canceled before) its uploads themselves, while they last,
 * each of the type its key's extension means.
 */
export function photosOf(job: Job, config: TabConfig): UploadedPhoto[] {
  const nameOf = (index: number): string =>
    job.reference_names[index] ??
    (job.source === "s3_event" ? job.reference_keys[index]?.split("/").pop() : undefined) ??
    `Earlier photo ${index + 1}`;
  const earlierPhoto = (index: number, key: string, size: number, contentType: string, thumbnailUrl: string | null): UploadedPhoto => ({
    id: nextId(),
    name: nameOf(index),
    size,
    file: null,
    contentType,
    thumbnailUrl,
    status: "uploaded",
    key,
    earlier: true,
    smallCopy: null,
  });
  const kept = keptCopies(job);
  if (kept.length > 0) {
    return kept.map((photo) =>
      earlierPhoto(photo.index, photo.key, sizeOf(job, photo.index) ?? photo.bytes, photo.mime_type, photo.preview_url ?? null),
    );
  }
  if (job.source !== "api") return []; // a folder's photos are its folder's, not the form's
  return job.reference_keys.flatMap((key, index) => {
    const type = typeOfName(key, config);
    if (!type) return [];
    // Never prepared, and not here to draw: a HEIC among them is checked when it generates.
    const photo = earlierPhoto(index, key, sizeOf(job, index) ?? 0, type, null);
    return [isHeicType(type) ? { ...photo, unchecked: true as const } : photo];
  });
}
