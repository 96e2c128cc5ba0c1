/** A job's progress on its card and its history row: picked up after a reload, whichever read is newer, waiting to retry, canceled, a batch's order. */
import { cleanup, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { apiError, http, historyOf, job, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { given, openAsAlice } from "../../../test/render";

describe("a job's progress", () => {
  it("picks up a job in flight from the history after a reload, until it ends", async () => {
    const service = jobService();
    const running = job({ status: "running", prompt: "in flight" });
    service.jobs.set(running.id, running);
    given(...service.handlers,
      http.get("/v1/generations", ({ response }) =>
        response(200).json({ items: [service.jobs.get(running.id)!], next_cursor: null }),
      ),
    );
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(within(card).getByRole("status")).toHaveTextContent("Generating");
    expect(await within(card).findByRole("img", {}, { timeout: 10_000 })).toBeInTheDocument();
  });

  it("shows a job in the history as its card shows it, whichever was read last", async () => {
    const running = job({ status: "running", prompt: "in both", updated_at: "2026-12-04T10:00:00Z" });
    const done = { ...succeeded(running), updated_at: "2026-12-04T10:00:09Z" };
    given(
      http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(done)),
      ...historyOf([running]), // the history's read is older
    );
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(await within(card).findByRole("img", {}, { timeout: 5_000 })).toBeInTheDocument();
    const row = within(screen.getByRole("region", { name: "History" })).getByRole("listitem");
    // Its picture, and no state badge: a result's row says it is done by its picture.
    expect(within(row).getByRole("link", { name: /^Open the result/ })).toBeInTheDocument();
    expect(within(row).queryByText("Running")).toBeNull();

    // And the other way: the history read later than the card.
    cleanup();
    given(
      http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(running)),
      ...historyOf([done]),
    );
    await openAsAlice();
    const later = await screen.findByRole("article", { name: "New image" });
    expect(await within(later).findByRole("img", {}, { timeout: 5_000 })).toBeInTheDocument();
    // No progress said: its one status is where its save stands, and none was asked.
    expect(within(later).getByRole("status")).toBeEmptyDOMElement();
  });

  it("shows when Gemini is busy and when it retries, and cancels a queued job", async () => {
    const service = jobService();
    const waiting = job({
      status: "queued",
      attempts: 1,
      next_attempt_at: new Date(Date.now() + 60_000).toISOString(),
      last_error: { code: "provider_unavailable", message: "Gemini answered 503.", details: {} },
    });
    service.jobs.set(waiting.id, waiting);
    given(
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json(service.jobs.get(params.generation_id)!),
      ),
      http.get("/v1/generations", ({ response }) =>
        response(200).json({ items: [service.jobs.get(waiting.id)!], next_cursor: null }),
      ),
      ...service.handlers,
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(within(card).getByRole("status")).toHaveTextContent("Waiting to retry: Gemini is busy");
    // A minute from when the test began: seconds less by the time the card shows, on a busy machine.
    expect(within(card).getByText(/^Attempt 2 of 5 in (1 min|[1-5]?\d s)/)).toBeInTheDocument();
    await user.click(within(card).getByRole("button", { name: /^Cancel\b/ }));
    expect(await within(card).findByText("Canceled")).toBeInTheDocument();
    expect(service.jobs.get(waiting.id)!.status).toBe("canceled");
  });

  it("says in plain words a cancel that came once the job had started, not the API's words with its id", async () => {
    const queued = job({ prompt: "to cancel" });
    given(
      ...historyOf([queued]),
      http.post("/v1/generations/{generation_id}/cancel", () =>
        apiError(409, "generation_running", `Generation '${queued.id}' is already running; it cannot be canceled.`, {
          generation_id: queued.id,
          status: "running",
        }),
      ),
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(within(card).getByRole("button", { name: /^Cancel\b/ }));
    expect(await within(card).findByRole("alert")).toHaveTextContent("Not canceled: it had started before the cancel reached it.");
    expect(card).not.toHaveTextContent(queued.id);
  });

  it("says a cancel the service failed as not done, and that the job goes on, not in the service's words", async () => {
    const queued = job({ prompt: "to cancel" });
    given(
      ...historyOf([queued]),
      http.post("/v1/generations/{generation_id}/cancel", () => apiError(500, "internal_error", "Something went wrong on our side.")),
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(within(card).getByRole("button", { name: /^Cancel\b/ }));
    const alert = await within(card).findByRole("alert");
    expect(alert).toHaveTextContent(/^Not canceled: the image service had a problem; the generation goes on\. Cancel again\.$/);
    // Right under its Cancel: before the room the card keeps for its result's buttons, not
    // some 120 px under it.
    const kept = card.querySelector("[aria-hidden='true'][class*='footerRoom']");
    expect(kept).not.toBeNull();
    expect(alert.compareDocumentPosition(kept!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("shows the latest batch in variant order after a reload, whatever order the history lists it in", async () => {
    const failed = {
      ...job({ batch_id: "b", batch_index: 0, batch_size: 3, status: "failed" }),
      error: { code: "provider_unavailable", message: "busy", details: {} },
      finished_at: new Date().toISOString(),
    };
    const items = [
      succeeded(job({ batch_id: "b", batch_index: 2, batch_size: 3 })),
      succeeded(job({ batch_id: "b", batch_index: 1, batch_size: 3 })),
      failed,
    ];
    given(
      ...historyOf(items),
    );
    await openAsAlice();
    const first = await screen.findByRole("article", { name: "Variant 1 of 3" });
    expect(await within(first).findByText("Gemini was unavailable")).toBeInTheDocument();
    expect(within(screen.getByRole("article", { name: "Variant 3 of 3" })).getByRole("img")).toBeInTheDocument();
  });
});
