/** What an aspect ratio such as "3:4" means to the eye: how wide a picture is. */

/** Width over height ("16:9" is 1.78); 1 for what is not a ratio. */
export function ratioValue(ratio: string): number {
  const [width = 0, height = 0] = ratio.split(":").map(Number);
  return width > 0 && height > 0 ? width / height : 1;
}

/** Wider than 4:3 (3:2, 16:9, 21:9): three abreast, such a picture is a strip too low to
 * judge a face in, or to hold its placeholder's words. */
export function isWide(ratio: string): boolean {
  return ratioValue(ratio) > 4 / 3;
}
