/** What the page must know before it sends anything: limits, choices, defaults, prices. */
import type { AspectRatio, ImageSize } from "../../api/imageGeneration";

export interface TabConfig {
  maxFiles: number;
  maxBytes: number;
  /** MIME type -> the file extensions that mean it (browsers often give .heic no type). */
  accept: Record<string, string[]>;
  promptMaxChars: number;
  aspectRatios: AspectRatio[];
  imageSizes: ImageSize[];
  defaultAspectRatio: AspectRatio;
  defaultImageSize: ImageSize;
  model: string;
  maxVariants: number;
  /** The model's list prices; null when the API does not know them (a model it has no table for). */
  prices: TabPrices | null;
  /** How long an output's (or an identity's image's) URL works once read: OUTPUT_URL_EXPIRY_S. */
  urlLifetimeMs: number;
}

export interface TabPrices {
  /** One output image, by size. */
  perImage: Partial<Record<ImageSize, number>>;
  /** Each input image. */
  perInputImage: number;
}

/** A click's cost before it is made: the images out and in at list prices. Not the prompt's text or the
 * model's thinking, which only the answer tells (a job's `usage.estimated_cost_usd` counts them).
 * Null when the price is not known: no estimate is better than a wrong one. */
export function estimateCostUsd(config: TabConfig, size: ImageSize, variants: number, inputs: number): number | null {
  const perImage = config.prices?.perImage[size];
  if (config.prices === null || perImage === undefined) return null;
  return (perImage + inputs * config.prices.perInputImage) * variants;
}

/** Dollars as every cost on the page reads: tenths of a cent under a dollar ("$0.240"), cents
 * above; under a cent (what Gemini bills for an answer it refused), hundredths of a cent
 * ("$0.0024"): to a tenth, two refusals of $0.002 each made "$0.005 in all". */
export function formatUsd(value: number): string {
  return `$${value.toFixed(usdDigits(value))}`;
}

/** `value` as `formatUsd` shows it, rounded to its digits. */
export function asShownUsd(value: number): number {
  return Number(value.toFixed(usdDigits(value)));
}

function usdDigits(value: number): number {
  return value >= 1 ? 2 : value > 0 && value < 0.01 ? 4 : 3;
}

const HEIC = [".heic", ".heif"];

/** The file's MIME type, from the browser or its extension; null when not accepted. */
export function contentTypeOf(file: File, config: TabConfig): string | null {
  if (file.type && config.accept[file.type]) return file.type;
  return typeOfName(file.name, config);
}

/** The accepted MIME type a file name (or a storage key) means by its extension, or null. */
export function typeOfName(name: string, config: TabConfig): string | null {
  const lower = name.toLowerCase();
  for (const [mime, extensions] of Object.entries(config.accept)) {
    if (extensions.some((ext) => lower.endsWith(ext))) return mime;
  }
  return null;
}

/** HEIC or HEIF: only Safari draws them. */
export function isHeicType(contentType: string | null): boolean {
  return contentType === "image/heic" || contentType === "image/heif";
}

export function isHeic(file: File): boolean {
  const name = file.name.toLowerCase();
  return isHeicType(file.type) || HEIC.some((e) => name.endsWith(e));
}

/**
 * Whether a file's first bytes (12 are enough) are those of its type: a text file named
 * `.jpg` is refused here, by its name, not after the worker has tried it.
 */
export function matchesSignature(head: Uint8Array, contentType: string): boolean {
  const text = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  switch (contentType) {
    case "image/jpeg":
      return head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
    case "image/png":
      return head[0] === 0x89 && text(1, 4) === "PNG";
    case "image/webp":
      return text(0, 4) === "RIFF" && text(8, 12) === "WEBP";
    case "image/heic":
    case "image/heif":
      return text(4, 8) === "ftyp";
    default:
      return true; // a type this page does not know yet: the worker checks it
  }
}

/** "JPEG" for image/jpeg. */
export function typeName(contentType: string): string {
  return (contentType.split("/")[1] ?? contentType).toUpperCase();
}

export function describeAccepted(config: TabConfig): string {
  const exts = Object.values(config.accept).flat().map((e) => e.replace(".", "").toUpperCase());
  return [...new Set(exts)].join(", ");
}

/** "1 photo", "3 photos": a count and its noun, plural unless one. */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Every one of `n` (two or more): "Both variants", "All 4 variants". */
export function allOf(n: number, noun: string): string {
  return n === 2 ? `Both ${noun}s` : `All ${n} ${noun}s`;
}

/** "15 MB", "15.3 MB", "6 KB": one decimal when it matters ("15 MB is over the 15 MB limit" must not happen). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
