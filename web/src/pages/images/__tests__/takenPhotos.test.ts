/** The photos Edit settings takes from a job: whether the form holds them already, and a kept
 * copy of an upload still in the form taking that photo's place. */
import { describe, expect, it } from "vitest";

import { apiConfig, job } from "../../../test/api";
import { toTabConfig } from "../hooks/use-tab-config";
import { holdsPhotosOf, photosTakenFrom } from "../photos/form";
import type { ReferenceItem } from "../photos/photo";

const uploaded = (key: string): ReferenceItem => ({
  id: key,
  name: key.split("/").pop()!,
  size: 10,
  thumbnailUrl: null,
  file: null,
  contentType: "image/jpeg",
  status: "uploaded",
  key,
  earlier: false,
  smallCopy: null,
});

const kept = (index: number, key: string) => ({
  index,
  key,
  source_key: `uploads/1/u/${index}.jpg`,
  bytes: 10,
  width: 10,
  height: 10,
  mime_type: "image/jpeg",
  preview_url: null,
});

describe("holdsPhotosOf", () => {
  const sent = job({
    reference_keys: ["uploads/1/u/0.jpg", "uploads/1/u/1.jpg"],
    prepared_references: [kept(1, "prepared/j/1.jpg"), kept(0, "prepared/j/0.jpg")],
  });

  it("holds them as sent, or as kept, in their order", () => {
    expect(holdsPhotosOf(sent, [uploaded("uploads/1/u/0.jpg"), uploaded("uploads/1/u/1.jpg")])).toBe(true);
    expect(holdsPhotosOf(sent, [uploaded("prepared/j/0.jpg"), uploaded("prepared/j/1.jpg")])).toBe(true);
  });

  it("does not in another order, with one more or one fewer, or with none", () => {
    expect(holdsPhotosOf(sent, [uploaded("uploads/1/u/1.jpg"), uploaded("uploads/1/u/0.jpg")])).toBe(false);
    expect(holdsPhotosOf(sent, [uploaded("uploads/1/u/0.jpg")])).toBe(false);
    expect(holdsPhotosOf(sent, [uploaded("uploads/1/u/0.jpg"), uploaded("uploads/1/u/1.jpg"), uploaded("uploads/1/u/2.jpg")])).toBe(false);
    expect(holdsPhotosOf(job({ reference_keys: [] }), [])).toBe(false);
  });
});

describe("photosTakenFrom", () => {
  it("gives a kept copy of an upload still in the form that photo's picture and size", () => {
    const sent = job({
      reference_keys: ["uploads/1/u/0.jpg", "uploads/1/u/1.jpg"],
      prepared_references: [kept(0, "prepared/j/0.jpg"), kept(1, "prepared/j/1.jpg")],
    });
    const inForm = { ...uploaded("uploads/1/u/0.jpg"), size: 4_000_000, thumbnailUrl: "blob:front" };
    const [first, second] = photosTakenFrom(sent, [inForm], toTabConfig(apiConfig));
    expect(first).toMatchObject({ key: "prepared/j/0.jpg", size: 4_000_000, thumbnailUrl: "blob:front", status: "uploaded" });
    // One no longer in the form shows its kept copy's.
    expect(second).toMatchObject({ key: "prepared/j/1.jpg", size: 10, thumbnailUrl: null });
  });
});
