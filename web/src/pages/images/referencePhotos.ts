/** A reference photo of the form, as the page holds it: from a file, from before a reload,
 * or kept by an earlier generation. */
import type { Job } from "../../api/imageGeneration";
import { typeOfName, type TabConfig } from "./config";

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
   * renders; the page that made it lets it go), its small copy, or the short-lived URL of a
   * photo an earlier generation kept. */
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
  /** The file's size before the page made it smaller to fit the limit (see `shrinkToFit`). */
  shrunkFrom?: number;
  /** Its size in pixels, when under `LOW_RESOLUTION_PX` on its short side (once uploaded). */
  pixels?: { width: number; height: number };
}

let counter = 0;
export const nextId = () => `ref-${Date.now().toString(36)}-${(counter += 1)}`;

/** A photo whose upload was stopped (the form went elsewhere), to retry. */
export function stopped(item: ReferenceItem): ReferenceItem {
  return item.status === "uploading" ? { ...item, status: "failed", error: "The upload was stopped; retry." } : item;
}

/**
 * The photos `job` sent, in its order, as this form's, named as they were (by the names the
 * job kept; a folder's photos by their keys; else by their place): the copies it kept once
 * prepared, else (it failed or was canceled before) its uploads themselves, while they last,
 * each of the type its key's extension means.
 */
export function photosOf(job: Job, config: TabConfig): ReferenceItem[] {
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
