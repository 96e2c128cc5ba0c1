/** Edit settings: a past job's prompt, ratio, size and kept photos put in the form, and the Undo that gives the admin's form back. */
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { API, apiError, batchesMadeBy, http, historyOf, job, S3, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { createdPhrase } from "../job/time";
import { addPhoto, file, given, openAsAlice, pickAlice, renderImages, thumbnail, thumbnails, timePasses } from "../../../test/render";

describe("Edit settings", () => {
  it("puts a past job's prompt, ratio and size in the form to change and run again", async () => {
    const blocked = job({
      status: "failed",
      prompt: "a forbidden thing",
      aspect_ratio: "1:1",
      image_size: "2K",
      error: { code: "content_blocked", message: "Gemini blocked the prompt (PROHIBITED_CONTENT).", details: {} },
      finished_at: new Date().toISOString(),
    });
    given(
      ...historyOf([blocked]),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Edit settings\b/ }));
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    expect(prompt).toHaveValue("a forbidden thing");
    expect(prompt).toHaveFocus();
    // The focus is on the prompt as the notice appears: the prompt says what came into the form.
    expect(prompt).toHaveAccessibleDescription(/^The settings and 1 photo from the generation of .+ are in the form\. 17 \/ 2000/);
    expect(screen.getByRole("combobox", { name: "Aspect ratio" })).toHaveValue("1:1");
    expect(screen.getByRole("combobox", { name: "Size" })).toHaveValue("2K");
    // The same prompt would be refused again: no Re-run for it.
    expect(within(history).queryByRole("button", { name: /^Re-run\b/ })).not.toBeInTheDocument();
  });

  it("names the generation it took from as its history row does: to the second when another click shares its minute", async () => {
    const at = (time: string) => `2026-03-14T09:10:${time}Z`;
    const earlier = succeeded(job({ prompt: "on a quay", batch_id: "b-1", created_at: at("05") }));
    const later = succeeded(job({ prompt: "at a market", batch_id: "b-2", created_at: at("40") }));
    given(...historyOf([later, earlier]));
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const row = await within(history).findByText("“on a quay”");
    await user.click(within(row.closest("li")!).getByRole("button", { name: /^Edit settings\b/ }));
    const notice = `from the generation of ${createdPhrase(earlier, { seconds: true })} are in the form.`;
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveAccessibleDescription(expect.stringContaining(notice));
  });
});

describe("Edit settings of the click just made", () => {
  it("says the form holds its settings and photos already, with nothing to undo, until the admin changes one", async () => {
    const jobs: Job[] = [];
    given(
      batchesMadeBy(jobs, (body) =>
        job({
          reference_keys: body.reference_keys,
          reference_names: body.reference_names ?? [],
          prompt: body.prompt,
          aspect_ratio: body.aspect_ratio ?? "16:9",
          image_size: body.image_size ?? "4K",
          status: "failed",
          error: { code: "prompt_blocked", message: "Gemini refused the prompt.", details: {} },
        }),
      ),
      ...historyOf(jobs),
    );
    const user = await openAsAlice();
    await addPhoto(user);
    await user.type(screen.getByRole("textbox", { name: "Prompt" }), "at a grand piano");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(await within(card).findByRole("button", { name: /^Edit settings\b/ }));
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    expect(prompt).toHaveFocus();
    expect(prompt).toHaveAccessibleDescription(
      /^The form holds the settings and photos from the generation of .+ already: change what you like, and Generate\./,
    );
    expect(screen.queryByRole("button", { name: "Undo" })).not.toBeInTheDocument();
    await user.type(prompt, ", softer light");
    expect(screen.queryByText(/holds the settings/)).not.toBeInTheDocument();
    // The same photo goes with the new words.
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(jobs).toHaveLength(2));
    expect(jobs[0]!.reference_keys).toEqual(jobs[1]!.reference_keys);
    expect(jobs[0]!.prompt).toBe("at a grand piano, softer light");
  });
});

describe("Edit settings with the photos a job kept", () => {
  /** The job's `index`th photo, as the pipeline kept it (prepared, with a small copy). */
  const keptPhoto = (index: number) => ({
    index,
    key: `prepared/identities/id-chef/old/${index}.jpg`,
    source_key: `uploads/1/u/${index}.jpg`,
    mime_type: "image/jpeg",
    width: 512,
    height: 512,
    bytes: 40_000,
    preview_url: `${S3}/prepared/${index}.jpg`,
  });
  const earlier = (reference_names: string[] = [], settings: Partial<Job> = {}) =>
    succeeded(
      job({
        reference_names,
        prompt: "by the sea",
        aspect_ratio: "1:1",
        image_size: "2K",
        prepared_references: [0, 1].map(keptPhoto),
        ...settings,
      }),
    );

  async function takeEarlier(user: ReturnType<typeof userEvent.setup>, names: string[] = [], settings: Partial<Job> = {}) {
    const service = jobService();
    const past = earlier(names, settings);
    service.jobs.set(past.id, past);
    given(
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [past], next_cursor: null })),
      ...service.handlers,
    );
    renderImages();
    await pickAlice(user);
    await addPhoto(user);
    await user.type(screen.getByRole("textbox", { name: "Prompt" }), "my own words");
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Edit settings\b/ }));
    return service;
  }

  const photos = () => within(screen.getByRole("list", { name: "Selected photos" }));

  it("offers an empty form the photos of the identity's last generation, and only those", async () => {
    const service = jobService();
    const past = earlier(["front.jpg", "side.jpg"]);
    service.jobs.set(past.id, past);
    given(
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [past], next_cursor: null })),
      ...service.handlers,
    );
    const user = await openAsAlice();
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    await user.type(prompt, "my own words");
    await user.click(await screen.findByRole("button", { name: "Use the 2 photos of the last generation" }));
    expect(thumbnail("front.jpg")).toHaveAttribute("src", `${S3}/prepared/0.jpg`);
    expect(thumbnail("side.jpg")).toBeInTheDocument();
    expect(screen.getByText("2 / 5")).toBeInTheDocument();
    expect(screen.getAllByRole("status").some((region) => region.textContent === "Added the 2 photos of the last generation.")).toBe(true);
    // The photos, not the settings: the prompt is the admin's, and has the focus to go on.
    expect(prompt).toHaveValue("my own words");
    await waitFor(() => expect(prompt).toHaveFocus());
    expect(screen.getByRole("combobox", { name: "Size" })).toHaveValue("4K");
    expect(screen.queryByRole("button", { name: /of the last generation$/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect((service.created[0]!.body as { reference_keys: string[] }).reference_keys).toEqual([
      "prepared/identities/id-chef/old/0.jpg",
      "prepared/identities/id-chef/old/1.jpg",
    ]);
  });
  /** What Edit settings put in the form, said at the top of the form. */
  const editNotice = () => within(screen.getByRole("region", { name: "New generation" })).getAllByRole("status")[0];

  it("brings no more photos than the form takes now: one over the count waits for a place, counted apart", async () => {
    // Six kept: the limit was lowered to five since the job ran.
    const past = succeeded(
      job({
        prepared_references: [0, 1, 2, 3, 4, 5].map(keptPhoto),
      }),
    );
    const service = jobService();
    service.jobs.set(past.id, past);
    let uploadForms = 0;
    given(
      http.post("/v1/uploads", () => {
        uploadForms += 1;
        return undefined;
      }),
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [past], next_cursor: null })),
      ...service.handlers,
    );
    const user = await openAsAlice();
    await user.click(await screen.findByRole("button", { name: /^Edit settings\b/ }));
    expect(editNotice()).toHaveTextContent(
      /^The settings and 5 photos from the generation of .+ are in the form\. Its other photo waits for a place\.$/,
    );
    expect(screen.getByText("5 / 5")).toBeInTheDocument();
    const sixth = photos().getByText("Earlier photo 6").closest("li")!;
    expect(within(sixth).getByText("Waiting for a place")).toBeInTheDocument();

    // The first goes: the sixth takes its place as it is, stored already (no upload).
    await user.click(photos().getByRole("button", { name: "Remove Earlier photo 1" }));
    expect(within(sixth).queryByText("Waiting for a place")).not.toBeInTheDocument();
    expect(screen.getByText("5 / 5")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect((service.created[0]!.body as { reference_keys: string[] }).reference_keys).toEqual(
      [1, 2, 3, 4, 5].map((index) => `prepared/identities/id-chef/old/${index}.jpg`),
    );
    expect(uploadForms).toBe(0);
  });

  it("puts the job's photos in place of the form's, and Undo gives the form's back", async () => {
    const user = userEvent.setup();
    await takeEarlier(user);
    expect(editNotice()).toHaveTextContent(
      /The settings and 2 photos from the generation of .+ are in the form\./,
    );
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("by the sea");
    expect(thumbnail("Earlier photo 1")).toHaveAttribute(
      "src",
      `${S3}/prepared/0.jpg`,
    );
    expect(thumbnail("Earlier photo 2")).toBeInTheDocument();
    expect(thumbnails("front.jpg")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("my own words");
    expect(screen.getByRole("combobox", { name: "Size" })).toHaveValue("4K");
    expect(thumbnail("front.jpg")).toBeInTheDocument();
    expect(thumbnails("Earlier photo 1")).toHaveLength(0);
    expect(screen.queryByRole("button", { name: "Undo" })).not.toBeInTheDocument();
  });

  it("ends at a switch to another identity, whose own prompt the form holds then: it said nothing of that one", async () => {
    const user = userEvent.setup();
    await takeEarlier(user);
    expect(editNotice()).toHaveTextContent(/are in the form\./);
    const identity = screen.getByRole("combobox", { name: "Identity" });
    await user.selectOptions(identity, "id-pilot");
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("");
    expect(screen.queryByText(/are in the form/)).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Undo" })).not.toBeInTheDocument();
    // Back on the chef, the form is as the row left it, but the admin went elsewhere
    // meanwhile: it is theirs now, with no Undo.
    await user.selectOptions(identity, "id-chef");
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("by the sea");
    expect(screen.queryByRole("button", { name: "Undo" })).not.toBeInTheDocument();
  });

  it("ends at a switch to another identity even where that one's prompt reads the same (none)", async () => {
    const user = userEvent.setup();
    await takeEarlier(user, [], { prompt: "" });
    expect(editNotice()).toHaveTextContent(/are in the form\./);
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    expect(screen.queryByText(/are in the form/)).not.toBeInTheDocument();
  });

  it("keeps the Undo for a job whose ratio is no longer offered, or that made more variants than are taken now", async () => {
    const user = userEvent.setup();
    // The API's ratios lack 21:9 now, and it takes at most 4 variants.
    await takeEarlier(user, [], { aspect_ratio: "21:9" as Job["aspect_ratio"], batch_size: 6 });
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("by the sea");
    expect(screen.getByRole("combobox", { name: "Aspect ratio" })).toHaveValue("16:9");
    expect(screen.getByRole("combobox", { name: "Variants" })).toHaveValue("4");
    expect(thumbnail("Earlier photo 1")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("my own words");
    expect(thumbnail("front.jpg")).toBeInTheDocument();
  });

  it("keeps the Undo, and sends nothing, when a photo put aside by it was still asking for its upload form", async () => {
    const past = earlier();
    let s3Posts = 0;
    given(
      ...historyOf([past]),
      http.post("/v1/uploads", async ({ request, response }) => {
        const body = await request.json();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return response(201).json({
          upload_id: "u",
          expires_at: new Date().toISOString(),
          uploads: body.files.map((f, n) => ({
            key: `uploads/1/u/${n}.jpg`,
            url: S3,
            fields: { key: `uploads/1/u/${n}.jpg` },
            content_type: f.content_type,
            max_bytes: 1_000_000,
          })),
        });
      }),
      http.untyped.post(S3, () => {
        s3Posts += 1;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Edit settings\b/ }));
    // The upload form answers meanwhile: the photo it was for is no longer in the form.
    await timePasses(600);
    expect(s3Posts).toBe(0);
    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect(await screen.findByText("The upload was stopped; retry.")).toBeInTheDocument();
  });

  it("generates from the kept photos; a change of the admin's own ends the Undo", async () => {
    const user = userEvent.setup();
    const service = await takeEarlier(user);
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    await user.type(prompt, ", at dusk");
    expect(screen.queryByRole("button", { name: "Undo" })).not.toBeInTheDocument();
    // Back to the words the job had: the form is still the admin's.
    await user.type(prompt, "{Backspace}".repeat(", at dusk".length));
    expect(prompt).toHaveValue("by the sea");
    expect(screen.queryByRole("button", { name: "Undo" })).not.toBeInTheDocument();
    await user.type(prompt, ", at dusk");

    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({
      prompt: "by the sea, at dusk",
      aspect_ratio: "1:1",
      image_size: "2K",
      reference_keys: ["prepared/identities/id-chef/old/0.jpg", "prepared/identities/id-chef/old/1.jpg"],
      reference_names: ["Earlier photo 1", "Earlier photo 2"],
    });
  });

  it("names the kept photos as they were uploaded, and sends the names on", async () => {
    const user = userEvent.setup();
    const service = await takeEarlier(user, ["beach.jpg", "smile.png"]);
    expect(thumbnail("beach.jpg")).toHaveAttribute("src", `${S3}/prepared/0.jpg`);
    expect(thumbnail("smile.png")).toBeInTheDocument();
    expect(photos().queryByText(/Earlier photo/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({ reference_names: ["beach.jpg", "smile.png"] });
  });

  it("brings back the uploads of a job that failed before it kept any, by name; one gone since says so", async () => {
    const service = jobService();
    const failed: Job = {
      ...earlier(["beach-day.jpg", "smile.png"]),
      status: "failed",
      output: null,
      prepared_references: [],
      reference_keys: ["uploads/1/old/1.jpg", "uploads/1/old/2.png"],
      error: { code: "content_blocked", message: "Gemini did not produce the image (IMAGE_SAFETY).", details: {} },
    };
    service.jobs.set(failed.id, failed);
    given(
      http.untyped.post(`${API}/v1/generation-batches`, () =>
        apiError(422, "reference_not_found", "Reference 'uploads/1/old/2.png' was not uploaded (or has expired).", {
          field: "reference_keys",
          key: "uploads/1/old/2.png",
        }),
      ),
      ...historyOf([failed]),
      ...service.handlers,
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(await within(card).findByRole("button", { name: /^Edit settings\b/ }));
    expect(editNotice()).toHaveTextContent(/The settings and 2 photos from the generation of .+ are in the form\./);
    expect(photos().getByRole("img", { name: "beach-day.jpg (no preview)" })).toHaveTextContent("from an earlier generation");
    expect(photos().getByRole("img", { name: "smile.png (no preview)" })).toBeInTheDocument();
    expect(photos().getAllByText("Uploaded earlier")).toHaveLength(2);

    await user.click(screen.getByRole("button", { name: "Generate" }));
    const form = screen.getByRole("region", { name: "New generation" });
    expect(await within(form).findByRole("alert")).toHaveTextContent(
      "“smile.png” is no longer stored (uploads are kept for a limited time): remove it and add the photo again.",
    );
  });

  it("leaves the form's photos when the job kept none, and says so", async () => {
    const service = jobService();
    // A folder's job: its photos are its folder's, not for the form.
    const past = { ...earlier(), prepared_references: [], source: "s3_event" as const };
    service.jobs.set(past.id, past);
    given(
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [past], next_cursor: null })),
      ...service.handlers,
    );
    const user = await openAsAlice();
    await addPhoto(user);
    await user.click(await screen.findByRole("button", { name: /^Edit settings\b/ }));
    expect(editNotice()).toHaveTextContent("are in the form. It kept no photos, so yours stay.");
    expect(thumbnail("front.jpg")).toBeInTheDocument();
  });
});
