/** A job's picture and the identity's: where each is (small, full size, to download) and the
 * shape of the box it shows in. */
import type { CSSProperties } from "react";

import type { HostIdentity, Job } from "../../../api/imageGeneration";
import { jobRatio } from "../shape";

/** The small rendition (about 100 KB) when there is one, else the image itself. */
export function previewUrl(job: Job): string | null {
  return job.output?.preview_url ?? job.output?.url ?? null;
}

type SizedImage = NonNullable<HostIdentity["image_renditions"]>[number];

/** What an `<img>` needs to show a result sharp on any screen without the full image's
 * weight (a 4K PNG is some 30 MB): the preview as its `src`, and with a large rendition, both
 * with their widths as `srcSet`, so the browser takes the smaller one that covers the box at
 * the screen's density (the box's width comes from `sizes`: see `SHOWN_WIDTH`). A job stored
 * before large renditions (or whose large one could not be stored) has its preview alone. For
 * a result's card and Compare, which are never as small as the small rendition. */
export function pictureSources(job: Job): PictureSources | null {
  return sourcesOf(previewUrl(job), renditionsOf(job, ["preview", "large"]));
}

/** A result's thumbnail (a history row's, a results tile's) as `pictureSources` shows a card: its
 * small rendition too (384 px, a third of the preview's bytes), which a history row's thumbnail
 * (192 CSS px at most) takes on a 1x and a 2x screen alike, and a tile on a 1x one; a tile is
 * wide enough for the large one on a 2x screen (a landscape one, 470 CSS px), a row's never. */
export function thumbnailSources(job: Job, { large }: { large: boolean }): PictureSources | null {
  return sourcesOf(previewUrl(job), renditionsOf(job, large ? ["small", "preview", "large"] : ["small", "preview"]));
}

/** The identity's current image as `pictureSources` shows a result, by all its renditions (the
 * browser takes the one its box needs: the small one beside the Identity select, the preview or
 * the large one in Compare, whose boxes are never as small): beside results (Compare), one
 * sharper than the other would look better for no reason of its own. */
export function identityPictureSources(identity: HostIdentity): PictureSources | null {
  return sourcesOf(identity.image_preview_url ?? identityImageUrl(identity), identity.image_renditions ?? []);
}

type RenditionName = "small" | "preview" | "large";

const RENDITIONS: readonly RenditionName[] = ["small", "preview", "large"];

/** A result's renditions (`which`, all unless said) with their sizes and URLs, smallest first,
 * as the identities' list gives its image's (`image_renditions`): for an identity shown with a
 * result's image. */
export function renditionsOf(job: Job, which: readonly RenditionName[] = RENDITIONS): SizedImage[] {
  const output = job.output;
  if (!output) return [];
  const stored = {
    small: [output.small, output.small_url],
    preview: [output.preview, output.preview_url],
    large: [output.large, output.large_url],
  } as const;
  return RENDITIONS.filter((name) => which.includes(name)).flatMap((name) => {
    const [rendition, url] = stored[name];
    return rendition && url ? [{ url, width: rendition.width, height: rendition.height }] : [];
  });
}

export interface PictureSources {
  src: string;
  srcSet?: string;
}

function sourcesOf(src: string | null, renditions: readonly SizedImage[]): PictureSources | null {
  if (!src) return null;
  if (renditions.length < 2) return { src };
  return { src, srcSet: renditions.map(({ url, width }) => `${url} ${width}w`).join(", ") };
}

/** A picture's `sizes`: the width of its box where the browser can measure it (a lazily loaded
 * image's own, `auto`), else a guess from the window's (one column on a phone). */
export const SHOWN_WIDTH = {
  /** A result card's picture: half the pane among variants, its whole width alone. */
  card: "auto, (max-width: 640px) 100vw, 50vw",
  /** A picture in Compare, which takes most of the window. Loaded at once, not lazily: a
   * picture not loaded yet is drawn 300 by 150 px, and the dialog's lines would move as each
   * came; so the browser takes the guess, not the box (`auto` is for lazy images only). */
  compare: "(max-width: 640px) 100vw, 70vw",
  /** A history row's thumbnail: 192 CSS px at most (its first row's column), 96 to 144 for a
   * click's other variants, 104 on a phone. */
  historyThumb: "auto, 192px",
  /** A tile of the results grid: a column of two on a phone, of five on a laptop (220 px at
   * 1440), a landscape one across two. */
  resultTile: "auto, (max-width: 640px) 50vw, 25vw",
} as const;

export function fullSizeUrl(job: Job): string | null {
  return job.output?.url ?? null;
}

/** Answers with Content-Disposition: attachment and a name a person would keep. */
function downloadUrl(job: Job): string | null {
  return job.output?.download_url ?? null;
}

/** A result's Download link, wherever it shows (its card, its history row, its tile): the
 * attachment URL, and the file's own name (`-v2` for a second variant) for the browser to keep
 * should it not read the header; null without a result. */
export function downloadLink(job: Job): { href: string; download: string | true } | null {
  const href = downloadUrl(job);
  return href ? { href, download: job.output?.filename ?? true } : null;
}

export function identityImageUrl(identity: HostIdentity): string | null {
  return identity.image_url ?? null;
}

/**
 * The picture's own shape (see `jobRatio`), as `--ratio` for its box. The boxes show the whole
 * image, and take the room of its shape (see the CSS).
 */
export function pictureRatio(job: Job): CSSProperties {
  return { "--ratio": jobRatio(job).toFixed(4) } as CSSProperties;
}
