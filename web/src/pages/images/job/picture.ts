/** A job's picture and the identity's: where each is (small, full size, to download) and the
 * shape of the box it shows in. */
import type { CSSProperties } from "react";

import type { HostIdentity, Job } from "../../../api/imageGeneration";
import { jobRatio } from "../shape";

/** The small rendition (about 100 KB) when there is one, else the image itself. */
export function previewUrl(job: Job): string | null {
  return job.output?.preview_url ?? job.output?.url ?? null;
}

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
