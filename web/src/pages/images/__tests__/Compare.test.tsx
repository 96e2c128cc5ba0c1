/** Compare: a result beside the identity's image, a click's variants side by side, a refinement beside what it refined, and saving from there. */
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { API, apiError, chefWithAnImage, http, historyOf, identities, job, succeeded } from "../../../test/api";
import { SAVED_NOW } from "../job/saved";
import { createdLabel } from "../job/time";
import { jobService } from "../../../test/jobService";
import { generateVariants, given, openAsAlice } from "../../../test/render";

describe("Compare", () => {
  it("compares a click's variants side by side from a card, and saves the one chosen there", async () => {
    const { service, user } = await generateVariants(3);
    const first = await screen.findByRole("article", { name: "Variant 1 of 3" });
    // Nothing to compare while one result (and no current image) is in.
    expect(within(first).queryByRole("button", { name: /^Compare\b/ })).not.toBeInTheDocument();
    for (const name of ["Variant 1 of 3", "Variant 2 of 3", "Variant 3 of 3"]) {
      await within(screen.getByRole("article", { name })).findByRole("img", {}, { timeout: 10_000 });
    }
    await user.click(within(first).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare the variants" });
    expect(within(dialog).getAllByRole("img").map((img) => img.getAttribute("alt"))).toEqual([
      "Variant 1 of 3",
      "Variant 2 of 3",
      "Variant 3 of 3",
    ]);
    expect(within(dialog).getByRole("button", { name: "Close Compare" })).toHaveFocus();
    const saveSecond = within(dialog).getByRole("button", { name: "Save variant 2 of 3 to identity" });
    await user.click(saveSecond);
    const second = [...service.jobs.values()].find((item) => item.batch_index === 1)!;
    expect(service.applied).toEqual([second.id]);
    // The dialog stays: the saved one says so there, in its card's words, becomes the current
    // image (no Save of its own), and its figure keeps the focus its Save had.
    const saved = within(dialog).getByRole("figure", { name: "Variant 2 of 3" });
    expect(await within(saved).findByText("Saved to identity", {}, { timeout: 10_000 })).toBeInTheDocument();
    // Said once, by the dialog's region there from its opening; the badge is its figure's words.
    expect(within(dialog).getAllByRole("status").map((region) => region.textContent)).toEqual(["Variant 2 of 3: saved to identity."]);
    expect(within(dialog).queryByRole("button", { name: /Save variant 2 of 3|Saving/ })).not.toBeInTheDocument();
    expect(within(dialog).getByRole("figure", { name: "Variant 2 of 3" })).toHaveFocus();
    expect(within(dialog).getAllByRole("img")).toHaveLength(3);
    expect(within(dialog).getByRole("button", { name: "Save variant 1 of 3 to identity" })).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Close Compare" }));
    expect(within(screen.getByRole("article", { name: "Variant 2 of 3" })).getByText("Saved to identity")).toBeInTheDocument();
    // Opened again, the saved one is read with its figure, not announced.
    await user.click(within(first).getByRole("button", { name: /^Compare\b/ }));
    const again = await screen.findByRole("dialog", { name: "Compare the variants" });
    expect(within(again).getByRole("figure", { name: "Variant 2 of 3" })).toHaveTextContent("Saved to identity");
    expect(within(again).getAllByRole("status").map((region) => region.textContent)).toEqual([""]);
  }, 30_000);

  it("says a save that failed in the comparison on its figure there, keeps the dialog open, and says it on its card once closed", async () => {
    const { user } = await generateVariants(2);
    for (const name of ["Variant 1 of 2", "Variant 2 of 2"]) {
      await within(screen.getByRole("article", { name })).findByRole("img", {}, { timeout: 10_000 });
    }
    given(
      http.untyped.post(`${API}/v1/generations/:id/apply`, () =>
        apiError(503, "host_unavailable", "The host app did not answer."),
      ),
    );
    await user.click(within(screen.getByRole("article", { name: "Variant 1 of 2" })).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare the variants" });
    await user.click(within(dialog).getByRole("button", { name: "Save variant 2 of 2 to identity" }));
    // In the dialog, on the figure it was about: the page behind it is out of reach.
    const figure = within(dialog).getByRole("figure", { name: "Variant 2 of 2" });
    const notSaved = "Not saved: the host app did not answer. Save it again in a few minutes.";
    expect(await within(figure).findByRole("alert")).toHaveTextContent(notSaved);
    expect(within(screen.getByRole("region", { name: "Result" })).queryByRole("alert")).not.toBeInTheDocument();
    // Closed, it is said where its Save to identity is now: not gone with the dialog.
    await user.click(within(dialog).getByRole("button", { name: "Close Compare" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(within(screen.getByRole("article", { name: "Variant 2 of 2" })).getByRole("alert")).toHaveTextContent(notSaved);
  }, 30_000);

  it("compares a refinement with the image it refined, from its card", async () => {
    const before = succeeded(job({ prompt: "first", created_at: "2026-12-04T09:00:00Z" }));
    // Refined from its history row after a later click: the refinement takes the pane alone
    // (a refinement of the newest click would show joined to it, its Compare the click's).
    const later = succeeded(job({ prompt: "later", created_at: "2026-12-04T09:30:00Z" }));
    const refined = succeeded(job({ kind: "refine", parent_generation_id: before.id, instruction: "darker", batch_id: "r" }));
    given(...historyOf([refined, later, before]));
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "Refined image" });
    await user.click(await within(card).findByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Before and after refining" });
    expect(within(dialog).getAllByRole("img").map((img) => img.getAttribute("src"))).toEqual([
      before.output!.preview_url,
      refined.output!.preview_url,
    ]);
    expect(within(dialog).getByRole("button", { name: "Save the earlier image to identity" })).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Save the refined image to identity" })).toBeInTheDocument();
  });

  it("compares a variant from the history with its click's other variants, after a later click took the pane", async () => {
    const click = [0, 1, 2].map((index) =>
      succeeded(job({ prompt: "three", batch_id: "b-three", batch_size: 3, batch_index: index })),
    );
    const later = succeeded(job({ prompt: "later" }));
    given(chefWithAnImage, ...historyOf([later, ...click]));
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const second = (await within(history).findByText("Variant 2 of 3")).closest("li")!;
    await user.click(within(second as HTMLElement).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare the variants" });
    expect(within(dialog).getAllByRole("img").map((img) => img.getAttribute("alt"))).toEqual([
      "Current: Alice the chef",
      "Variant 1 of 3",
      "Variant 2 of 3",
      "Variant 3 of 3",
    ]);
    // Which click, seen under the title and said with it: the pane shows the later one.
    const which = `${createdLabel(click[0]!)} · “three”`;
    expect(within(dialog).getByText(which)).toBeInTheDocument();
    expect(dialog).toHaveAccessibleDescription(which);
  });

  it("compares a click's variants from the history for an identity with no image yet; a lone result has nothing to compare with", async () => {
    const click = [0, 1].map((index) => succeeded(job({ batch_id: "b-two", batch_size: 2, batch_index: index })));
    const alone = succeeded(job({ prompt: "alone" }));
    given(...historyOf([alone, ...click]));
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const lone = (await within(history).findByText("“alone”")).closest("li")!;
    expect(within(lone as HTMLElement).queryByRole("button", { name: /^Compare\b/ })).not.toBeInTheDocument();
    const second = within(history).getByText("Variant 2 of 2").closest("li")!;
    await user.click(within(second as HTMLElement).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare the variants" });
    expect(within(dialog).getAllByRole("img").map((img) => img.getAttribute("alt"))).toEqual(["Variant 1 of 2", "Variant 2 of 2"]);
  });

  /** `done`, saved to its identity. */
  const savedJob = (done: Job): Job => {
    const at = new Date().toISOString();
    return { ...done, apply: { status: "applied", attempt: 1, error: null, applied_at: at, requested_at: at } };
  };

  /** Alice's chef, its image `saved`'s output, its history `jobs`; the history, once read. */
  async function historyShowing(saved: Job, jobs: Job[]) {
    given(
      http.get("/v1/users/{user_id}/identities", ({ response }) =>
        response(200).json({
          identities: [{ ...identities[0]!, image_path: saved.output!.key, image_url: "http://s3.test/current.png" }, identities[1]!],
        }),
      ),
      ...historyOf(jobs),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const rowOf = (job: Job) => history.querySelector<HTMLElement>(`li[data-job-id="${job.id}"]`)!;
    await waitFor(() => expect(within(rowOf(saved)).getByText(SAVED_NOW)).toBeInTheDocument());
    return { user, rowOf };
  }

  it("compares the saved variant from its history row with its click's others, as its card would", async () => {
    const first = savedJob(succeeded(job({ batch_id: "b-two", batch_size: 2, batch_index: 0 })));
    const click = [first, succeeded(job({ batch_id: "b-two", batch_size: 2, batch_index: 1 }))];
    const { user, rowOf } = await historyShowing(first, click);
    await user.click(within(rowOf(first)).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare the variants" });
    expect(within(dialog).getAllByRole("img").map((img) => img.getAttribute("alt"))).toEqual(["Variant 1 of 2", "Variant 2 of 2"]);
  });

  it("offers no Compare on the row of a lone result the identity shows: there is nothing but itself", async () => {
    const alone = savedJob(succeeded(job({ prompt: "alone" })));
    const { rowOf } = await historyShowing(alone, [alone]);
    expect(within(rowOf(alone)).queryByRole("button", { name: /^Compare\b/ })).not.toBeInTheDocument();
  });

  it("compares a saved refinement with what it refined, from its card as from its row", async () => {
    const parent = succeeded(job({ prompt: "first" }));
    // After a later click (the refinement, from the parent's row, took the pane alone).
    const later = succeeded(job({ prompt: "later" }));
    const refined = savedJob(succeeded(job({ kind: "refine", parent_generation_id: parent.id, instruction: "darker" })));
    const { user, rowOf } = await historyShowing(refined, [refined, later, parent]);
    const card = await screen.findByRole("article", { name: "Refined image" });
    await user.click(within(card).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Before and after refining" });
    await user.click(within(dialog).getByRole("button", { name: "Close Compare" }));
    expect(within(rowOf(refined)).getByRole("button", { name: /^Compare\b/ })).toBeInTheDocument();
    // The result it refined, not saved, beside the current image from its row.
    expect(within(rowOf(parent)).getByRole("button", { name: /^Compare\b/ })).toBeInTheDocument();
  });

  it("offers no Compare on the card of a lone result the identity shows", async () => {
    const alone = savedJob(succeeded(job({ prompt: "alone" })));
    await historyShowing(alone, [alone]);
    const card = await screen.findByRole("article", { name: "New image" });
    expect(within(card).queryByRole("button", { name: /^Compare\b/ })).not.toBeInTheDocument();
  });

  it("saves from the comparison, and cancels a queued job from the history", async () => {
    const service = jobService({ saves: "at-once" });
    const done = succeeded(job({ prompt: "compare me" }));
    const waiting = job({ prompt: "still queued" });
    service.jobs.set(done.id, done);
    service.jobs.set(waiting.id, waiting);
    given(
      // The chef shows an image; once the save lands, the host's path names its job.
      http.get("/v1/users/{user_id}/identities", ({ response }) =>
        response(200).json({
          identities: [
            { ...identities[0]!, image_path: service.imagePaths.get("id-chef") ?? "generated/x.png", image_url: "http://s3.test/current.png" },
          ],
        }),
      ),
      http.get("/v1/generations", ({ response }) =>
        response(200).json({ items: [service.jobs.get(waiting.id)!, service.jobs.get(done.id)!], next_cursor: null }),
      ),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json(service.jobs.get(params.generation_id)!),
      ),
      ...service.handlers, // its apply (landing at once) and cancel; the reads above come first
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Compare\b/ }));
    await user.click(await screen.findByRole("button", { name: "Save this result to identity" }));
    await waitFor(() => expect(service.applied).toEqual([done.id]));
    // Saved, it is the current image: nothing is left to choose, and the dialog closes. Its
    // row offers no Compare now, so the focus goes back to the row the Compare was on.
    await waitFor(() => expect(screen.queryByRole("heading", { name: "Compare with the current image" })).not.toBeInTheDocument());
    const row = within(history).getByText("“compare me”").closest("li");
    expect(within(row!).queryByRole("button", { name: /^Compare\b/ })).not.toBeInTheDocument();
    expect(row).toHaveFocus();

    await user.click(within(history).getByRole("button", { name: /^Cancel\b/ }));
    await waitFor(() => expect(service.jobs.get(waiting.id)!.status).toBe("canceled"));
  });
});
