/**
 * Whether a HEIC or HEIF file is whole, read from its own structure (nothing decoded): only
 * Safari draws HEIF, so elsewhere this is all the browser can check of one before it is sent.
 *
 * In step with the worker's check, `cut_short` in `functions/identity_images/engine/truncation.py`
 * (`_heif_brands` and `boxes_are_short`, walked here the same way): a change to one is made to
 * the other. A file the worker would call cut short is refused here, before it is sent, not after
 * a generation paid a round trip for it. One difference: the worker asks only of a file that
 * failed to decode, this page of every HEIF. So boxes that run past the end once the image's
 * `meta` and `mdat` are whole are bytes after its end, which some writers leave and every decoder
 * ignores (the worker decodes such a file: `test_truncated.py`), not a cut.
 */

/** The `ftyp` brands of HEIF images (`mif1` also names AVIF: still an image file). */
const HEIF_BRANDS: ReadonlySet<string> = new Set(["heic", "heix", "heim", "heis", "mif1", "msf1"]);

/** What a HEIF file's structure says of it: whole as far as its boxes go; not a HEIF image at
 * all (its `ftyp` names no HEIF brand: a video, or no `ftyp`); or cut short (its boxes run past
 * its end: cut on its way, or random bytes after a HEIC's header). */
export type HeifStructure = "sound" | "not-heif" | "cut-short";

export function heifStructure(data: Uint8Array): HeifStructure {
  if (!brandsOf(data).some((brand) => HEIF_BRANDS.has(brand))) return "not-heif";
  const { short, whole } = boxesOf(data);
  // What describes the image and what holds its pixels came whole: the rest is after its end.
  return short && !(whole.has("meta") && whole.has("mdat")) ? "cut-short" : "sound";
}

/** A big-endian unsigned integer of `length` bytes at `at` (a 64-bit size past 2^53 is still
 * far past any file's end). */
function uint(data: Uint8Array, at: number, length: number): number {
  let value = 0;
  for (let index = at; index < at + length; index += 1) value = value * 256 + (data[index] ?? 0);
  return value;
}

function text(data: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...data.subarray(from, to));
}

/** The major and compatible brands of an ISO media file's leading `ftyp` box. */
function brandsOf(data: Uint8Array): string[] {
  if (text(data, 4, 8) !== "ftyp") return [];
  const size = Math.min(uint(data, 0, 4), data.length);
  const brands = [text(data, 8, 12)];
  for (let at = 16; at < size - 3; at += 4) brands.push(text(data, at, at + 4));
  return brands;
}

/** Whether the top-level boxes of an ISO media file (HEIF) run past the end (`short`, as
 * `boxes_are_short` says), and the types of those that came whole before. */
function boxesOf(data: Uint8Array): { short: boolean; whole: Set<string> } {
  const end = data.length;
  const whole = new Set<string>();
  let at = 0;
  while (at < end) {
    if (at + 8 > end) return { short: true, whole };
    let size = uint(data, at, 4);
    if (size === 1) {
      // A 64-bit size follows the type.
      if (at + 16 > end) return { short: true, whole };
      size = uint(data, at + 8, 8);
    } else if (size === 0) {
      // The last box, to the end of the file.
      whole.add(text(data, at + 4, at + 8));
      return { short: false, whole };
    }
    if (size < 8) return { short: false, whole }; // not a box: nothing to say
    if (at + size <= end) whole.add(text(data, at + 4, at + 8));
    at += size;
  }
  return { short: at > end, whole };
}
