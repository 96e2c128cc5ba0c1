/**
 * The result pane's reads: each of its jobs is read on its own, but what the history already
 * read shows at once, a card names its job whatever the pane read of its siblings, and a job
 * that is gone is not read again.
 */
import { screen, waitFor, within } from "@testing-library/react";
import { delay } from "msw";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { apiError, historyOf, http, identities, job, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { addPhoto, given, openAsAlice, timePasses } from "../../../test/render";

describe("the result pane", () => {
  it("titles a variant by its own place when the pane has not read its siblings", async () => {
    // The history's first page ends inside a click: it holds the click's second variant only.
    const second = succeeded(job({ batch_id: "b", batch_index: 1, batch_size: 2 }));
    given(...historyOf([second]));
    await openAsAlice();
    expect(await screen.findByRole("article", { name: "Variant 2 of 2" })).toBeInTheDocument();
    expect(screen.queryByRole("article", { name: "New image" })).toBeNull();
  });

  it("says it is reading the identity's generations while they are read, not that it has none", async () => {
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    given(
      http.get("/v1/generations", async ({ response }) => {
        await answered;
        return response(200).json({ items: [], next_cursor: null });
      }),
    );
    await openAsAlice();
    const pane = await screen.findByRole("region", { name: "Result" });
    expect(await within(pane).findByText("Reading Alice the chef's latest generations…")).toBeInTheDocument();
    expect(within(pane).queryByText(/will appear here/)).toBeNull();
    expect(pane).toHaveAttribute("aria-busy", "true");

    answer();
    expect(await within(pane).findByText("Your generated images will appear here.")).toBeInTheDocument();
    expect(pane).toHaveAttribute("aria-busy", "false");
  });

  it("does not invite as if the identity had no generations while its history cannot be read", async () => {
    let failing = true;
    given(
      http.get("/v1/generations", ({ response }) =>
        failing
          ? response(500).json({ error: { code: "internal_error", message: "Something went wrong on our side.", details: {} } })
          : response(200).json({ items: [], next_cursor: null }),
      ),
    );
    await openAsAlice();
    const pane = await screen.findByRole("region", { name: "Result" });
    expect(
      await within(pane).findByText("Alice the chef's latest generations could not be read yet. The page keeps trying.", {}, { timeout: 4000 }),
    ).toBeInTheDocument();
    // Through the tries that follow (each a first load again), never the first-run invitation.
    for (let tick = 0; tick < 16; tick += 1) {
      await timePasses(250);
      expect(within(pane).queryByText(/will appear here/)).toBeNull();
      expect(pane).toHaveAttribute("aria-busy", "true");
    }

    // Read at last, and none: now the pane may say so.
    failing = false;
    expect(await within(pane).findByText("Your generated images will appear here.", {}, { timeout: 5000 })).toBeInTheDocument();
    expect(within(pane).queryByText(/could not be read/)).toBeNull();
  }, 15_000);

  it("says the prompt its click was made with, beside its title", async () => {
    const refused = job({
      prompt: "At a grand piano, warm stage light",
      status: "failed",
      error: { code: "prompt_blocked", message: "Gemini refused the prompt.", details: {} },
    });
    given(...historyOf([refused]));
    await openAsAlice();
    const pane = await screen.findByRole("region", { name: "Result" });
    await within(pane).findByRole("article", { name: "New image" });
    const said = within(pane).getByText(/At a grand piano/);
    expect(said).toHaveTextContent("Prompt: “At a grand piano, warm stage light”");
    expect(said).toHaveAttribute("title", "At a grand piano, warm stage light");
  });

  it("says no prompt for a click made without one", async () => {
    given(...historyOf([succeeded(job({ prompt: "" }))]));
    await openAsAlice();
    const pane = await screen.findByRole("region", { name: "Result" });
    await within(pane).findByRole("article", { name: "New image" });
    expect(within(pane).queryByText(/^Prompt: /)).toBeNull();
  });

  it("shows the latest result as soon as the history has it, before its own read", async () => {
    const done = succeeded(job({ prompt: "read by the history" }));
    given(
      http.get("/v1/generations/{generation_id}", async ({ response }) => {
        await delay("infinite");
        return response(200).json(done);
      }),
      ...historyOf([done]),
    );
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(within(card).getByRole("button", { name: /^Save to identity\b/ })).toBeInTheDocument();
    expect(screen.queryByText(/will appear here/)).toBeNull();
  });

  it("stops reading a job the API says is gone", async () => {
    const service = jobService();
    given(...service.handlers);
    const user = await openAsAlice();
    await addPhoto(user);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await screen.findByRole("article", { name: "New image" });
    let reads = 0;
    given(
      http.get("/v1/generations/{generation_id}", () => {
        reads += 1;
        return apiError(404, "generation_not_found", "No such generation.");
      }),
      ...service.handlers,
    );
    // The first 404 (and TanStack's no retry of a refusal) ends it: no read after it, and no
    // "the page keeps trying" (it does not: the job is gone, not out of reach).
    await waitFor(() => expect(reads).toBeGreaterThanOrEqual(1), { timeout: 8000 });
    const seen = reads;
    await timePasses(4500);
    expect(reads).toBe(seen);
    expect(screen.queryByText(/The page keeps trying/)).not.toBeInTheDocument();
  }, 15_000);
});

describe("a job only the history watches", () => {
  it("reads the identity again when it ends with a save, whatever else ended in the same read", async () => {
    // Two jobs end between two reads of the history: the newer without a save asked (the
    // pane's), the older a folder's regeneration that saved its image.
    const plain = job({ status: "running", batch_id: "b-plain" });
    const regenerated = job({
      status: "running",
      batch_id: "b-folder",
      apply: { status: "pending", attempt: 1, error: null, applied_at: null, requested_at: new Date().toISOString() },
    });
    let ended = false;
    let identityReads = 0;
    const landed = (each: Job): Job => ({
      ...succeeded(each),
      apply:
        each.apply.status === "pending"
          ? { ...each.apply, status: "applied", applied_at: new Date().toISOString() }
          : each.apply,
    });
    given(
      http.get("/v1/generations", ({ response }) =>
        response(200).json({ items: [plain, regenerated].map((each) => (ended ? landed(each) : each)), next_cursor: null }),
      ),
      // The pane reads its own job; the folder's is the history's alone.
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        params.generation_id === plain.id
          ? response(200).json(ended ? landed(plain) : plain)
          : apiError(404, "generation_not_found", "Not read here."),
      ),
      http.get("/v1/users/{user_id}/identities", ({ params, response }) => {
        if (params.user_id === "3") identityReads += 1;
        return response(200).json({ identities: params.user_id === "3" ? identities : [] });
      }),
    );
    await openAsAlice();
    await screen.findByRole("article", { name: "New image" });
    const before = identityReads;
    ended = true;
    await waitFor(() => expect(identityReads).toBeGreaterThan(before), { timeout: 6000 });
  }, 15_000);
});
