/** "Generate without it": a click that failed because one of its photos could not be used,
 * asked again with the same settings and the rest of its photos. */
import type { AspectRatio, CreateVariantsRequest, ImageSize, Job } from "../../../api/imageGeneration";
import { inSentence } from "./names";

/** The photo a failed job could not use, as the worker names it (`details.key` and
 * `details.index` of `reference_invalid` or `reference_not_found`): its storage key, its
 * place among the photos the job sent, and the name it was uploaded by, when the job kept it. */
export interface PhotoNotUsed {
  key: string;
  index: number;
  name: string | null;
}

export function photoNotUsed(job: Job): PhotoNotUsed | null {
  const code = job.status === "failed" ? job.error?.code : undefined;
  if (code !== "reference_invalid" && code !== "reference_not_found") return null;
  const { key, index } = job.error?.details ?? {};
  const at = typeof index === "number" ? index : typeof key === "string" ? job.reference_keys.indexOf(key) : -1;
  const which = job.reference_keys[at];
  // A folder's job (no `index`) names a file of the folder, not one of the form's photos.
  if (which === undefined || (typeof key === "string" && key !== which)) return null;
  return { key: which, index: at, name: job.reference_names[at] ?? null };
}

/** The click of a job that failed on a photo, without it: that photo, and the others it sent
 * that can still be used (in their order, with their names when the job kept them all); none
 * left when it was the only one (the form needs one photo), or the others could not be used
 * either (`unusable`, by storage key: see `unusablePhotos`). Null for any other job. */
export interface WithoutIt {
  photo: PhotoNotUsed;
  keys: string[];
  names: string[] | undefined;
}

export function withoutIt(job: Job, unusable: ReadonlyMap<string, string>): WithoutIt | null {
  // A folder's job: its photos are the folder's. A refinement's: its image to edit is more
  // than the settings a Generate sends.
  if (job.source !== "api" || job.kind === "refine") return null;
  const photo = photoNotUsed(job);
  if (photo === null) return null;
  const named = job.reference_names.length === job.reference_keys.length;
  const left = job.reference_keys.flatMap((key, index) =>
    index === photo.index || unusable.has(key) ? [] : [{ key, name: job.reference_names[index] ?? "" }],
  );
  return { photo, keys: left.map(({ key }) => key), names: named ? left.map(({ name }) => name) : undefined };
}

/** Why a click that failed on a photo offers no "Generate without it": none of its photos would
 * be left (said on its card). */
export const NONE_LEFT = "Without it no photo is left: add another, then Generate.";

/** The name "Generate without it" is read by on a card: which photo, then which card ("Generate
 * without it (“IMG_0042.HEIC”), variant 2 of 3"); its words are the name's first. */
export function withoutItName(photo: PhotoNotUsed, title: string): string {
  const which = photo.name ? `“${photo.name}”` : `photo ${photo.index + 1}`;
  return `Generate without it (${which}), ${inSentence(title)}`;
}

/** The job's click's settings as the form would hold them now (see `offered`). */
interface Settings {
  prompt: string;
  aspectRatio: AspectRatio;
  imageSize: ImageSize;
  variants: number;
}

/** The request of `job`'s click without its photo (`without`): its settings (`settings`, its
 * own as the form would hold them now: as many variants, at the same ratio and size), the rest of
 * its photos, for `userId`, the user whose photos the form holds. */
export function clickWithout(job: Job, without: WithoutIt, userId: string, settings: Settings): CreateVariantsRequest {
  return {
    identity_id: job.identity_id,
    user_id: userId,
    reference_keys: without.keys,
    ...(without.names === undefined ? {} : { reference_names: without.names }),
    prompt: settings.prompt,
    aspect_ratio: settings.aspectRatio,
    image_size: settings.imageSize,
    count: settings.variants,
    apply: false,
  };
}
