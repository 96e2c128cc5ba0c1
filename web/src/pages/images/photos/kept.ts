/** The form's photos across a reload (sessionStorage), for the form and for each user's
 * photos put aside: what is kept of each, enough to use an uploaded one again, and for one
 * whose bytes were only on the page, enough for its tile to say it must be added again. */
import { read, write } from "../hooks/use-session-state";
import {
  chosenSize,
  nextId,
  stopped,
  type FailedPhoto,
  type ReferenceItem,
  type UploadingPhoto,
} from "./photo";

/** What is kept of a photo across a reload. */
interface KeptPhoto {
  name: string;
  /** Of a photo not in S3: the size of the file the admin chose (see `holdsFile`). */
  size: number;
  contentType: string;
  /** Where it is in S3. */
  key?: string;
  /** Instead of a key, for a photo not in S3 (on its way there, or its upload failed or was
   * stopped): its id on the page, by which this page of the host finds its file again after
   * a visit elsewhere. After a reload its file is gone (see `LostPhoto`). */
  unsent?: string;
  /** Kept by an earlier generation: its thumbnail's (short-lived) URL. */
  earlier?: { thumbnailUrl: string | null };
  /** A small copy of the photo (a JPEG data URL), its thumbnail after a reload. */
  smallCopy?: string;
  /** Made smaller to fit: the size of the file the admin chose (its tile says so). */
  shrunkFrom?: number;
  /** Sent without the browser having checked its pixels (see `UploadedPhoto`). */
  unchecked?: true;
}

const KEPT = "photos";
/** The photos put aside for each other user (see `switchUser`), kept the same way. */
const ASIDE = "photos-aside";
/**
 * The files behind the kept photos, while this page of the host lives: a visit to another
 * page and back makes their thumbnails again (after a reload, their small copies stand in).
 */
const filesByKey = new Map<string, File>();
/** A photo whose bytes are only on the page (see `KeptPhoto.unsent`). */
type UnsentPhoto = UploadingPhoto | FailedPhoto;
/** The photos not in S3, with their files, while this page of the host lives: the form's, and
 * those put aside for other users. */
const unsentInForm = new Map<string, UnsentPhoto>();
const unsentAside = new Map<string, UnsentPhoto>();

function isKeptPhotos(value: unknown): value is KeptPhoto[] {
  return (
    Array.isArray(value) &&
    value.every(
      (photo: Partial<KeptPhoto> | null) =>
        typeof photo?.name === "string" &&
        typeof photo.size === "number" &&
        typeof photo.contentType === "string" &&
        // One or the other: in S3, or not.
        (typeof photo.key === "string") !== (typeof photo.unsent === "string") &&
        (photo.earlier === undefined || typeof photo.earlier?.thumbnailUrl === "string" || photo.earlier?.thumbnailUrl === null) &&
        (photo.smallCopy === undefined || photo.smallCopy.startsWith("data:image/jpeg;base64,")) &&
        (photo.shrunkFrom === undefined || typeof photo.shrunkFrom === "number") &&
        (photo.unchecked === undefined || photo.unchecked === true),
    )
  );
}

function isKeptAside(value: unknown): value is Record<string, KeptPhoto[]> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every(isKeptPhotos);
}

/** What of the form's photos a reload keeps: the uploaded ones, by their keys; those not in S3,
 * by their names (not one waiting for a place, nor one refused: neither was to be sent). */
function keptOf(items: ReferenceItem[]): KeptPhoto[] {
  return items.flatMap((item): KeptPhoto[] => {
    if (item.status === "uploading" || item.status === "failed" || item.status === "lost") {
      const { id, name, contentType, smallCopy } = item;
      const size = item.status === "lost" ? item.size : chosenSize(item);
      return [{ name, size, contentType, unsent: id, ...(smallCopy ? { smallCopy } : {}) }];
    }
    if (item.status !== "uploaded") return [];
    const { name, size, contentType, key, earlier, thumbnailUrl, smallCopy, shrunkFrom, unchecked } = item;
    return [
      {
        name,
        size,
        contentType,
        key,
        ...(earlier ? { earlier: { thumbnailUrl } } : {}),
        ...(smallCopy ? { smallCopy } : {}),
        ...(shrunkFrom !== undefined ? { shrunkFrom } : {}),
        ...(unchecked ? { unchecked } : {}),
      },
    ];
  });
}

export function keptItems(): ReferenceItem[] {
  return itemsOf(read<KeptPhoto[]>(KEPT, [], isKeptPhotos), unsentInForm);
}

export function asideItems(): Map<string, ReferenceItem[]> {
  return new Map(
    Object.entries(read(ASIDE, {}, isKeptAside)).map(([user, photos]) => [user, itemsOf(photos, unsentAside)]),
  );
}

/** The photos as the form holds them, their file with them while this page of the host
 * lives; shown by their small copy until the page makes an object URL of the file (it owns
 * those, see `useReferenceUploads`: none is made here, where React may call twice). One not
 * in S3 is stopped, to retry, while its file is here (`unsent`), and lost after a reload. */
function itemsOf(photos: KeptPhoto[], unsent: ReadonlyMap<string, UnsentPhoto>): ReferenceItem[] {
  return photos.map(({ earlier, smallCopy = null, key, unsent: onPage, ...photo }): ReferenceItem => {
    if (key !== undefined) {
      return {
        ...photo,
        key,
        id: nextId(),
        file: filesByKey.get(key) ?? null,
        smallCopy,
        thumbnailUrl: earlier ? earlier.thumbnailUrl : smallCopy,
        earlier: earlier !== undefined,
        status: "uploaded",
      };
    }
    const held = onPage === undefined ? undefined : unsent.get(onPage);
    // Its object URL went with the page that made it: the small copy stands in until the page
    // makes another.
    if (held) return { ...stopped(held), thumbnailUrl: smallCopy };
    return { ...photo, id: nextId(), file: null, smallCopy, thumbnailUrl: smallCopy, status: "lost" };
  });
}

/** Holds the files of the photos not in S3 among `items` in `held`, in place of those it held.
 * Done on every change, unlike the write: a photo that failed is kept as it was uploading, but
 * held as failed, with its reason. */
function holdUnsent(items: Iterable<ReferenceItem>, held: Map<string, UnsentPhoto>): void {
  held.clear();
  for (const item of items) if (item.status === "uploading" || item.status === "failed") held.set(item.id, item);
}

/** Keeps the form's photos for a reload, and their files for a visit to another page of the
 * host and back. */
export function keepFormPhotos(items: ReferenceItem[]): void {
  const kept = keptOf(items);
  write(KEPT, kept);
  for (const key of filesByKey.keys()) if (!kept.some((photo) => photo.key === key)) filesByKey.delete(key);
  for (const item of items) if (item.status === "uploaded" && item.file) filesByKey.set(item.key, item.file);
  holdUnsent(items, unsentInForm);
}

/** Lets go of the files the page holds for the kept photos (the admin logs out: the next one
 * must not find the last one's face photos, in the storage or in memory). */
export function forgetKeptFiles(): void {
  filesByKey.clear();
  unsentInForm.clear();
  unsentAside.clear();
}

/** Keeps the photos put aside for each other user (see `switchUser`) for a reload, and the
 * files of those not in S3 for a visit elsewhere. */
export function keepAside(aside: ReadonlyMap<string, ReferenceItem[]>): void {
  write(ASIDE, Object.fromEntries(Array.from(aside, ([user, photos]) => [user, keptOf(photos)])));
  holdUnsent([...aside.values()].flat(), unsentAside);
}
