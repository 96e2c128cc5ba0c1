import { describe, expect, it } from "vitest";

import { file } from "../../../test/render";
import { holdsFile, type ReferenceItem } from "../photos/photo";

const base = { id: "p1", name: "front.jpg", size: 1000, thumbnailUrl: null, contentType: "image/jpeg" };

describe("holdsFile: a file the form holds already", () => {
  it("is one of its name and size, whatever became of it but a refusal", () => {
    const uploaded: ReferenceItem = { ...base, status: "uploaded", file: null, key: "uploads/1/u/1.jpg", earlier: false, smallCopy: null };
    const failed: ReferenceItem = { ...base, status: "failed", file: file("front.jpg", "image/jpeg"), error: "The upload failed; retry." };
    const refused: ReferenceItem = { ...base, status: "refused", file: file("front.jpg", "image/jpeg"), error: "Not a real JPEG.", earlier: false };
    const again = file("front.jpg", "image/jpeg");
    expect(holdsFile(uploaded, again)).toBe(true);
    expect(holdsFile(failed, again)).toBe(true);
    // Added again, a refused file is told why again, not held back.
    expect(holdsFile(refused, again)).toBe(false);
    expect(holdsFile(uploaded, file("front.jpg", "image/jpeg", 2000))).toBe(false);
    expect(holdsFile(uploaded, file("side.jpg", "image/jpeg"))).toBe(false);
  });

  it("knows a photo made smaller to fit by the size it was added at", () => {
    const shrunk: ReferenceItem = {
      ...base,
      size: 3_000_000,
      shrunkFrom: 20_000_000,
      status: "uploaded",
      file: null,
      key: "uploads/1/u/1.jpg",
      earlier: false,
      smallCopy: null,
    };
    expect(holdsFile(shrunk, file("front.jpg", "image/jpeg", 20_000_000))).toBe(true);
  });
});
