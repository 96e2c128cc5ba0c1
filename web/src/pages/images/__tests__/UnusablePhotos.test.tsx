/**
 * A photo a generation could not use (the worker could not open it, or its upload expired)
 * is not sent again: its tile in the form says why, and the next Generate goes without it.
 * Refused among the photos Edit settings put in the form, it leaves them the ones it put in:
 * a refusal is the page's, not the admin's change, and the Undo stays.
 */
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import type { CreateVariantsRequest, Job } from "../../../api/imageGeneration";
import { apiError, batchesMadeBy, historyOf, http, job } from "../../../test/api";
import { addPhoto, file, given, openAsAlice, thumbnail, timePasses } from "../../../test/render";

/** What Edit settings put in the form, said at the top of the form. */
const editNotice = () => within(screen.getByRole("region", { name: "New generation" })).getByText(/are in the form/);

describe("a photo a generation could not use", () => {
  it("is refused on its tile, and the next Generate sends the others; Edit settings refuses it again", async () => {
    const created: { reference_keys: string[] }[] = [];
    const jobs: Job[] = [];
    given(
      batchesMadeBy(jobs, (body) => {
        created.push(body);
        const asked = {
          identity_id: body.identity_id,
          user_id: body.user_id,
          reference_keys: body.reference_keys,
          reference_names: body.reference_names ?? [],
        };
        // The first: the worker could not open its second photo. The next ones wait in the queue.
        return jobs.length === 0
          ? job({
              ...asked,
              status: "failed",
              error: {
                code: "reference_invalid",
                message: `${body.reference_keys[1]}: cannot identify image file`,
                details: { field: "reference_keys", key: body.reference_keys[1], index: 1 },
              },
            })
          : job(asked);
      }),
      ...historyOf(jobs),
    );
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), [
      file("front.jpg", "image/jpeg"),
      file("side.jpg", "image/jpeg"),
    ]);
    const generate = screen.getByRole("button", { name: "Generate" });
    await waitFor(() => expect(generate).toHaveAttribute("aria-disabled", "false"));
    await user.click(generate);
    await waitFor(() => expect(created).toHaveLength(1));
    const [front] = created[0]!.reference_keys;

    const photos = within(screen.getByRole("list", { name: "Selected photos" }));
    expect(await photos.findByText("A generation could not use it: remove it, or add another photo.")).toBeInTheDocument();
    expect(screen.getByText("1 / 5")).toBeInTheDocument();
    await user.click(generate);
    await waitFor(() => expect(created).toHaveLength(2));
    expect(created[1]!.reference_keys).toEqual([front]);

    // Edit settings on the failed one brings its photos back: that one refused again.
    const row = within(screen.getByRole("region", { name: "History" })).getAllByRole("listitem").at(-1)!;
    await user.click(within(row).getByRole("button", { name: /^Edit settings\b/ }));
    expect(await photos.findByText("A generation could not use it: remove it, or add another photo.")).toBeInTheDocument();
    // Still the photos Edit settings put in: its notice and its Undo stay. It counts the one
    // the next Generate sends, and the refused one apart.
    await timePasses(100);
    expect(editNotice()).toHaveTextContent(
      /^The settings and 1 photo from the generation of .+ are in the form\. Its other photo cannot be used: its tile says why\./,
    );
    expect(screen.getByRole("button", { name: "Undo" })).toBeInTheDocument();
    // The other is the upload still in the form: shown as it is, not as a grey placeholder.
    expect(thumbnail("front.jpg")).toBeInTheDocument();
    expect(photos.queryByText("Uploaded earlier")).not.toBeInTheDocument();
    await waitFor(() => expect(generate).toHaveAttribute("aria-disabled", "false"));
    await user.click(generate);
    // The form asks just what the second click, waiting in the queue, asked: it says so, and
    // Generate again starts it all the same.
    await user.click(await screen.findByRole("button", { name: "Generate again" }));
    await waitFor(() => expect(created).toHaveLength(3));
    expect(created[2]!.reference_keys).toEqual([front]);
  });
});

describe("a photo refused once Edit settings put it in the form", () => {
  it("for another generation's failure keeps the notice and its Undo", async () => {
    // An earlier generation found its second photo gone (its upload expired); the later one,
    // on the same uploads, failed before it kept them, for another reason.
    const keys = ["uploads/1/old/1.jpg", "uploads/1/old/2.png"];
    const expired = job({
      reference_keys: keys,
      reference_names: ["beach.jpg", "smile.png"],
      status: "failed",
      error: { code: "reference_not_found", message: "not uploaded", details: { key: keys[1], index: 1 } },
    });
    const blocked = job({
      reference_keys: keys,
      reference_names: ["beach.jpg", "smile.png"],
      status: "failed",
      error: { code: "content_blocked", message: "Gemini did not produce the image (IMAGE_SAFETY).", details: {} },
    });
    given(...historyOf([blocked, expired]));
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(await within(card).findByRole("button", { name: /^Edit settings\b/ }));

    const photos = within(screen.getByRole("list", { name: "Selected photos" }));
    expect(
      await photos.findByText("A generation could not use it: it is no longer stored (uploads expire). Add it again."),
    ).toBeInTheDocument();
    expect(photos.getByText("Uploaded earlier")).toBeInTheDocument(); // beach.jpg, still sent
    // The page refused it, not the admin: the form is still as Edit settings left it.
    await timePasses(100);
    expect(editNotice()).toHaveTextContent(
      /^The settings and 1 photo from the generation of .+ are in the form\. Its other photo cannot be used: its tile says why\./,
    );
    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect(screen.getByText("0 / 5")).toBeInTheDocument();
  });

  it("as one the browser cannot draw keeps the notice and its Undo", async () => {
    // The job failed before it kept its photos: the upload still in the form comes back as it is.
    given(
      ...historyOf([
        job({
          reference_keys: ["uploads/1/u/1.jpg"],
          reference_names: ["front.jpg"],
          status: "failed",
          error: { code: "content_blocked", message: "Gemini did not produce the image (IMAGE_SAFETY).", details: {} },
        }),
      ]),
    );
    const user = await openAsAlice();
    await addPhoto(user);
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(await within(card).findByRole("button", { name: /^Edit settings\b/ }));
    const photos = within(screen.getByRole("list", { name: "Selected photos" }));
    fireEvent.error(thumbnail("front.jpg"));
    expect(await photos.findByText("This photo could not be opened; it may be damaged.")).toBeInTheDocument();
    expect(editNotice()).toHaveTextContent(
      /^The settings from the generation of .+ are in the form\. Its photo cannot be used: its tile says why\./,
    );
    expect(screen.getByRole("button", { name: "Undo" })).toBeInTheDocument();
  });
});

describe("a small photo a generation could not use", () => {
  it("says only why it is refused, not that it is used all the same", async () => {
    // jsdom draws nothing: the browser's decoder stands in, with a small photo's size.
    vi.stubGlobal("createImageBitmap", async () => ({ width: 120, height: 90, close: () => undefined }));
    const getContext = vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
    const toDataURL = vi.spyOn(HTMLCanvasElement.prototype, "toDataURL").mockReturnValue("data:image/jpeg;base64,AA==");
    try {
      const jobs: Job[] = [];
      given(
        batchesMadeBy(jobs, (body) =>
          job({
            reference_keys: body.reference_keys,
            status: "failed",
            error: {
              code: "reference_invalid",
              message: `${body.reference_keys[0]}: cannot identify image file`,
              details: { field: "reference_keys", key: body.reference_keys[0], index: 0 },
            },
          }),
        ),
        ...historyOf(jobs),
      );
      const user = await openAsAlice();
      await addPhoto(user);
      const photos = within(screen.getByRole("list", { name: "Selected photos" }));
      expect(await photos.findByText("Only 120×90 px: Gemini sees little in it")).toBeInTheDocument();
      await user.click(screen.getByRole("button", { name: "Generate" }));

      expect(await photos.findByText("A generation could not use it: remove it, or add another photo.")).toBeInTheDocument();
      expect(photos.queryByText(/Gemini sees little in it/)).not.toBeInTheDocument();
    } finally {
      vi.unstubAllGlobals();
      getContext.mockRestore();
      toDataURL.mockRestore();
    }
  });
});

describe("Generate without it, on a card that failed because a photo could not be used", () => {
  const truncated = (body: { reference_keys: string[] }, index: number) => ({
    code: "reference_invalid",
    message: `${body.reference_keys[index]}: the file is truncated`,
    details: { field: "reference_keys", file: body.reference_keys[index], reason: "truncated", key: body.reference_keys[index], index },
  });

  it("takes the photo out of the form and generates the click again with its settings and the other photos", async () => {
    const created: CreateVariantsRequest[] = [];
    const jobs: Job[] = [];
    given(
      batchesMadeBy(jobs, (body) => {
        created.push(body);
        const asked = {
          identity_id: body.identity_id,
          user_id: body.user_id,
          reference_keys: body.reference_keys,
          reference_names: body.reference_names ?? [],
          prompt: body.prompt,
          aspect_ratio: body.aspect_ratio ?? "16:9",
          image_size: body.image_size ?? "1K",
          batch_id: `click-${jobs.length}`,
          batch_index: 0,
          batch_size: body.count,
        };
        // The first: the worker could not use its third photo (as a review had it, a HEIC cut short).
        return jobs.length === 0 ? job({ ...asked, status: "failed", error: truncated(body, 2) }) : job(asked);
      }),
      ...historyOf(jobs),
    );
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), [
      file("person1.jpg", "image/jpeg"),
      file("person2.jpg", "image/jpeg"),
      file("IMG_0042.HEIC", ""),
    ]);
    await user.type(screen.getByRole("textbox", { name: "Prompt" }), "smiling, outdoors");
    await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "2");
    const generate = screen.getByRole("button", { name: "Generate" });
    await waitFor(() => expect(generate).toHaveAttribute("aria-disabled", "false"));
    await user.click(generate);
    await waitFor(() => expect(created).toHaveLength(1));
    const [one, two] = created[0]!.reference_keys;

    const card = await screen.findByRole("article", { name: "Variant 1 of 2" });
    expect(await within(card).findByText("“IMG_0042.HEIC” (photo 3 of 3) could not be used")).toBeInTheDocument();
    expect(card).toHaveTextContent("The file is truncated.");
    await user.click(within(card).getByRole("button", { name: "Generate without it (“IMG_0042.HEIC”), variant 1 of 2" }));

    // One press: the click again, its settings, without the photo.
    await waitFor(() => expect(created).toHaveLength(2));
    expect(created[1]).toEqual({
      ...created[0],
      reference_keys: [one, two],
      reference_names: ["person1.jpg", "person2.jpg"],
      prompt: "smiling, outdoors",
      count: 2,
    });
    // Out of the form, as its tile's Remove takes it: the next Generate goes without it too.
    const photos = within(screen.getByRole("list", { name: "Selected photos" }));
    await waitFor(() => expect(photos.queryByText("IMG_0042.HEIC")).not.toBeInTheDocument());
    expect(screen.getByText("2 / 5")).toBeInTheDocument();
    // The new click takes the pane, its first card the focus, as a Re-run's does.
    const next = jobs[0]!;
    await waitFor(() => expect(document.querySelector(`article[data-job-id="${next.id}"]`)).toHaveFocus());
  });

  it("is not offered when no photo would be left, and the card says why", async () => {
    const keys = ["uploads/1/u/1.heic"];
    given(
      ...historyOf([
        job({ reference_keys: keys, reference_names: ["IMG_0042.HEIC"], status: "failed", error: truncated({ reference_keys: keys }, 0) }),
      ]),
    );
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(await within(card).findByText("“IMG_0042.HEIC” (photo 1 of 1) could not be used")).toBeInTheDocument();
    expect(card).toHaveTextContent("Without it no photo is left: add another, then Generate.");
    expect(within(card).queryByRole("button", { name: /^Generate without it/ })).not.toBeInTheDocument();
    expect(within(card).getByRole("button", { name: /^Edit settings\b/ })).toBeInTheDocument();
  });

  it("says on the card why the click did not start", async () => {
    const keys = ["uploads/1/u/1.jpg", "uploads/1/u/2.heic"];
    given(
      ...historyOf([
        job({ reference_keys: keys, reference_names: ["front.jpg", "IMG_0042.HEIC"], status: "failed", error: truncated({ reference_keys: keys }, 1) }),
      ]),
      http.post("/v1/generation-batches", () => apiError(503, "host_unavailable", "The host app did not answer.")),
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(await within(card).findByRole("button", { name: /^Generate without it\b/ }));
    expect(await within(card).findByRole("alert")).toHaveTextContent("Nothing was started: the host app did not answer.");
  });
});
