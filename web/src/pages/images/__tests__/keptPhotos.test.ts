import { afterEach, describe, expect, it, vi } from "vitest";

import { forgetAll } from "../hooks/use-session-state";
import { forgetImagesDraft } from "../Images";
import { keepFormPhotos, keptItems } from "../photos/kept";
import type { UploadedPhoto, UploadingPhoto } from "../photos/photo";

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

describe("forgetImagesDraft: the host's log out", () => {
  it("lets go of the photos' files too, not only of what the storage kept of them", () => {
    const file = new File([new Uint8Array(1000)], "side.jpg", { type: "image/jpeg" });
    const sent: UploadedPhoto = {
      id: "p2", name: "side.jpg", size: 1000, thumbnailUrl: null, status: "uploaded", file, contentType: "image/jpeg",
      key: "uploads/1/u/2.jpg", earlier: false, smallCopy: null,
    };
    keepFormPhotos([uploading(0.5), sent]);
    const kept = sessionStorage.getItem("identity-images.photos") ?? "[]";
    // Before: the page, back from elsewhere, finds each photo's file.
    expect(keptItems().map((item) => item.file)).toEqual([expect.any(File), file]);

    forgetImagesDraft();
    // The same draft written back: no file of the last admin's is held for it any more.
    sessionStorage.setItem("identity-images.photos", kept);
    expect(keptItems().map(({ status, file: held }) => ({ status, held }))).toEqual([
      { status: "lost", held: null },
      { status: "uploaded", held: null },
    ]);
  });
});
