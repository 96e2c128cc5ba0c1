/**
 * The form's list of reference photos, and what becomes of it: files added (or refused as
 * they come), places freed for the photos waiting for one, the photos an earlier generation
 * kept taken in, the ones a generation could not use found. Plain functions of the list: the
 * hook that holds it (`useReferenceUploads`) says when each applies.
 */
import type { Job } from "../../../api/imageGeneration";
import { contentTypeOf, describeAccepted, type TabConfig } from "../config";
import { canShrink, tooBig } from "./checks";
import {
  hasPlace,
  isKept,
  holdsFile,
  keptCopies,
  nameOf,
  nextId,
  photosOf,
  sending,
  type FailedPhoto,
  type LostPhoto,
  type ReferenceItem,
  type UploadedPhoto,
  type UploadingPhoto,
} from "./photo";

/** Makes the thumbnail (an object URL) of a file for its tile: the page's, which lets it go
 * (see `useThumbnails`); null for one the browser cannot draw. */
export type MakeThumbnail = (file: File) => string | null;

/** `items` with the photo `id` changed (`change` gives it as it becomes); `items` itself when
 * that photo is no longer among them (removed, put aside). */
export function withChanged(
  items: ReferenceItem[],
  id: string,
  change: (item: ReferenceItem) => ReferenceItem,
): ReferenceItem[] {
  return items.some((item) => item.id === id) ? items.map((item) => (item.id === id ? change(item) : item)) : items;
}

/** How many more photos the form takes than `items` have places (see `hasPlace`). */
function roomLeft(items: readonly ReferenceItem[], config: TabConfig): number {
  return config.maxFiles - items.filter(hasPlace).length;
}

/** A photo of `file` as the form takes it in: refused at once for its type or size (nothing of
 * it is sent), else uploading when it has a place (`hasRoom`), else waiting for one. */
function photoOf(file: File, hasRoom: boolean, config: TabConfig, thumbnail: MakeThumbnail): ReferenceItem {
  const contentType = contentTypeOf(file, config);
  const photo = { id: nextId(), name: nameOf(file), size: file.size, file };
  const refuse = (error: string): ReferenceItem => ({
    ...photo,
    contentType,
    thumbnailUrl: null,
    status: "refused",
    error,
    earlier: false,
  });
  if (!contentType) return refuse(`Not an accepted image type (${describeAccepted(config)}).`);
  if (file.size === 0) return refuse("The file is empty.");
  // Over the limit: made smaller to fit where the browser can draw it (see `readyToSend`).
  if (file.size > config.maxBytes && !canShrink(contentType)) return refuse(tooBig(file.size, config));
  // Shown as it is, so the admin sees which photo waits (the form says why, once for all).
  if (!hasRoom) return { ...photo, contentType, thumbnailUrl: thumbnail(file), status: "waiting" };
  return { ...photo, contentType, thumbnailUrl: thumbnail(file), status: "uploading", progress: 0 };
}

/**
 * The photos of `files`, added to `items`: each one a reload lost (see `LostPhoto`) and added
 * again takes that one's place (`replacing`, by the lost one's id: it has a place); one the
 * form holds already is not added twice (`already`, by name: it would take a place and be
 * sent, and paid for, twice); the others come after the form's (`added`), uploading while
 * places last, then waiting for one.
 */
export function photosAdded(
  files: File[],
  items: readonly ReferenceItem[],
  config: TabConfig,
  thumbnail: MakeThumbnail,
): { replacing: Map<string, ReferenceItem>; added: ReferenceItem[]; already: string[] } {
  let room = roomLeft(items, config);
  const lost = items.filter((item): item is LostPhoto => item.status === "lost");
  const replacing = new Map<string, ReferenceItem>();
  const added: ReferenceItem[] = [];
  const already: string[] = [];
  for (const file of files) {
    const same = lost.find((item) => holdsFile(item, file));
    if (same) {
      lost.splice(lost.indexOf(same), 1);
      replacing.set(same.id, photoOf(file, true, config, thumbnail));
      continue;
    }
    if ([...items, ...added].some((item) => holdsFile(item, file))) {
      already.push(nameOf(file));
      continue;
    }
    const photo = photoOf(file, room > 0, config, thumbnail);
    if (photo.status === "uploading") room -= 1;
    added.push(photo);
  }
  return { replacing, added, already };
}

/** The photos waiting in `items` that take the places `freed` gives up (and any left free), as
 * they become: a file on its way to S3, a kept photo sent as it is (it is there already). */
export function placesTaken(
  items: readonly ReferenceItem[],
  freed: ReadonlySet<string>,
  config: TabConfig,
  thumbnail: MakeThumbnail,
): ReferenceItem[] {
  const rest = items.filter((item) => !freed.has(item.id));
  let room = roomLeft(rest, config);
  const placed: ReferenceItem[] = [];
  for (const item of rest) {
    if (room <= 0) break;
    if (item.status !== "waiting") continue;
    // A fresh URL: its tile draws it again, and one the browser cannot draw is refused then
    // (the one it had is let go as it takes the new one).
    placed.push(isKept(item) ? { ...item, status: "uploaded" } : sending(item, thumbnail(item.file)));
    room -= 1;
  }
  return placed;
}

/** The photos of `items` whose upload failed or was stopped that `ids` names (all of them when
 * it names none), on their way to S3 again, each with the thumbnail it has. */
export function sentAgain(items: readonly ReferenceItem[], ids: readonly string[]): UploadingPhoto[] {
  const named = (item: ReferenceItem): item is FailedPhoto =>
    item.status === "failed" && (ids.length === 0 || ids.includes(item.id));
  return items.filter(named).map((item) => sending(item, item.thumbnailUrl));
}

/** The uploaded photos of `items` a generation could not use (`reasons`, by storage key), and why. */
export function unusableIn(
  items: readonly ReferenceItem[],
  reasons: ReadonlyMap<string, string>,
): { id: string; why: string }[] {
  return items.flatMap((item) => {
    const why = item.status === "uploaded" ? reasons.get(item.key) : undefined;
    return why === undefined ? [] : [{ id: item.id, why }];
  });
}

/** Whether two sets of reasons (see `unusableIn`) say the same of the same photos. */
export function sameReasons(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([key, why]) => b.get(key) === why);
}

/**
 * The photos `job` sent (see `photosOf`), as the form takes them in place of `form`'s. An
 * upload still in the form (a job that failed before it kept its photos names the uploads) is
 * the same photo, with its file, size and thumbnail, not a grey placeholder. Past the count
 * (the limit was lowered since the job ran), one waits for a place, as a file added over it
 * does: the next Generate sends no more than the API takes.
 */
export function photosTakenFrom(job: Job, form: readonly ReferenceItem[], config: TabConfig): ReferenceItem[] {
  const inForm = new Map(form.flatMap((item) => (item.status === "uploaded" ? [[item.key, item]] : [])));
  // A kept copy of an upload still in the form is that photo: it keeps its picture and size.
  const uploadOf = new Map(job.prepared_references.map((kept) => [kept.key, kept.source_key]));
  return photosOf(job, config).map((photo, index): ReferenceItem => {
    const source = uploadOf.get(photo.key);
    const same = inForm.get(photo.key) ?? (source === undefined ? undefined : inForm.get(source));
    const taken: UploadedPhoto = same
      ? {
          ...photo,
          file: same.file,
          size: same.size,
          thumbnailUrl: same.thumbnailUrl,
          smallCopy: same.smallCopy,
          earlier: false,
          // The upload itself is as the form saw it (Safari drew it); a kept copy was prepared.
          unchecked: photo.key === same.key ? same.unchecked : photo.unchecked,
        }
      : photo;
    return index < config.maxFiles ? taken : { ...taken, status: "waiting" };
  });
}

/** Whether the form holds `job`'s photos already, in its order: the uploads it was sent, or
 * the copies it kept of them. */
export function holdsPhotosOf(job: Job, form: readonly ReferenceItem[]): boolean {
  const keys = form.map((item) => (item.status === "uploaded" ? item.key : null));
  const kept = keptCopies(job).map((photo) => photo.key);
  const same = (other: readonly string[]) => other.length === keys.length && other.every((key, index) => key === keys[index]);
  return keys.length > 0 && (same(job.reference_keys) || same(kept));
}

/** An uploaded photo removed from the form, and its place: what Undo brings back. */
export interface Removal {
  photo: UploadedPhoto;
  index: number;
}

/** What Undo can bring back once the photo `id` is removed from `items`: only an uploaded one
 * (its key is all it needs to be sent again; one on its way was stopped, one refused or lost
 * has nothing to send), and only when no photo waited for its place (it took it). */
export function undoableRemoval(items: readonly ReferenceItem[], id: string): Removal | null {
  const index = items.findIndex((item) => item.id === id);
  const photo = items[index];
  const waited = items.some((item) => item.status === "waiting");
  return photo?.status === "uploaded" && !waited ? { photo, index } : null;
}

/**
 * The removal Undo can still bring back (`earlier`) once the photos `gone` says left `items`
 * too, when none of them can be brought back (refused, stopped, lost): its place counted again
 * among the photos left. Removing a file that was never sent did not make the uploaded photo
 * removed before it any less wanted; its Undo went, and that photo was gone for good. None when
 * a photo waits for a place (it takes the place the photo had).
 */
export function removalKept(
  earlier: Removal | null,
  items: readonly ReferenceItem[],
  gone: (item: ReferenceItem) => boolean,
): Removal | null {
  if (earlier === null || items.some((item) => item.status === "waiting")) return null;
  return { ...earlier, index: items.slice(0, earlier.index).filter((item) => !gone(item)).length };
}
