/**
 * A HEIC's structure, as the page reads it before the photo is sent (`photos/heif.ts`), on a
 * real HEIC's bytes: the worker's cases (`tests/engine_references/test_truncated.py`) and the
 * fake of an admin's review, a HEIC's header followed by random bytes.
 */
import { describe, expect, it } from "vitest";

import { realHeic } from "../../../test/fixtures/heic";
import { heifStructure } from "../photos/heif";

function ascii(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}

/** `count` bytes that look random, the same on every run. */
function noise(count: number, seed = 42): Uint8Array {
  const bytes = new Uint8Array(count);
  let state = seed;
  for (let index = 0; index < count; index += 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    bytes[index] = state >>> 16;
  }
  return bytes;
}

function joined(...parts: (Uint8Array | number[])[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

describe("heifStructure: what a HEIF's boxes say before it is sent", () => {
  it("finds a real HEIC sound", () => {
    expect(heifStructure(realHeic())).toBe("sound");
  });

  it.each([
    ["in its pixels", (heic: Uint8Array) => heic.subarray(0, heic.length - 100)],
    ["by its last byte", (heic: Uint8Array) => heic.subarray(0, heic.length - 1)],
    ["in its meta box", (heic: Uint8Array) => heic.subarray(0, 200)],
    ["in its ftyp box's header", (heic: Uint8Array) => heic.subarray(0, 12)],
  ])("finds a real HEIC cut %s cut short", (_where, cut) => {
    expect(heifStructure(cut(realHeic()))).toBe("cut-short");
  });

  it("finds a HEIC's header followed by random bytes cut short (195 KB, as the review's IMG_0042.HEIC)", () => {
    const fake = joined([0, 0, 0, 24], ascii("ftypheic"), [0, 0, 0, 0], ascii("mif1heic"), noise(195 * 1024));
    expect(heifStructure(fake)).toBe("cut-short");
    // Whatever its random bytes: no box of an image in them.
    for (const seed of [1, 7, 99, 2024]) {
      expect(heifStructure(joined([0, 0, 0, 24], ascii("ftypheic"), noise(16 + 195 * 1024, seed)))).toBe("cut-short");
    }
  });

  it.each([
    ["nothing", []],
    ["a byte", [0]],
    ["seven bytes", [0, 0, 0, 0, 0, 0, 0]],
    ["junk", Array.from({ length: 8 }, () => [0xff, 0xff, 0xff, 0xff, ...ascii("junk")]).flat()],
  ])("finds a real HEIC with %s after its end sound, as the worker does", (_what, after) => {
    expect(heifStructure(joined(realHeic(), after))).toBe("sound");
  });

  it("finds a file whose ftyp names no HEIF brand, or that has none, not a HEIF", () => {
    const video = joined([0, 0, 0, 24], ascii("ftypisom"), [0, 0, 2, 0], ascii("isomiso2mp41"), [0, 0, 0, 8], ascii("free"));
    expect(heifStructure(video)).toBe("not-heif");
    expect(heifStructure(Uint8Array.from(ascii("hello, this is not a photo")))).toBe("not-heif");
    expect(heifStructure(new Uint8Array(0))).toBe("not-heif");
  });

  it("takes a compatible HEIF brand after another major one (AVIF names mif1)", () => {
    const heic = realHeic();
    // Its major brand "heic" made "avif": "mif1" and "heic" are still among its compatible ones.
    heic.set(ascii("avif"), 8);
    expect(heifStructure(heic)).toBe("sound");
  });
});
