/**
 * A reload while a photo uploads: its file is gone with the page, so it cannot be sent again,
 * but it is not dropped without a word. The draft keeps its name and a small copy (not its
 * bytes); after the reload its tile says to add it again, it keeps its place among the
 * generation's, Generate waits for it, and the same file added again takes its place. A visit
 * to another page of the host and back keeps its file: it can be retried.
 */
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";

import { http, S3 } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { file, given, openAsAlice, renderImages, thumbnail } from "../../../test/render";

const LOST = "Not uploaded before the reload: add it again.";
const COPY = "data:image/jpeg;base64,c21hbGw=";

/** S3 that never answers: the photo stays on its way. */
const s3NeverAnswers = () => http.untyped.post(S3, () => new Promise<Response>(() => undefined));

/** The draft a reload finds: Alice chosen, four photos uploaded and `side.jpg` (1000 bytes)
 * still on its way when the page went. */
function draftWithOneStillUploading() {
  sessionStorage.setItem("identity-images.user", JSON.stringify("3"));
  const uploaded = [1, 2, 3, 4].map((n) => ({
    name: `p${n}.jpg`,
    size: 1000,
    contentType: "image/jpeg",
    key: `uploads/1/u/old-${n}.jpg`,
  }));
  const stillUploading = { name: "side.jpg", size: 1000, contentType: "image/jpeg", unsent: "ref-gone-5", smallCopy: COPY };
  sessionStorage.setItem("identity-images.photos", JSON.stringify([...uploaded.slice(0, 2), stillUploading, ...uploaded.slice(2)]));
}

/** The page after a reload with one photo lost, its jobs served: what to add it again with. */
async function reloadedWithOneLost() {
  const service = jobService();
  given(...service.handlers);
  draftWithOneStillUploading();
  const user = userEvent.setup();
  renderImages();
  await screen.findByText(LOST);
  return { service, user };
}

const generate = () => screen.getByRole("button", { name: "Generate" });
const tileOf = (name: string) => screen.getByRole("button", { name: `Remove ${name}` }).closest("li")!;
const tileNames = () =>
  within(screen.getByRole("list", { name: "Selected photos" }))
    .queryAllByRole("button", { name: /^Remove / })
    .map((button) => button.getAttribute("aria-label")?.replace("Remove ", ""));

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("a reload while a photo uploads", () => {
  it("keeps the photo in the draft by its name, size and a small copy, not its bytes", async () => {
    vi.stubGlobal("createImageBitmap", vi.fn().mockResolvedValue({ width: 800, height: 600, close: () => undefined }));
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue({ drawImage: () => undefined } as never);
    vi.spyOn(HTMLCanvasElement.prototype, "toDataURL").mockReturnValue(COPY);
    given(s3NeverAnswers());
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("side.jpg", "image/jpeg", 2000));
    expect(await screen.findByText(/^uploading/)).toBeInTheDocument();
    await waitFor(() =>
      expect(JSON.parse(sessionStorage.getItem("identity-images.photos") ?? "[]")).toEqual([
        { name: "side.jpg", size: 2000, contentType: "image/jpeg", unsent: expect.any(String), smallCopy: COPY },
      ]),
    );
  });

  it("shows it after the reload, stopped, with its place, and Generate waits for it", async () => {
    given();
    draftWithOneStillUploading();
    renderImages();
    const note = await screen.findByText(LOST);
    const tile = tileOf("side.jpg");
    expect(tile).toContainElement(note);
    expect(thumbnail("side.jpg")).toHaveAttribute("src", COPY);
    // Nothing of it is here to send again: no Retry; and it was on the page before, not news.
    expect(within(tile).queryByRole("button", { name: /Retry/ })).not.toBeInTheDocument();
    expect(note).not.toHaveAttribute("role", "alert");
    expect(screen.getByRole("region", { name: "New generation" }).querySelector("[aria-live=assertive]")).toHaveTextContent(/^$/);
    // Chosen for this generation: it counts, and Generate does not go without it.
    expect(screen.getByText("5 / 5")).toBeInTheDocument();
    await waitFor(() => expect(generate()).toHaveAccessibleDescription(/^A photo did not upload: add it again or remove it\. /));
    expect(generate()).toHaveAttribute("aria-disabled", "true");
    // Full, but "Add photos" stays: to add it again.
    expect(screen.getByRole("button", { name: "Add photos" })).toBeInTheDocument();
  });

  it("says it short on its narrow tile, and whole to a screen reader and on hover", async () => {
    await reloadedWithOneLost();
    const tile = tileOf("side.jpg");
    // Two lines in a 100 px tile (the sentence took four, in Chromium at every width).
    const shown = within(tile).getByText("Not uploaded: add it again.");
    expect(shown).toHaveAttribute("aria-hidden", "true");
    const whole = within(tile).getByText(LOST);
    expect(whole.parentElement).toBe(shown.parentElement);
    expect(whole.parentElement).toHaveAttribute("title", LOST);
  });

  it("takes the same file, added again, in its place, and sends it with the others", async () => {
    const { service, user } = await reloadedWithOneLost();
    await user.upload(screen.getByLabelText("Reference photos"), file("side.jpg", "image/jpeg"));
    await waitFor(() => expect(generate()).toHaveAttribute("aria-disabled", "false"));
    expect(screen.queryByText(LOST)).not.toBeInTheDocument();
    expect(screen.getByText("5 / 5")).toBeInTheDocument();
    expect(tileNames()).toEqual(["p1.jpg", "p2.jpg", "side.jpg", "p3.jpg", "p4.jpg"]);
    await user.click(generate());
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({
      reference_keys: ["uploads/1/u/old-1.jpg", "uploads/1/u/old-2.jpg", expect.any(String), "uploads/1/u/old-3.jpg", "uploads/1/u/old-4.jpg"],
      reference_names: ["p1.jpg", "p2.jpg", "side.jpg", "p3.jpg", "p4.jpg"],
    });
  });

  it("lets another photo wait for its place, and Generate go without it once it is removed", async () => {
    const { service, user } = await reloadedWithOneLost();
    await user.upload(screen.getByLabelText("Reference photos"), file("other.jpg", "image/jpeg"));
    expect(within(tileOf("other.jpg")).getByText("Waiting for a place")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Remove side.jpg" }));
    await waitFor(() => expect(generate()).toHaveAttribute("aria-disabled", "false"));
    expect(screen.getByText("5 / 5")).toBeInTheDocument();
    await user.click(generate());
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({ reference_names: ["p1.jpg", "p2.jpg", "p3.jpg", "p4.jpg", "other.jpg"] });
  });

  it("keeps it through another reload until it is dealt with", async () => {
    given();
    draftWithOneStillUploading();
    renderImages();
    await screen.findByText(LOST);
    cleanup();
    renderImages();
    expect(await screen.findByText(LOST)).toBeInTheDocument();
    expect(screen.getByText("5 / 5")).toBeInTheDocument();
  });
});

describe("a visit to another page of the host while a photo uploads", () => {
  it("brings the photo back stopped, and its Retry sends it", async () => {
    let answer = false;
    given(http.untyped.post(S3, () => (answer ? new HttpResponse(null, { status: 204 }) : new Promise<Response>(() => undefined))));
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("side.jpg", "image/jpeg"));
    expect(await screen.findByText(/^uploading/)).toBeInTheDocument();
    cleanup(); // the host shows another page, then this one again: its file is still here

    renderImages();
    expect(await screen.findByText("The upload was stopped; retry.")).toBeInTheDocument();
    answer = true;
    await user.click(screen.getByRole("button", { name: "Retry side.jpg" }));
    await waitFor(() => expect(generate()).toHaveAttribute("aria-disabled", "false"));
    expect(screen.getByText("1 / 5")).toBeInTheDocument();
  });
});
