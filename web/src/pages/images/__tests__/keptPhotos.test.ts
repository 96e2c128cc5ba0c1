import { afterEach, describe, expect, it, vi } from "vitest";

import { forgetAll } from "../hooks/use-session-state";
import { keepFormPhotos } from "../keptPhotos";
import type { UploadingPhoto } from "../referencePhotos";

const SMALL_COPY = `data:image/jpeg;base64,${"A".repeat(40_000)}`;

function uploading(progress: number): UploadingPhoto {
  const file = new File([new Uint8Array(1000)], "face.jpg", { type: "image/jpeg" });
  return { id: "p1", name: "face.jpg", size: 1000, thumbnailUrl: null, status: "uploading", file, contentType: "image/jpeg", progress, smallCopy: SMALL_COPY };
}

describe("keepFormPhotos: the form's photos kept for a reload", () => {
  afterEach(() => keepFormPhotos([]));

  it("writes an uploading photo once, not again at each step of its progress", () => {
    const setItem = vi.spyOn(Storage.prototype, "setItem");
    for (const progress of [0.1, 0.4, 0.7]) keepFormPhotos([uploading(progress)]);
    const writes = setItem.mock.calls.filter(([name]) => name === "identity-images.photos");
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0]?.[1] ?? "[]")).toEqual([
      { name: "face.jpg", size: 1000, contentType: "image/jpeg", unsent: "p1", smallCopy: SMALL_COPY },
    ]);
  });

  it("writes the same photos again once the draft was forgotten (another admin, a log-out)", () => {
    keepFormPhotos([uploading(0.1)]);
    forgetAll();
    keepFormPhotos([uploading(0.4)]);
    expect(JSON.parse(sessionStorage.getItem("identity-images.photos") ?? "[]")).toEqual([
      { name: "face.jpg", size: 1000, contentType: "image/jpeg", unsent: "p1", smallCopy: SMALL_COPY },
    ]);
  });
});
