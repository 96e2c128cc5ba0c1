/** What the page learns from a photo's file before and after it is sent: whether its first
 * bytes are those of its type, the file to send (made smaller to fit, or named for the type
 * it is), a thumbnail, its size in pixels and a small copy. */
import { formatBytes, isHeic, isHeicType, matchesSignature, typeName, type TabConfig } from "../config";
import { heifStructure } from "./heif";
import type { Refusal, UploadingPhoto } from "./photo";

/** FileReader, not `Blob.arrayBuffer()`: both browsers and jsdom have it. */
function firstBytes(file: Blob, count: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error("unreadable"));
    reader.readAsArrayBuffer(file.slice(0, count));
  });
}

/** The types a photo's first bytes can be told as, and so sent as: not HEIC, whose signature
 * (`ftyp`) a video file shares. */
const TOLD_BY_CONTENTS = ["image/jpeg", "image/png", "image/webp"] as const;

/** The first bytes of a file, enough for every type's signature; null when it cannot be read
 * here (the worker checks every photo again). */
async function headOf(file: Blob): Promise<Uint8Array | null> {
  try {
    return await firstBytes(file, 12);
  } catch {
    return null;
  }
}

/** The photo as the type its contents are (a JPEG named `.heic`), named for it when sent;
 * shown still by the name the admin knows. */
function asItsType(item: UploadingPhoto, contentType: string, extension: string): UploadingPhoto {
  const name = `${item.file.name.replace(/\.[^./]+$/, "")}${extension}`;
  const file = new File([item.file], name, { type: contentType, lastModified: item.file.lastModified });
  return { ...item, file, contentType };
}

/** What first bytes say a file is, when they are those of a JPEG, PNG or WebP. */
function toldByContents(head: Uint8Array): (typeof TOLD_BY_CONTENTS)[number] | undefined {
  return TOLD_BY_CONTENTS.find((type) => matchesSignature(head, type));
}

/** Why a file of `contentType` whose first bytes are `head` is not what its name or type says,
 * and what to do; or null. Its tile, narrow, beside its Remove, shows the first sentence alone;
 * the whole is said, and is the tile's title. */
function contentProblem(head: Uint8Array | null, contentType: string): Refusal | null {
  if (head === null || matchesSignature(head, contentType)) return null;
  return notOfItsType(contentType);
}

/** Why a file is refused whose contents are not of `contentType`, and what to do (see
 * `contentProblem`). */
function notOfItsType(contentType: string): Refusal {
  const types = TOLD_BY_CONTENTS.map(typeName);
  const sendable = `${types.slice(0, -1).join(", ")} or ${types.at(-1)}`;
  const short = `Not a real ${typeName(contentType)}.`;
  return { why: `${short} It is not sent: remove it, or add it again saved as a ${sendable}.`, short };
}

/** Why a photo that waits for a place will never be sent, as far as its first bytes tell
 * already: not an image of its type, nor of one it could be sent as (a text file named
 * `.jpg`). Null when they say nothing against it, and for a file over the limit that the
 * browser may make smaller (a GIF named `.jpg` is drawn and sent as a JPEG then): the full
 * checks (`readyToSend`) run once it has a place. */
export async function notAnImage(file: File, contentType: string, config: TabConfig): Promise<Refusal | null> {
  if (file.size > config.maxBytes && canShrink(contentType)) return null;
  const head = await headOf(file);
  const problem = contentProblem(head, contentType);
  return head === null || toldByContents(head) ? null : problem;
}

/** An object URL the browser can show; none for HEIC, which only Safari renders. */
export function thumbnailOf(file: File): string | null {
  return isHeic(file) ? null : URL.createObjectURL(file);
}

const SMALL_COPY_PX = 160;
/** Under this many pixels on its short side a photo shows Gemini little of a face: said on
 * its tile (it is still used). */
export const LOW_RESOLUTION_PX = 256;

/**
 * What the page learns by drawing an uploaded photo: its size in pixels, and a small JPEG
 * copy (at most 160 px a side, a few KB) as a data URL to keep in sessionStorage (null where
 * it cannot be made). Null where the browser cannot draw the photo (HEIC outside Safari).
 */
export async function drawnPhoto(file: File): Promise<{ width: number; height: number; smallCopy: string | null } | null> {
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

/** Photos the browser can draw, and so make smaller: not HEIC (only Safari draws it). */
const SHRINKABLE = new Set(["image/jpeg", "image/png", "image/webp"]);
/** The long sides tried, largest first: the pipeline prepares each photo at 1536 px, so even
 * the last keeps more than Gemini is sent. */
const SHRINK_LONG_SIDES_PX = [4096, 3072, 2048];

/** "export.png" → "export.jpg": the name says what the file now is. */
function asJpegName(name: string): string {
  return /\.jpe?g$/i.test(name) ? name : `${name.replace(/\.[^./]+$/, "")}.jpg`;
}

/** Whether a photo over the size limit can be made smaller here rather than refused. */
export function canShrink(contentType: string | null): boolean {
  return (
    contentType !== null &&
    SHRINKABLE.has(contentType) &&
    typeof createImageBitmap === "function" &&
    typeof HTMLCanvasElement !== "undefined" &&
    typeof HTMLCanvasElement.prototype.toBlob === "function"
  );
}

/** Why a photo could not be made smaller: the browser cannot draw it, or no size fits. */
export type ShrinkFailure = "unreadable" | "too-big";

/**
 * The photo as a JPEG of at most `maxBytes` (a 20 MB PNG export, a phone's largest
 * original): drawn at the first long side in `SHRINK_LONG_SIDES_PX` whose JPEG fits, on white
 * (a PNG's transparency has no JPEG equivalent); else why not.
 */
export async function shrinkToFit(file: File, maxBytes: number): Promise<File | ShrinkFailure> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return "unreadable";
  }
  try {
    for (const side of SHRINK_LONG_SIDES_PX) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      const context = canvas.getContext("2d");
      if (!context) return "too-big";
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const jpeg = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
      if (jpeg && jpeg.size > 0 && jpeg.size <= maxBytes) return new File([jpeg], asJpegName(file.name), { type: "image/jpeg" });
    }
    return "too-big";
  } catch {
    return "too-big";
  } finally {
    bitmap.close();
  }
}

/** Whether a photo on its way is still being made smaller (see `readyToSend`): its file is over
 * the limit until the smaller one takes its place, and nothing of it is sent before. */
export function beingMadeSmaller(item: UploadingPhoto, config: TabConfig): boolean {
  return item.file.size > config.maxBytes;
}

/** Why a photo the browser cannot draw is refused. */
export const UNREADABLE = "This photo could not be opened; it may be damaged.";

/**
 * Why a HEIC or HEIF (within the size limit) cannot be sent, as far as its structure tells
 * (`heifStructure`): cut short (or random bytes after a HEIC's header), refused as damaged, as
 * one the browser cannot draw is; not a HEIF at all (a video named `.heic`), as a file of
 * another type under its name is. Only Safari draws HEIF: elsewhere this is the browser's one
 * check of it (the worker decodes it). Null when it can be sent, or cannot be read here.
 */
async function heifProblem(file: File, contentType: string): Promise<Refusal | null> {
  let data: Uint8Array;
  try {
    data = await firstBytes(file, file.size);
  } catch {
    return null; // the worker checks it
  }
  switch (heifStructure(data)) {
    case "cut-short":
      return { why: UNREADABLE };
    case "not-heif":
      return notOfItsType(contentType);
    case "sound":
      return null;
  }
}

/** Why a photo over the size limit that cannot be made smaller is refused. */
export function tooBig(size: number, config: TabConfig): string {
  return `${formatBytes(size)} is over the ${formatBytes(config.maxBytes)} limit.`;
}

/** The photo ready to send (over the limit, made smaller to fit it; not what its name says
 * but an image all the same, sent as what it is), and why it cannot be sent, when it cannot:
 * damaged, too big even so, or not an image its name says. */
export async function readyToSend(item: UploadingPhoto, config: TabConfig): Promise<{ item: UploadingPhoto; problem: Refusal | null }> {
  const { file } = item;
  if (file.size <= config.maxBytes) {
    const head = await headOf(file);
    const problem = contentProblem(head, item.contentType);
    if (problem === null && head !== null && isHeicType(item.contentType)) return { item, problem: await heifProblem(file, item.contentType) };
    if (problem === null || head === null) return { item, problem };
    const actual = toldByContents(head);
    const extension = actual ? config.accept[actual]?.[0] : undefined;
    return actual && extension ? { item: asItsType(item, actual, extension), problem: null } : { item, problem };
  }
  const smaller = await shrinkToFit(file, config.maxBytes);
  if (smaller === "unreadable") return { item, problem: { why: UNREADABLE } };
  if (smaller === "too-big") return { item, problem: { why: tooBig(item.size, config) } };
  // Still named as the admin knows it; the file sent is named for what it now is.
  const fitted = { ...item, file: smaller, size: smaller.size, contentType: smaller.type, shrunkFrom: item.size };
  return { item: fitted, problem: contentProblem(await headOf(smaller), fitted.contentType) };
}
