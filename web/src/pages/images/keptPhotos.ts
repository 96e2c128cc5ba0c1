/** The form's uploaded photos across a reload (sessionStorage): what is kept of each, enough
 * to use it again, for the form and for each user's photos put aside. */
import { read, write } from "./hooks/use-session-state";
import { nextId, type ReferenceItem, type UploadedPhoto } from "./referencePhotos";

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
  /** Made smaller to fit: the size of the file the admin chose (its tile says so). */
  shrunkFrom?: number;
}

const KEPT = "photos";
/** The photos put aside for each other user (see `switchUser`), kept the same way. */
const ASIDE = "photos-aside";
/**
 * The files behind the kept photos, while this page of the host lives: a visit to another
 * page and back makes their thumbnails again (after a reload, their small copies stand in).
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
        (photo.smallCopy === undefined || photo.smallCopy.startsWith("data:image/jpeg;base64,")) &&
        (photo.shrunkFrom === undefined || typeof photo.shrunkFrom === "number"),
    )
  );
}

function isKeptAside(value: unknown): value is Record<string, KeptPhoto[]> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every(isKeptPhotos);
}

/** What of the form's photos a reload keeps: the uploaded ones, by their keys. */
function keptOf(items: ReferenceItem[]): KeptPhoto[] {
  return items.flatMap((item): KeptPhoto[] => {
    if (item.status !== "uploaded") return [];
    const { name, size, contentType, key, earlier, thumbnailUrl, smallCopy, shrunkFrom } = item;
    return [
      {
        name,
        size,
        contentType,
        key,
        ...(earlier ? { earlier: { thumbnailUrl } } : {}),
        ...(smallCopy ? { smallCopy } : {}),
        ...(shrunkFrom !== undefined ? { shrunkFrom } : {}),
      },
    ];
  });
}

export function keptItems(): UploadedPhoto[] {
  return itemsOf(read<KeptPhoto[]>(KEPT, [], isKeptPhotos));
}

export function asideItems(): Map<string, ReferenceItem[]> {
  return new Map(Object.entries(read(ASIDE, {}, isKeptAside)).map(([user, photos]) => [user, itemsOf(photos)]));
}

/** The photos as the form holds them, their file with them while this page of the host
 * lives; shown by their small copy until the page makes an object URL of the file (it owns
 * those, see `useReferenceUploads`: none is made here, where React may call twice). */
function itemsOf(photos: KeptPhoto[]): UploadedPhoto[] {
  return photos.map(({ earlier, smallCopy = null, ...photo }) => ({
    ...photo,
    id: nextId(),
    file: filesByKey.get(photo.key) ?? null,
    smallCopy,
    thumbnailUrl: earlier ? earlier.thumbnailUrl : smallCopy,
    earlier: earlier !== undefined,
    status: "uploaded",
  }));
}

/** Keeps the form's uploaded photos for a reload, and their files for a visit to another
 * page of the host and back. */
export function keepFormPhotos(items: ReferenceItem[]): void {
  const kept = keptOf(items);
  write(KEPT, kept);
  for (const key of filesByKey.keys()) if (!kept.some((photo) => photo.key === key)) filesByKey.delete(key);
  for (const item of items) if (item.status === "uploaded" && item.file) filesByKey.set(item.key, item.file);
}

/** Keeps the photos put aside for each other user (see `switchUser`) for a reload. */
export function keepAside(aside: ReadonlyMap<string, ReferenceItem[]>): void {
  write(ASIDE, Object.fromEntries(Array.from(aside, ([user, photos]) => [user, keptOf(photos)])));
}
