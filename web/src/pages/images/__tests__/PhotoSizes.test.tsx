/** A photo's size: a small one is said and used all the same; one over the limit is made smaller to fit, or refused when it cannot be. */
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { historyOf, job, S3, succeeded, uploadsNoting } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { addPhoto, file, given, openAsAlice, openWithFivePhotos, thumbnail, thumbnails, timePasses } from "../../../test/render";

/**
 * jsdom draws nothing: a canvas that stands in for the browser's, whose JPEGs are `jpegBytes`
 * long (and start as JPEGs do); it notes the long side of each it was asked for. Restore it
 * with the returned function.
 */
function standInCanvas(jpegBytes: number): { sizes: number[]; restore: () => void } {
  const context = { fillStyle: "", fillRect: () => undefined, drawImage: () => undefined };
  const getContext = vi
    .spyOn(HTMLCanvasElement.prototype, "getContext")
    .mockReturnValue(context as unknown as CanvasRenderingContext2D);
  const sizes: number[] = [];
  const toBlob = vi.spyOn(HTMLCanvasElement.prototype, "toBlob").mockImplementation(function (this: HTMLCanvasElement, done) {
    sizes.push(Math.max(this.width, this.height));
    const jpeg = new Uint8Array(jpegBytes);
    jpeg.set([0xff, 0xd8, 0xff, 0xe0]);
    done(new Blob([jpeg], { type: "image/jpeg" }));
  });
  const toDataURL = vi.spyOn(HTMLCanvasElement.prototype, "toDataURL").mockReturnValue("data:image/jpeg;base64,AA==");
  return {
    sizes,
    restore: () => {
      vi.unstubAllGlobals();
      getContext.mockRestore();
      toBlob.mockRestore();
      toDataURL.mockRestore();
    },
  };
}

describe("a photo's size", () => {
  it("says a photo is small once it is uploaded, and uses it all the same", async () => {
    // jsdom draws nothing: the browser's decoder stands in, with the photo's size in pixels.
    let size = { width: 120, height: 90 };
    vi.stubGlobal("createImageBitmap", async () => ({ ...size, close: () => undefined }));
    const getContext = vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
    const toDataURL = vi.spyOn(HTMLCanvasElement.prototype, "toDataURL").mockReturnValue("data:image/jpeg;base64,AA==");
    try {
      const service = jobService();
      given(...service.handlers);
      const user = await openAsAlice();
      await addPhoto(user);
      expect(await screen.findByText("Only 120×90 px: Gemini sees little in it")).toBeInTheDocument();
      size = { width: 1200, height: 1600 };
      await user.upload(screen.getByLabelText("Reference photos"), file("big.jpg", "image/jpeg"));
      await waitFor(() => expect(screen.getAllByText(/^\d+ (B|KB)$/)).toHaveLength(2));
      expect(screen.getAllByText(/Gemini sees little in it/)).toHaveLength(1);
      await user.click(screen.getByRole("button", { name: "Generate" }));
      await waitFor(() => expect(service.created).toHaveLength(1));
      expect(service.created[0]!.body).toMatchObject({ reference_names: ["front.jpg", "big.jpg"] });
    } finally {
      vi.unstubAllGlobals();
      getContext.mockRestore();
      toDataURL.mockRestore();
    }
  });

  it("lets a photo over the count and the size limit wait for its place, whatever its first bytes: the browser may draw it", async () => {
    vi.stubGlobal("createImageBitmap", async () => ({ width: 6000, height: 4000, close: () => undefined }));
    const canvas = standInCanvas(3_000_004);
    try {
      const asked: { content_type: string; size: number }[] = [];
      const { user, input } = await openWithFivePhotos(asked);
      // A GIF named .jpg, 20 MB: drawn and sent as a JPEG once it has a place.
      await user.upload(input, file("scan.jpg", "image/jpeg", 20 * 1024 * 1024, [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]));
      await timePasses(100);
      expect(screen.getByText("Waiting for a place")).toBeInTheDocument();
      expect(screen.queryByText("Not a real JPEG.")).not.toBeInTheDocument();
      await user.click(screen.getByRole("button", { name: "Remove p0.jpg" }));
      expect(await screen.findByText("Made smaller to fit, from 20 MB, as a JPEG")).toBeInTheDocument();
      await waitFor(() => expect(asked).toHaveLength(6));
    } finally {
      canvas.restore();
    }
  });

  it("makes a photo over the size limit smaller to fit it, and refuses one it cannot", async () => {
    // jsdom draws nothing: the browser's decoder and canvas stand in. The first photo's JPEG
    // fits at the first size tried; the second decodes to nothing that fits.
    vi.stubGlobal("createImageBitmap", async (photo: File) => {
      if (photo.name === "noise.png") throw new Error("cannot decode");
      return { width: 6000, height: 4000, close: () => undefined };
    });
    const canvas = standInCanvas(3_000_004);
    try {
      const asked: { content_type: string; size: number }[] = [];
      given(uploadsNoting(asked));
      const user = await openAsAlice({ applyAccept: false });
      await user.upload(screen.getByLabelText("Reference photos"), [
        file("export.png", "image/png", 20 * 1024 * 1024),
        file("noise.png", "image/png", 16 * 1024 * 1024),
      ]);
      expect(await screen.findByText("Made smaller to fit, from 20 MB, as a JPEG")).toBeInTheDocument();
      // The second one the browser cannot draw: damaged, whatever its size.
      expect(await screen.findByText("This photo could not be opened; it may be damaged.")).toBeInTheDocument();
      await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
      expect(asked).toEqual([expect.objectContaining({ content_type: "image/jpeg", size: 3_000_004, filename: "export.jpg" })]);
      expect(canvas.sizes[0]).toBe(4096);
      // Sent named for what it now is (above), shown by the name the admin knows.
      expect(thumbnail("export.png")).toBeInTheDocument();
      expect(screen.getByText("1 / 5")).toBeInTheDocument();
      // A reload keeps what the tile says of it.
      await waitFor(() =>
        expect(JSON.parse(sessionStorage.getItem("identity-images.photos") ?? "[]")).toMatchObject([
          { name: "export.png", size: 3_000_004, contentType: "image/jpeg", shrunkFrom: 20 * 1024 * 1024 },
        ]),
      );
    } finally {
      canvas.restore();
    }
  });

  it("says a photo is being made smaller until it is, not that it uploads", async () => {
    // The decode waits until the test lets it go: the browser is still at work.
    let decoded: (() => void) | null = null;
    vi.stubGlobal(
      "createImageBitmap",
      () => new Promise((resolve) => (decoded = () => resolve({ width: 6000, height: 4000, close: () => undefined }))),
    );
    const canvas = standInCanvas(2_000_000);
    try {
      const asked: { size: number; content_type: string }[] = [];
      given(uploadsNoting(asked));
      const user = await openAsAlice({ applyAccept: false });
      await user.upload(screen.getByLabelText("Reference photos"), file("export.png", "image/png", 20 * 1024 * 1024));
      await waitFor(() => expect(decoded).not.toBeNull());
      expect(screen.getByText("Making it smaller…")).toBeInTheDocument();
      expect(screen.getByRole("progressbar", { name: "Making export.png smaller" })).not.toHaveAttribute("value");
      expect(screen.queryByText(/uploading/)).not.toBeInTheDocument();
      expect(asked).toEqual([]);

      decoded!();
      expect(await screen.findByText("Made smaller to fit, from 20 MB, as a JPEG")).toBeInTheDocument();
      expect(screen.queryByText("Making it smaller…")).not.toBeInTheDocument();
      expect(asked).toEqual([expect.objectContaining({ size: 2_000_000 })]);
    } finally {
      canvas.restore();
    }
  });

  it("retries a photo stopped while it was being made smaller, as the smaller JPEG", async () => {
    // The first decode waits until the test lets it go: the admin leaves (another user)
    // meanwhile, and it ends while the photo is put aside. Later ones answer at once.
    let decoded: (() => void) | null = null;
    const bitmap = { width: 6000, height: 4000, close: () => undefined };
    vi.stubGlobal("createImageBitmap", () =>
      decoded === null
        ? new Promise((resolve) => {
            decoded = () => resolve(bitmap);
          })
        : Promise.resolve(bitmap),
    );
    const canvas = standInCanvas(2_000_000);
    try {
      const asked: { size: number; content_type: string }[] = [];
      given(uploadsNoting(asked));
      const user = await openAsAlice({ applyAccept: false });
      await user.upload(screen.getByLabelText("Reference photos"), file("export.png", "image/png", 20 * 1024 * 1024));
      await waitFor(() => expect(decoded).not.toBeNull());
      await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
      decoded!();
      await timePasses(50);
      await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "3");
      expect(await screen.findByText("The upload was stopped; retry.")).toBeInTheDocument();
      expect(asked).toEqual([]); // stopped: nothing sent until the admin says so

      await user.click(screen.getByRole("button", { name: /^Retry / }));
      await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
      expect(asked).toEqual([expect.objectContaining({ content_type: "image/jpeg", size: 2_000_000 })]);
    } finally {
      canvas.restore();
    }
  });
});

describe("a photo an earlier generation kept", () => {
  /** A generation of one photo, beach.jpg: added at 67 KB (the file, uploaded as it was),
   * kept as the JPEG the worker made of it and sent to Gemini, of 62 KB. */
  const earlier = () =>
    succeeded(
      job({
        reference_keys: ["uploads/1/old/1.jpg"],
        reference_names: ["beach.jpg"],
        reference_bytes: [67 * 1024],
        prepared_references: [
          {
            index: 0,
            key: "prepared/identities/id-chef/old/0.jpg",
            source_key: "uploads/1/old/1.jpg",
            mime_type: "image/jpeg",
            width: 1024,
            height: 768,
            bytes: 62 * 1024,
            preview_url: `${S3}/prepared/0.jpg`,
          },
        ],
      }),
    );
  const tiles = () => within(screen.getByRole("list", { name: "Selected photos" }));

  it("shows the size it was added at, not its kept copy's, when the last generation's photos come back", async () => {
    given(...historyOf([earlier()]));
    const user = await openAsAlice();
    await user.click(await screen.findByRole("button", { name: "Use the photo of the last generation" }));
    expect(thumbnail("beach.jpg")).toBeInTheDocument();
    expect(tiles().getByText("67 KB")).toBeInTheDocument();
    expect(tiles().queryByText("62 KB")).not.toBeInTheDocument();
  });

  it("shows the size it was added at, not its kept copy's, when Edit settings brings it back", async () => {
    given(...historyOf([earlier()]));
    const user = await openAsAlice();
    await addPhoto(user);
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Edit settings\b/ }));
    expect(thumbnail("beach.jpg")).toHaveAttribute("src", `${S3}/prepared/0.jpg`);
    expect(tiles().getByText("67 KB")).toBeInTheDocument();
    expect(tiles().queryByText("62 KB")).not.toBeInTheDocument();
    // The same file added again is known for the photo it is (by its name and size): not
    // added, sent and paid for twice.
    await user.upload(screen.getByLabelText("Reference photos"), file("beach.jpg", "image/jpeg", 67 * 1024));
    // Seen under the photos (and said by the form's status, which may hold just these words).
    await waitFor(() =>
      expect(screen.getAllByText("“beach.jpg” is in the form already.").some((note) => !note.closest("[role=status]"))).toBe(true),
    );
    expect(thumbnails("beach.jpg")).toHaveLength(1);
  });

  it("shows the size of an upload a generation sent before it kept a copy, not that it was uploaded earlier", async () => {
    const failed = job({
      status: "failed",
      reference_keys: ["uploads/1/old/1.jpg"],
      reference_names: ["beach.jpg"],
      reference_bytes: [67 * 1024],
      error: { code: "prompt_blocked", message: "Gemini refused the prompt.", details: {} },
      finished_at: new Date().toISOString(),
    });
    given(...historyOf([failed]));
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Edit settings\b/ }));
    expect(await tiles().findByText("67 KB")).toBeInTheDocument();
    expect(tiles().queryByText("Uploaded earlier")).not.toBeInTheDocument();
  });
});
