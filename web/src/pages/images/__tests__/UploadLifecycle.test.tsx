/**
 * The reference photos over the page's life: nothing is sent once the page is gone (its
 * checks and its shrinking finish after it), and React's StrictMode rehearsal of an unmount
 * does not stop the page that stays.
 */
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse } from "msw";
import { StrictMode } from "react";
import { describe, expect, it, vi } from "vitest";

import { Images } from "../Images";
import { API, http, S3 } from "../../../test/api";
import { file, given, pickAlice, renderImages } from "../../../test/render";

/** The upload forms and the S3 posts asked for, counted. */
function countedUploads() {
  const sent = { forms: 0, s3: 0 };
  given(
    http.post("/v1/uploads", async ({ request, response }) => {
      sent.forms += 1;
      const body = await request.json();
      return response(201).json({
        upload_id: "u",
        expires_at: new Date(Date.now() + 300_000).toISOString(),
        uploads: body.files.map((_, n) => ({
          key: `uploads/1/u/${sent.forms}-${n}.jpg`,
          url: S3,
          fields: { key: `uploads/1/u/${sent.forms}-${n}.jpg` },
          content_type: "image/jpeg" as const,
          max_bytes: 15 * 1024 * 1024,
        })),
      });
    }),
    http.untyped.post(S3, () => {
      sent.s3 += 1;
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return sent;
}

const addFront = () =>
  fireEvent.change(screen.getByLabelText("Reference photos"), { target: { files: [file("front.jpg", "image/jpeg")] } });

describe("uploads over the page's life", () => {
  it("sends nothing once the page is gone, though its photo was still being checked", async () => {
    const sent = countedUploads();
    const user = userEvent.setup();
    const page = renderImages();
    await pickAlice(user);
    addFront(); // its first bytes are read after the page is gone
    page.unmount();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sent).toEqual({ forms: 0, s3: 0 });
  });

  it("stops asking for the upload form once the page is gone, and sends nothing to S3", async () => {
    let asking: Request | null = null;
    let s3 = 0;
    given(
      http.post("/v1/uploads", async ({ request }) => {
        asking = request;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return HttpResponse.json({ error: { code: "unavailable", message: "too late" } }, { status: 503 });
      }),
      http.untyped.post(S3, () => {
        s3 += 1;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = userEvent.setup();
    const page = renderImages();
    await pickAlice(user);
    addFront();
    await waitFor(() => expect(asking).not.toBeNull());
    page.unmount();
    expect(asking!.signal.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(s3).toBe(0);
  });

  it("makes no more photos smaller once the page is gone", async () => {
    // jsdom draws nothing: the first decode waits until the test lets it go, after the unmount.
    let decoded: (() => void) | null = null;
    const bitmap = { width: 6000, height: 4000, close: () => undefined };
    const decode = vi.fn(() =>
      decoded === null
        ? new Promise((resolve) => {
            decoded = () => resolve(bitmap);
          })
        : Promise.resolve(bitmap),
    );
    vi.stubGlobal("createImageBitmap", decode);
    const toBlob = vi
      .spyOn(HTMLCanvasElement.prototype, "toBlob")
      .mockImplementation((done) => done(new Blob([new Uint8Array(1000)], { type: "image/jpeg" })));
    try {
      const sent = countedUploads();
      const user = userEvent.setup();
      const page = renderImages();
      await pickAlice(user);
      fireEvent.change(screen.getByLabelText("Reference photos"), {
        target: {
          files: [file("export.png", "image/png", 20 * 1024 * 1024), file("second.png", "image/png", 20 * 1024 * 1024)],
        },
      });
      await waitFor(() => expect(decoded).not.toBeNull());
      page.unmount();
      decoded!();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(decode).toHaveBeenCalledTimes(1); // the second photo is not decoded
      expect(sent).toEqual({ forms: 0, s3: 0 });
    } finally {
      vi.unstubAllGlobals();
      toBlob.mockRestore();
    }
  });

  it("uploads under StrictMode: its rehearsed unmount does not stop the page that stays", async () => {
    const sent = countedUploads();
    const user = userEvent.setup();
    render(
      <StrictMode>
        <Images apiBaseUrl={`${API}/v1`} getToken={() => "test-token"} />
      </StrictMode>,
    );
    await pickAlice(user);
    addFront();
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    expect(sent).toEqual({ forms: 1, s3: 1 });
    expect(screen.getByRole("img", { name: "front.jpg" })).toBeInTheDocument();
  });
});
