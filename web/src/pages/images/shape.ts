/** What an aspect ratio such as "3:4" means to the eye: how wide a picture is, and its shape. */
import type { Job } from "../../api/imageGeneration";

type Shape = "portrait" | "square" | "landscape";

/** Width over height ("16:9" is 1.78); 1 for what is not a ratio. */
function ratioValue(ratio: string): number {
  const [width = 0, height = 0] = ratio.split(":").map(Number);
  return width > 0 && height > 0 ? width / height : 1;
}

/**
 * A job's picture, width over height: its image's once it has one, else the ratio it was asked
 * at (a queued job, a failed one). The image wins: it is what the page shows, and the model's
 * sizes only come near the ratio asked (16:9 comes back 1376 × 768, 1.79).
 */
export function jobRatio(job: Pick<Job, "output" | "aspect_ratio">): number {
  const output = job.output;
  return output && output.width > 0 && output.height > 0 ? output.width / output.height : ratioValue(job.aspect_ratio);
}

function shapeOf(ratio: string): Shape {
  const value = ratioValue(ratio);
  if (value === 1) return "square";
  return value < 1 ? "portrait" : "landscape";
}

/** A ratio as the choices list it, its shape beside it ("3:4 · portrait", "1:1 · square"):
 * "3:4" and "4:3" alone do not say which stands upright. */
export function ratioLabel(ratio: string): string {
  return `${ratio} · ${shapeOf(ratio)}`;
}

/** Upright or square (3:4, 9:16, 1:1): four of them fit one row of a wide pane, each still tall
 * enough to judge a face in. Of a ratio asked, as `isWide` is. */
export function isUpright(ratio: string): boolean {
  return ratioValue(ratio) <= 1;
}

/** Wider than 4:3 (3:2, 16:9, 21:9): three abreast, such a picture is a strip too low to
 * judge a face in, or to hold its placeholder's words. Of a ratio asked, not of `jobRatio`: a
 * grid of variants takes its shape before any of them has an image, and keeps it as they come. */
export function isWide(ratio: string): boolean {
  return ratioValue(ratio) > 4 / 3;
}
