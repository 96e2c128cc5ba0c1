/** What the reference photos' live region says as photos fail: each once, and again when a
 * truer reason replaces the first, so the region and the tile agree. */
import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { UNREADABLE } from "../photos/checks";
import { failed, refused, type ReferenceItem, type UploadingPhoto } from "../photos/photo";
import { usePhotoFailuresSaid } from "../hooks/use-photo-failures-said";
import { SAID_FOR_MS } from "../hooks/use-said-a-while";

const uploading = (id: string, name: string): UploadingPhoto => ({
  id,
  name,
  size: 10,
  thumbnailUrl: null,
  file: new File(["plain text"], name, { type: "image/jpeg" }),
  contentType: "image/jpeg",
  progress: 0,
  status: "uploading",
});

function said(...lists: ReferenceItem[][]): string[] {
  const { result, rerender } = renderHook((items: ReferenceItem[]) => usePhotoFailuresSaid(items), {
    initialProps: lists[0]!,
  });
  const heard = [result.current];
  for (const items of lists.slice(1)) {
    rerender(items);
    heard.push(result.current);
  }
  return heard;
}

describe("usePhotoFailuresSaid", () => {
  const notes = uploading("a", "notes.jpg");
  const front = uploading("b", "front.jpg");

  it("says a photo that fails once, by name and why, and nothing for one that goes on", () => {
    const stopped = failed(front, "The upload failed; retry.");
    expect(said([notes, front], [notes, stopped], [notes, stopped])).toEqual([
      "",
      "front.jpg: The upload failed; retry.",
      "front.jpg: The upload failed; retry.",
    ]);
  });

  it("says a photo again that fails again as it did the first time (a retry that failed)", () => {
    const stopped = failed(front, "The upload failed; retry.");
    const heard = said([front], [stopped], [front], [stopped]);
    expect(heard[3]).not.toBe(heard[1]);
    expect(heard[3]!.trim()).toBe("front.jpg: The upload failed; retry.");
  });

  it("says a photo again when a truer reason replaces the first (the tile shows the last)", () => {
    // The browser could not draw a text file named .jpg before its first bytes were read.
    const undrawn = refused(notes, UNREADABLE);
    const read = refused(notes, "Not a real JPEG.");
    expect(said([notes], [undrawn], [read]).slice(1)).toEqual([`notes.jpg: ${UNREADABLE}`, "notes.jpg: Not a real JPEG."]);
  });

  it("says files refused together together, though one is found to be refused later", () => {
    // A PDF is refused at once, a text file named .jpg once its first bytes are read.
    const pdf = refused(uploading("c", "doc.pdf"), "Not an accepted image type.");
    const read = refused(notes, "Not a real JPEG.");
    expect(said([], [pdf, notes], [pdf, read]).slice(1)).toEqual([
      "doc.pdf: Not an accepted image type.",
      "doc.pdf: Not an accepted image type. notes.jpg: Not a real JPEG.",
    ]);
  });

  it("says only what is new once other photos came or went", () => {
    const pdf = refused(uploading("c", "doc.pdf"), "Not an accepted image type.");
    const read = refused(notes, "Not a real JPEG.");
    const stopped = failed(front, "The upload failed; retry.");
    expect(said([pdf], [pdf, notes], [pdf, read], [pdf, read, front], [pdf, read, stopped]).slice(2)).toEqual([
      "notes.jpg: Not a real JPEG.",
      "notes.jpg: Not a real JPEG.",
      "front.jpg: The upload failed; retry.",
    ]);
  });

  it("says an upload that fails later alone, not with a refusal said before it", () => {
    const pdf = refused(uploading("c", "doc.pdf"), "Not an accepted image type.");
    const stopped = failed(front, "The upload failed; retry.");
    expect(said([], [pdf, front], [pdf, stopped]).slice(1)).toEqual([
      "doc.pdf: Not an accepted image type.",
      "front.jpg: The upload failed; retry.",
    ]);
  });

  it("leaves nothing to read once the photo it named is removed, nor a few seconds after it spoke", () => {
    const read = refused(notes, "Not a real JPEG.");
    expect(said([notes, front], [read, front], [front])).toEqual(["", "notes.jpg: Not a real JPEG.", ""]);

    vi.useFakeTimers();
    const { result, rerender } = renderHook((items: ReferenceItem[]) => usePhotoFailuresSaid(items), {
      initialProps: [notes, front] as ReferenceItem[],
    });
    rerender([read, front]);
    expect(result.current).toBe("notes.jpg: Not a real JPEG.");
    act(() => vi.advanceTimersByTime(SAID_FOR_MS));
    expect(result.current).toBe("");
    // The same again is said again.
    rerender([notes, front]);
    rerender([read, front]);
    expect(result.current).toBe("notes.jpg: Not a real JPEG.");
  });

  it("says nothing of another user's list that comes with its failed photos", () => {
    const theirs = failed(uploading("c", "theirs.jpg"), "The upload failed; retry.");
    expect(said([notes], [theirs])).toEqual(["", ""]);
  });
});
