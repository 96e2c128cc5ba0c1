/**
 * What the page holds while something around it is not settled: whose draft it is before the
 * users are read, the Compare dialog under StrictMode, a cancel still on its way, and a
 * Generate's error once the admin looks at another identity.
 */
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { StrictMode } from "react";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { API, apiConfig, apiError, historyOf, http, identities, job, succeeded, users } from "../../../test/api";
import { addPhoto, given, openAsAlice, pickAlice, timePasses } from "../../../test/render";
import { jobService } from "../../../test/jobService";
import { Images } from "../Images";

/** The draft admin "2" left in this tab (their session ended without a log out). */
function anotherAdminsDraft() {
  for (const s of [sessionStorage, localStorage]) s.setItem("identity-images.owner", JSON.stringify("2"));
  sessionStorage.setItem(
    "identity-images.prompts",
    JSON.stringify({ "id-chef": "the other admin's prompt" }),
  );
  sessionStorage.setItem(
    "identity-images.photos",
    JSON.stringify([{ name: "bobs-face.jpg", size: 1000, contentType: "image/jpeg", key: "uploads/2/u/1.jpg" }]),
  );
}

describe("whose draft, before the users are read", () => {
  it("shows nothing of another admin's draft when the users cannot be read", async () => {
    given(http.get("/v1/users", () => apiError(500, "internal_error", "Something failed.")));
    anotherAdminsDraft();
    render(<Images apiBaseUrl={`${API}/v1`} getToken={() => "t"} />);
    await screen.findByText("Something failed.", {}, { timeout: 5000 });
    expect(screen.queryByDisplayValue("the other admin's prompt")).not.toBeInTheDocument();
    expect(screen.queryByText("bobs-face.jpg")).not.toBeInTheDocument();
  }, 10_000);

  it("opens the page on Try again once the users can be read, with the draft the new admin's", async () => {
    let down = true;
    given(http.get("/v1/users", ({ response }) =>
      down
        ? apiError(500, "internal_error", "Something failed.")
        : response(200).json({
            users: [{ id: "1", username: "admin", display_name: "Ada Admin", is_test_user: false, is_staff: true, is_active: true }],
          }),
    ));
    anotherAdminsDraft();
    const user = userEvent.setup();
    render(<Images apiBaseUrl={`${API}/v1`} getToken={() => "t"} />);
    const alert = (await screen.findByText("Something failed.", {}, { timeout: 5000 })).closest("[role=alert]");
    expect(alert).toHaveTextContent("Could not load the users.");
    expect(screen.queryByRole("textbox", { name: "Prompt" })).not.toBeInTheDocument();
    down = false;
    await user.click(within(alert as HTMLElement).getByRole("button", { name: "Try again" }));
    const prompt = await screen.findByRole("textbox", { name: "Prompt" });
    expect(prompt).toHaveValue("");
    expect(screen.queryByText("bobs-face.jpg")).not.toBeInTheDocument();
    expect(screen.queryByText("Something failed.")).not.toBeInTheDocument();
    // Stamped with the admin who reads it now; the other's draft is gone from the storage too.
    expect(localStorage.getItem("identity-images.owner")).toBe(JSON.stringify("1"));
    expect(sessionStorage.getItem("identity-images.owner")).toBe(JSON.stringify("1"));
    expect(sessionStorage.getItem("identity-images.photos")).not.toContain("bobs-face.jpg");
    expect(sessionStorage.getItem("identity-images.prompts") ?? "").not.toContain("the other admin's prompt");
  }, 10_000);
});

describe("under StrictMode (the shell's, so npm run dev's)", () => {
  it("keeps the Compare dialog open under StrictMode", async () => {
    const proto = HTMLDialogElement.prototype as HTMLDialogElement & Record<string, unknown>;
    const saved = { showModal: proto.showModal, close: proto.close };
    proto.showModal = function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    proto.close = function (this: HTMLDialogElement) {
      if (!this.open) return;
      this.removeAttribute("open");
      setTimeout(() => this.dispatchEvent(new Event("close")), 0); // queued, as browsers do
    };
    try {
      given(
        ...historyOf([succeeded(job({ prompt: "first" }))]),
        http.get("/v1/users/{user_id}/identities", ({ response }) =>
          response(200).json({
            identities: [{ ...identities[0]!, image_path: "generated/x.png", image_url: "http://s3.test/current.png" }],
          }),
        ),
      );
      const user = userEvent.setup();
      render(
        <StrictMode>
          <Images apiBaseUrl={`${API}/v1`} getToken={() => "t"} />
        </StrictMode>,
      );
      await pickAlice(user);
      const card = await screen.findByRole("article", { name: "New image" });
      await user.click(await within(card).findByRole("button", { name: /^Compare\b/ }));
      await screen.findByRole("dialog", { name: "Compare with the current image" });
      await timePasses(50);
      expect(screen.queryByRole("dialog", { name: "Compare with the current image" })).toBeInTheDocument();
      // Its Close still closes it.
      await user.click(screen.getByRole("button", { name: "Close Compare" }));
      expect(screen.queryByRole("dialog", { name: "Compare with the current image" })).not.toBeInTheDocument();
    } finally {
      Object.assign(proto, saved);
    }
  }, 15_000);

  it("reads the settings and the users once as it opens", async () => {
    const asked = { config: 0, users: 0 };
    given(
      http.get("/v1/config", ({ response }) => {
        asked.config += 1;
        return response(200).json(apiConfig);
      }),
      http.get("/v1/users", ({ response }) => {
        asked.users += 1;
        return response(200).json({ users });
      }),
    );
    render(
      <StrictMode>
        <Images apiBaseUrl={`${API}/v1`} getToken={() => "t"} />
      </StrictMode>,
    );
    await screen.findByRole("combobox", { name: "User" });
    await timePasses(100);
    expect(asked).toEqual({ config: 1, users: 1 });
  });
});

describe("a cancel on its way", () => {
  it("leaves the other queued variant's Cancel, which works", async () => {
    const batch = { batch_id: "b-two", batch_size: 2 };
    const first = job({ prompt: "two", ...batch, batch_index: 0 });
    const second = job({ prompt: "two", ...batch, batch_index: 1 });
    const jobs = new Map<string, Job>([first, second].map((each) => [each.id, each]));
    const asked: string[] = [];
    let answerFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => (answerFirst = resolve));
    given(
      http.get("/v1/generations", ({ response }) =>
        response(200).json({ items: [first, second].map((each) => jobs.get(each.id)!), next_cursor: null }),
      ),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json(jobs.get(params.generation_id)!),
      ),
      http.post("/v1/generations/{generation_id}/cancel", async ({ params, response }) => {
        asked.push(params.generation_id);
        if (params.generation_id === first.id) await firstHeld;
        const canceled: Job = { ...jobs.get(params.generation_id)!, status: "canceled", canceled_at: new Date().toISOString() };
        jobs.set(canceled.id, canceled);
        return response(200).json(canceled);
      }),
    );
    const user = userEvent.setup();
    render(<Images apiBaseUrl={`${API}/v1`} getToken={() => "t"} />);
    await pickAlice(user);
    const one = await screen.findByRole("article", { name: "Variant 1 of 2" });
    const two = screen.getByRole("article", { name: "Variant 2 of 2" });
    await user.click(within(one).getByRole("button", { name: /^Cancel\b/ }));
    await waitFor(() => expect(asked).toEqual([first.id]));
    // The first's answer is held: the second's Cancel is there all the same, and is sent.
    await user.click(within(two).getByRole("button", { name: /^Cancel\b/ }));
    expect(await within(two).findByText("Canceled")).toBeInTheDocument();
    expect(asked).toEqual([first.id, second.id]);
    expect(within(one).queryByText("Canceled")).not.toBeInTheDocument();
    // The first's Cancel says its answer is out; a click on it sends nothing more.
    const again = within(one).getByRole("button", { name: /^Canceling…/ });
    expect(again).toHaveAttribute("aria-disabled", "true");
    await user.click(again);
    expect(asked).toEqual([first.id, second.id]);
    const row = within(screen.getByRole("region", { name: "History" })).getAllByRole("listitem")[0]!;
    expect(within(row).getByRole("button", { name: /^Canceling…/ })).toHaveAttribute("aria-disabled", "true");
    answerFirst();
    expect(await within(one).findByText("Canceled")).toBeInTheDocument();
    expect(asked).toEqual([first.id, second.id]);
  }, 15_000);
});

describe("a Generate's error under the form", () => {
  it("is said only on the user whose photos it was about", async () => {
    given(
      http.post("/v1/generation-batches", () =>
        apiError(422, "reference_not_found", "Reference 'uploads/1/u/1.jpg' was not uploaded (or has expired).", {
          key: "uploads/1/u/1.jpg",
        }),
      ),
    );
    const user = await openAsAlice();
    await addPhoto(user);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const form = screen.getByRole("region", { name: "New generation" });
    const GONE = /^“front\.jpg” is no longer stored/;
    expect(await within(form).findByRole("alert")).toHaveTextContent(GONE);

    // Another identity of Alice's: the same photos in the form, the same photo still gone.
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    expect(within(form).getByText(GONE)).toBeInTheDocument();
    // Another user (the photos put aside): not said.
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
    expect(within(form).queryByText(GONE)).not.toBeInTheDocument();

    // Back with Alice, it is said again: still true (the photo came back with her, and is
    // still not stored), and the admin who left comes back to why that Generate did nothing.
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "3");
    expect(await within(form).findByText(GONE)).toBeInTheDocument();
  }, 15_000);
});

describe("a cancel from the history", () => {
  it("shows the job canceled on its row as soon as it is answered, without a Cancel back", async () => {
    const newer = succeeded(job({ prompt: "the pane's" }));
    const older = job({ prompt: "waits in the queue" });
    const jobs = new Map<string, Job>([newer, older].map((each) => [each.id, each]));
    let holdHistory: Promise<void> | null = null;
    given(
      http.get("/v1/generations", async ({ response }) => {
        if (holdHistory) await holdHistory;
        return response(200).json({ items: [newer, older].map((each) => jobs.get(each.id)!), next_cursor: null });
      }),
      http.get("/v1/generations/{generation_id}", ({ params, response }) => response(200).json(jobs.get(params.generation_id)!)),
      http.post("/v1/generations/{generation_id}/cancel", ({ params, response }) => {
        const canceled: Job = { ...jobs.get(params.generation_id)!, status: "canceled", canceled_at: new Date().toISOString() };
        jobs.set(canceled.id, canceled);
        return response(200).json(canceled);
      }),
    );
    const user = await openAsAlice();
    const history = screen.getByRole("region", { name: "History" });
    const row = (await within(history).findAllByRole("listitem"))[1]!;
    // The history's next read is slow to come.
    holdHistory = new Promise(() => {});
    await user.click(within(row).getByRole("button", { name: /^Cancel\b/ }));
    await waitFor(() => expect(within(row).getByText("Canceled")).toBeInTheDocument());
    expect(within(row).queryByRole("button", { name: /^Cancel/ })).not.toBeInTheDocument();
  });
});

describe("a cancel answered while a read of its job is on its way", () => {
  it("stays canceled when that read, sent before it, answers after it", async () => {
    const service = jobService();
    const held: (() => void)[] = [];
    let holdReads = false;
    given(
      // The job stays queued as it is read; a read held answers what it read when it came.
      http.get("/v1/generations/{generation_id}", async ({ params, response }) => {
        const asRead = service.jobs.get(params.generation_id)!;
        if (holdReads) await new Promise<void>((resolve) => held.push(resolve));
        return response(200).json(asRead);
      }),
      ...service.handlers,
    );
    const user = await openAsAlice();
    await addPhoto(user);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const card = await screen.findByRole("article", { name: "New image" });
    // The next poll reads the job queued, and its answer is slow.
    holdReads = true;
    await waitFor(() => expect(held.length).toBeGreaterThan(0), { timeout: 5_000 });
    await user.click(within(card).getByRole("button", { name: /^Cancel\b/ }));
    expect(await within(card).findByText("Canceled")).toBeInTheDocument();
    holdReads = false;
    for (const answer of held.splice(0)) answer();
    await timePasses(100);
    expect(within(card).getByText("Canceled")).toBeInTheDocument();
    expect(within(card).queryByRole("button", { name: /^Cancel/ })).not.toBeInTheDocument();
  }, 15_000);
});
