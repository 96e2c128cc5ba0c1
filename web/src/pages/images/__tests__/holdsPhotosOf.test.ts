/** Whether the form holds a job's photos already (Edit settings then puts nothing in). */
import { describe, expect, it } from "vitest";

import { job } from "../../../test/api";
import { holdsPhotosOf } from "../photos/form";
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
