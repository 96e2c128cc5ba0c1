/**
 * The reference photos over the page's life: nothing is sent once the page is gone (its
 * checks and its shrinking finish after it), and React's StrictMode rehearsal of an unmount
 * does not stop the page that stays. Each thumbnail's object URL is let go once its photo
 * leaves for good, never while it is shown.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse } from "msw";
import { StrictMode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { Images } from "../Images";
import { API, historyOf, http, job, S3, server, succeeded } from "../../../test/api";
import { addPhoto, file, given, openAsAlice, pickAlice, renderImages, thumbnail, thumbnails, timePasses } from "../../../test/render";

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

const strictPage = () =>
  render(
    <StrictMode>
      <Images apiBaseUrl={`${API}/v1`} getToken={() => "test-token"} />
    </StrictMode>,
  );

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
    strictPage();
    await pickAlice(user);
    addFront();
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    expect(sent).toEqual({ forms: 1, s3: 1 });
    expect(thumbnail("front.jpg")).toBeInTheDocument();
  });
});

/** The object URLs made and let go while a test runs, and those the page shows. */
function watchObjectUrls() {
  const create = vi.spyOn(URL, "createObjectURL");
  const revoke = vi.spyOn(URL, "revokeObjectURL");
  const created = () => create.mock.results.map((result) => result.value as string);
  const revoked = () => revoke.mock.calls.map(([url]) => url);
  const srcOf = (name: string) => thumbnail(name).getAttribute("src");
  return {
    created,
    revoked,
    srcOf,
    /** None of the thumbnails shown is let go; none let go twice, none the page did not make. */
    expectShownAlive() {
      const shown = Array.from(document.querySelectorAll("img"), (img) => img.getAttribute("src"));
      expect(shown.filter((src) => src !== null && revoked().includes(src))).toEqual([]);
      expect(new Set(revoked()).size).toBe(revoked().length);
      expect(revoked().filter((url) => !created().includes(url))).toEqual([]);
    },
    /** Every URL made is let go, once. */
    expectAllLetGo() {
      expect(created().length).toBeGreaterThan(0);
      expect([...revoked()].sort()).toEqual([...created()].sort());
    },
  };
}

/** A generation that kept two photos, each with its preview's URL. */
const keptTwo = () =>
  succeeded(
    job({
      prepared_references: [0, 1].map((index) => ({
        index,
        key: `prepared/identities/id-chef/old/${index}.jpg`,
        source_key: `uploads/1/old/${index}.jpg`, // not the admin's photo in the form
        mime_type: "image/jpeg" as const,
        width: 512,
        height: 512,
        bytes: 40_000,
        preview_url: `${S3}/prepared/${index}.jpg`,
      })),
    }),
  );

/** The page on Alice, with a photo of the admin's own (front.jpg) and a row that kept two. */
async function ownPhotoAndAKeptRow() {
  given(...historyOf([keptTwo()]));
  const urls = watchObjectUrls();
  const user = await openAsAlice();
  await addPhoto(user);
  const front = urls.srcOf("front.jpg");
  const history = await screen.findByRole("region", { name: "History" });
  return { urls, user, front, history };
}

describe("the thumbnails' object URLs", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("lets go of a removed photo's thumbnail, not of the others, and of all once the page is gone", async () => {
    given();
    const urls = watchObjectUrls();
    const user = userEvent.setup();
    const page = renderImages();
    await pickAlice(user);
    await user.upload(screen.getByLabelText("Reference photos"), [file("front.jpg", "image/jpeg"), file("side.jpg", "image/jpeg")]);
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    const front = urls.srcOf("front.jpg");
    const side = urls.srcOf("side.jpg");
    expect(urls.revoked()).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Remove front.jpg" }));
    expect(urls.revoked()).toEqual([front]);
    expect(urls.srcOf("side.jpg")).toBe(side);
    urls.expectShownAlive();

    page.unmount();
    urls.expectAllLetGo();
  });

  it("gives a waiting photo's place a fresh thumbnail and lets go of the one it had", async () => {
    given();
    const urls = watchObjectUrls();
    const user = await openAsAlice();
    await user.upload(
      screen.getByLabelText("Reference photos"),
      Array.from({ length: 6 }, (_, n) => file(`p${n}.jpg`, "image/jpeg")),
    );
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    const waiting = urls.srcOf("p5.jpg");
    await user.click(screen.getByRole("button", { name: "Remove p0.jpg" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    expect(urls.srcOf("p5.jpg")).not.toBe(waiting);
    expect(urls.revoked()).toEqual(expect.arrayContaining([waiting]));
    urls.expectShownAlive();
    cleanup();
    urls.expectAllLetGo();
  });

  it("gives two waiting photos the places two refused files free at once, each with a live thumbnail", async () => {
    given();
    const urls = watchObjectUrls();
    const user = await openAsAlice({ applyAccept: false });
    const notAJpeg = (name: string) => file(name, "image/jpeg", 1000, Array.from("plain text", (c) => c.charCodeAt(0)));
    await user.upload(screen.getByLabelText("Reference photos"), [
      notAJpeg("bad1.jpg"),
      notAJpeg("bad2.jpg"),
      ...Array.from({ length: 5 }, (_, n) => file(`p${n}.jpg`, "image/jpeg")),
    ]);
    await waitFor(() => expect(screen.queryByText("Waiting for a place")).not.toBeInTheDocument());
    await waitFor(() => expect(screen.getByText("5 / 5")).toBeInTheDocument());
    expect(urls.srcOf("p4.jpg")).toMatch(/^blob:/);
    urls.expectShownAlive();
  });

  it("makes the thumbnails again from the kept files on a return to the page, StrictMode or not", async () => {
    given();
    const urls = watchObjectUrls();
    const user = userEvent.setup();
    const first = strictPage();
    await pickAlice(user);
    await addPhoto(user);
    urls.expectShownAlive();
    first.unmount();
    urls.expectAllLetGo();

    // Back, under StrictMode: rendered twice, its unmount rehearsed.
    const again = strictPage();
    await waitFor(() => expect(thumbnail("front.jpg")).toHaveAttribute("src", expect.stringMatching(/^blob:/)));
    urls.expectShownAlive();
    again.unmount();
    urls.expectAllLetGo();

    // And back without it.
    const last = renderImages();
    await waitFor(() => expect(thumbnail("front.jpg")).toHaveAttribute("src", expect.stringMatching(/^blob:/)));
    urls.expectShownAlive();
    last.unmount();
    urls.expectAllLetGo();
  });

  it("keeps the thumbnail of a photo put aside for another user, shown when it comes back", async () => {
    given();
    const urls = watchObjectUrls();
    const user = await openAsAlice();
    await addPhoto(user);
    const front = urls.srcOf("front.jpg");
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
    expect(await screen.findByText("0 / 5")).toBeInTheDocument();
    expect(urls.revoked()).toEqual([]);
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "3");
    expect(await screen.findByText("1 / 5")).toBeInTheDocument();
    expect(urls.srcOf("front.jpg")).toBe(front);
    urls.expectShownAlive();

    // Put aside again when the page goes: let go all the same.
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
    expect(await screen.findByText("0 / 5")).toBeInTheDocument();
    cleanup();
    urls.expectAllLetGo();
  });

  it("keeps the thumbnails Edit settings replaced while Undo can bring them back, and lets go of them after", async () => {
    const { urls, user, front, history } = await ownPhotoAndAKeptRow();
    await user.click(await within(history).findByRole("button", { name: /^Edit settings\b/ }));
    expect(thumbnails("front.jpg")).toHaveLength(0);
    expect(urls.revoked()).toEqual([]); // kept for Undo
    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect(thumbnail("front.jpg")).toHaveAttribute("src", front);
    urls.expectShownAlive();

    // Replaced again, and a change of the admin's own ends the Undo: its photo is gone for good.
    await user.click(within(history).getByRole("button", { name: /^Edit settings\b/ }));
    await user.click(screen.getByRole("button", { name: "Remove Earlier photo 1" }));
    expect(screen.queryByRole("button", { name: "Undo" })).not.toBeInTheDocument();
    expect(urls.revoked()).toEqual([front]);
    cleanup();
    urls.expectAllLetGo();
  });

  it("lets go of the thumbnails Edit settings replaced as soon as a change of the prompt ends its Undo", async () => {
    const { urls, user, front, history } = await ownPhotoAndAKeptRow();
    await user.click(await within(history).findByRole("button", { name: /^Edit settings\b/ }));
    expect(urls.revoked()).toEqual([]); // kept for Undo

    await user.type(screen.getByRole("textbox", { name: "Prompt" }), ", at dusk");
    expect(screen.queryByRole("button", { name: "Undo" })).not.toBeInTheDocument();
    expect(urls.revoked()).toEqual([front]);
    urls.expectShownAlive();
    cleanup();
    urls.expectAllLetGo();
  });
});

describe("a photo stopped while it was being made smaller", () => {
  it("is sent once when retried before that first shrinking ends, not once more by it", async () => {
    // The first decode waits until the test lets it go; later ones answer at once.
    let decoded: (() => void) | null = null;
    const bitmap = { width: 6000, height: 4000, close: () => undefined };
    vi.stubGlobal("createImageBitmap", () =>
      decoded === null ? new Promise((resolve) => (decoded = () => resolve(bitmap))) : Promise.resolve(bitmap),
    );
    const context = { fillStyle: "", fillRect: () => undefined, drawImage: () => undefined };
    const canvas = [
      vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(context as unknown as CanvasRenderingContext2D),
      vi.spyOn(HTMLCanvasElement.prototype, "toBlob").mockImplementation((done) => {
        const jpeg = new Uint8Array(2_000_000);
        jpeg.set([0xff, 0xd8, 0xff, 0xe0]);
        done(new Blob([jpeg], { type: "image/jpeg" }));
      }),
      vi.spyOn(HTMLCanvasElement.prototype, "toDataURL").mockReturnValue("data:image/jpeg;base64,AA=="),
    ];
    try {
      const sent = countedUploads();
      // The retry's form is slow to come: the first shrinking ends meanwhile.
      let answerForm = () => {};
      const formHeld = new Promise<void>((resolve) => (answerForm = resolve));
      server.use(
        http.post("/v1/uploads", async () => {
          await formHeld;
          return undefined; // on to the counted answer
        }),
      );
      const user = await openAsAlice({ applyAccept: false });
      await user.upload(screen.getByLabelText("Reference photos"), file("export.png", "image/png", 20 * 1024 * 1024));
      await waitFor(() => expect(decoded).not.toBeNull());
      // Another user and back: the photo comes back stopped, to retry.
      await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
      await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "3");
      expect(await screen.findByText("The upload was stopped; retry.")).toBeInTheDocument();
      await user.click(screen.getByRole("button", { name: /^Retry / }));
      await waitFor(() => expect(screen.queryByText("The upload was stopped; retry.")).not.toBeInTheDocument());
      decoded!();
      await timePasses(100);
      answerForm();
      await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
      await timePasses(100);
      expect(sent).toEqual({ forms: 1, s3: 1 });
    } finally {
      vi.unstubAllGlobals();
      for (const spy of canvas) spy.mockRestore();
    }
  });
});
