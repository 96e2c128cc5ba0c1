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
  priceUsdPerImage: Partial<Record<ImageSize, number>>;
  priceUsdPerInputImage: number;
}

export function estimateCostUsd(config: TabConfig, size: ImageSize, variants: number, inputs: number): number {
  const perImage = (config.priceUsdPerImage[size] ?? 0) + inputs * config.priceUsdPerInputImage;
  return perImage * variants;
}

export function formatUsd(value: number): string {
  return `$${value.toFixed(value < 1 ? 3 : 2).replace(/0$/, "")}`;
}

const HEIC = [".heic", ".heif"];

/** The file's MIME type, from the browser or its extension; null when not accepted. */
export function contentTypeOf(file: File, config: TabConfig): string | null {
  if (file.type && config.accept[file.type]) return file.type;
  const name = file.name.toLowerCase();
  for (const [mime, extensions] of Object.entries(config.accept)) {
    if (extensions.some((ext) => name.endsWith(ext))) return mime;
  }
  return null;
}

export function isHeic(file: File): boolean {
  const name = file.name.toLowerCase();
  return file.type === "image/heic" || file.type === "image/heif" || HEIC.some((e) => name.endsWith(e));
}

export function describeAccepted(config: TabConfig): string {
  const exts = Object.values(config.accept).flat().map((e) => e.replace(".", "").toUpperCase());
  return [...new Set(exts)].join(", ");
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
