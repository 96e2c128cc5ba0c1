/** A job that failed: why, in plain words, which photo it could not use, and the way on it offers (Re-run, Edit settings). */
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { http, historyOf, job } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { given, openAsAlice } from "../../../test/render";

describe("a failed job", () => {
  it.each([
    [{ code: "content_blocked", message: "Gemini blocked the prompt (PROHIBITED_CONTENT).", details: {} }, "Gemini refused the prompt"],
    [{ code: "content_blocked", message: "Gemini did not produce the image (IMAGE_SAFETY).", details: {} }, "Gemini's safety filter stopped the image"],
    [{ code: "no_image", message: "Gemini answered with text only, no image. It said: I can't.", details: {} }, "Gemini answered with text, not an image"],
    [{ code: "reference_invalid", message: "Photo 2 is not a readable image.", details: {} }, "A reference photo could not be used"],
    [
      { code: "provider_rejected", message: "Gemini rejected the request (400 INVALID_ARGUMENT): Bad image.", details: { status_code: 400 } },
      "Gemini rejected the request",
    ],
    [
      { code: "provider_rejected", message: "Gemini rejected the request (403 PERMISSION_DENIED): No.", details: { status_code: 403 } },
      "Gemini refused the pipeline's key",
    ],
    [{ code: "provider_not_configured", message: "GEMINI_API_KEY is not set.", details: {} }, "Gemini is not set up"],
  ])("says in plain words why a job failed: %o", async (error, title) => {
    const failed = job({ status: "failed", error, finished_at: new Date().toISOString() });
    given(...historyOf([failed]),
    );
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(await within(card).findByText(title)).toBeInTheDocument();
    expect(card).not.toHaveTextContent(error.code);
    // Seen on arrival, not as it happened: nothing interrupts the screen reader.
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("says what Gemini billed for an answer without an image, on its card and its history row", async () => {
    const usage = { prompt_tokens: 1720, output_tokens: 0, thoughts_tokens: 210, total_tokens: 1930, estimated_cost_usd: 0.0061 };
    const error = { code: "content_blocked", message: "Gemini did not produce the image (IMAGE_SAFETY).", details: {} };
    given(...historyOf([job({ status: "failed", error, usage, finished_at: new Date().toISOString() })]));
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(await within(card).findByText("Gemini billed about $0.0061 for its answer.")).toBeInTheDocument();
    const history = await screen.findByRole("region", { name: "History" });
    expect(await within(history).findByText(/\$0\.0061/)).toBeInTheDocument();
  });

  it("says no bill for a failure Gemini never answered", async () => {
    const error = { code: "provider_unavailable", message: "Gemini did not answer in time.", details: {} };
    given(...historyOf([job({ status: "failed", error, usage: null, finished_at: new Date().toISOString() })]));
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await within(card).findByText(/Gemini/);
    expect(card).not.toHaveTextContent("billed");
  });

  it("offers Re-run only where the same job could end otherwise", async () => {
    const failed = (code: string, details: Record<string, unknown> = {}) =>
      job({ status: "failed", error: { code, message: "m", details }, finished_at: new Date().toISOString() });
    given(
      ...historyOf([
        failed("provider_rejected", { status_code: 400 }),
        failed("provider_rejected", { status_code: 403 }),
        failed("provider_unavailable"),
      ]),
    );
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const rows = await within(history).findAllByRole("listitem");
    const rerun = rows.map((row) => within(row).queryByRole("button", { name: /^Re-run\b/ }) !== null);
    expect(rerun).toEqual([false, true, true]);
    expect(rows[0]).toHaveTextContent("The same request would be rejected again: change the prompt or the photos. Gemini said: m");
  });

  it("names a photo the job could not use by its place, never by its storage key", async () => {
    const key = "uploads/1/u/2.heif";
    const failed = job({
      status: "failed",
      reference_keys: ["uploads/1/u/1.jpg", key],
      error: {
        code: "reference_invalid",
        message: `${key}: not a JPEG, PNG, WebP or HEIC/HEIF image`,
        details: { field: "reference_keys", key, index: 1 },
      },
      finished_at: new Date().toISOString(),
    });
    given(
      ...historyOf([failed]),
    );
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(await within(card).findByText("Photo 2 of 2 could not be used")).toBeInTheDocument();
    expect(card).toHaveTextContent("Not a JPEG, PNG, WebP or HEIC/HEIF image.");
    expect(card).not.toHaveTextContent("uploads/");
    // The same photos would fail again: no Re-run; Edit settings is the way on.
    const history = screen.getByRole("region", { name: "History" });
    expect(within(history).queryByRole("button", { name: /^Re-run\b/ })).not.toBeInTheDocument();
    expect(within(history).getByRole("button", { name: /^Edit settings\b/ })).toBeInTheDocument();
  });

  it("names a photo the job could not use as it was uploaded, with its place among those sent", async () => {
    const failed = job({
      status: "failed",
      reference_keys: ["uploads/1/u/1.jpg", "uploads/1/u/2.png"],
      reference_names: ["front.jpg", "broken.png"],
      error: {
        code: "reference_invalid",
        message: "uploads/1/u/2.png: the image could not be decoded: the file may be damaged",
        details: { field: "reference_keys", key: "uploads/1/u/2.png", index: 1 },
      },
      finished_at: new Date().toISOString(),
    });
    given(...historyOf([failed]));
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(await within(card).findByText("“broken.png” (photo 2 of 2) could not be used")).toBeInTheDocument();
    expect(card).toHaveTextContent("The image could not be decoded: the file may be damaged.");
  });

  it("offers a failed card's way on where it failed: Re-run when it could end otherwise, and Edit settings", async () => {
    const busy = job({ prompt: "try again", status: "failed", finished_at: new Date().toISOString(),
      error: { code: "provider_unavailable", message: "busy", details: {} } });
    const blocked = { ...busy, id: "blocked", error: { code: "content_blocked", message: "Gemini blocked the prompt (PROHIBITED_CONTENT).", details: {} } };
    const service = jobService();
    service.jobs.set(busy.id, busy);
    given(...service.handlers, ...historyOf([busy]));
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(await within(card).findByRole("button", { name: /^Re-run\b/ }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({ parent: busy.id, count: 1 });

    // Another tab, on another history (this tab would bring back the Re-run it watches).
    cleanup();
    sessionStorage.clear();
    given(...historyOf([blocked]), http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(blocked)));
    const again = await openAsAlice();
    const refused = await screen.findByRole("article", { name: "New image" });
    expect(await within(refused).findByText("Gemini refused the prompt")).toBeInTheDocument();
    expect(within(refused).queryByRole("button", { name: /^Re-run\b/ })).not.toBeInTheDocument();
    await again.click(within(refused).getByRole("button", { name: /^Edit settings\b/ }));
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("try again");
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveFocus();
  });
});
