/** Re-run: a finished job started again, its new card brought into view with the focus, and a re-run that could not start. */
import { act, screen, waitFor, within } from "@testing-library/react";
import { HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { createdPhrase } from "../job/time";
import { API, apiError, http, historyOf, job, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { given, openAsAlice, timePasses } from "../../../test/render";

describe("Re-run", () => {
  it("re-runs a finished generation", async () => {
    const service = jobService();
    const done = succeeded(job({ prompt: "again", image_size: "2K", aspect_ratio: "1:1" }));
    given(...service.handlers,
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [done], next_cursor: null })),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Re-run\b/ }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({ parent: done.id, count: 1 });
    // The page shows the new card beside the one the pane showed, the result it re-runs: the
    // focus goes with it, not left on the history's button.
    await waitFor(() => expect(screen.getByRole("article", { name: "Re-run of the new image" })).toHaveFocus());
    const card = screen.getByRole("article", { name: "Re-run of the new image" });
    expect(within(card).getByRole("status")).toHaveTextContent(/Waiting in the queue|Generating/);
    // Of which result its title says, beside it: not again under it (its history row says it).
    expect(within(card).queryByText(`Re-run of the result of ${createdPhrase(done)}`)).toBeNull();
  });

  it("offers the way back to the history row it was asked from, pages down, once the pane took the admin up to its card", async () => {
    const service = jobService();
    const older = succeeded(job({ prompt: "an older one", batch_id: "b-older", created_at: "2026-03-14T09:20:00Z" }));
    const newer = succeeded(job({ prompt: "the newest", batch_id: "b-newer", created_at: "2026-03-14T09:30:00Z" }));
    given(...service.handlers, ...historyOf([newer, older]));
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const pane = screen.getByRole("region", { name: "Result" });
    const wayBack = () => within(pane).queryByRole("button", { name: "Back to where you were in the history" });
    // A Re-run from the pane's own card is asked where the admin is: no way back offered.
    await user.click(within(await within(pane).findByRole("article", { name: "New image" })).getByRole("button", { name: /^Re-run\b/ }));
    await waitFor(() => expect(screen.getByRole("article", { name: "Re-run of the new image" })).toHaveFocus());
    expect(wayBack()).toBeNull();
    // From a row down the history, the pane takes the admin up to the new card: the way back.
    const rowOf = (target: Job) => history.querySelector<HTMLElement>(`li[data-job-id="${target.id}"]`);
    await waitFor(() => expect(rowOf(older)).not.toBeNull());
    await user.click(within(rowOf(older)!).getByRole("button", { name: /^Re-run\b/ }));
    await waitFor(() => expect(wayBack()).not.toBeNull());
    await user.click(wayBack()!);
    expect(rowOf(older)).toHaveFocus();
    expect(wayBack()).toBeNull();
  });

  it("re-runs once for two clicks in one instant, before the page shows the first", async () => {
    const service = jobService();
    const done = succeeded(job({ prompt: "again" }));
    given(...service.handlers, ...historyOf([done]));
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const rerun = await within(history).findByRole("button", { name: /^Re-run\b/ });
    // Both in one task, as a browser delivers them: the page renders after both.
    act(() => {
      rerun.click();
      rerun.click();
    });
    await screen.findByRole("article", { name: "New image" });
    await timePasses(100);
    expect(service.created).toHaveLength(1);
  });

  it.each([
    ["smoothly", false, "smooth"],
    ["at once when the admin asked for less motion", true, "auto"],
  ])("brings the new card into view %s, once it is in the pane", async (_, lessMotion, behavior) => {
    const service = jobService();
    const done = succeeded(job({ prompt: "again" }));
    given(...service.handlers, ...historyOf([done]));
    // What the pane held at each scroll: measured on the old cards, a scroll lands wrong.
    const scrolls: { behavior: string | undefined; paneHeldTheNewCard: boolean }[] = [];
    // The pane, or the new card in it (which joins the result it re-runs, there already).
    Element.prototype.scrollIntoView = function (this: Element, options?: boolean | ScrollIntoViewOptions) {
      const pane = screen.queryByRole("region", { name: "Result" });
      if (!pane?.contains(this) || (this !== pane && this.tagName !== "ARTICLE")) return;
      const held = within(pane).queryByRole("article", { name: "Re-run of the new image" }) !== null;
      scrolls.push({ behavior: typeof options === "object" ? options.behavior : undefined, paneHeldTheNewCard: held });
    };
    vi.stubGlobal("matchMedia", (query: string) => ({ matches: lessMotion && query.includes("reduced-motion") }));
    try {
      const user = await openAsAlice();
      const history = await screen.findByRole("region", { name: "History" });
      await user.click(await within(history).findByRole("button", { name: /^Re-run\b/ }));
      await waitFor(() => expect(screen.getByRole("article", { name: "Re-run of the new image" })).toHaveFocus());
      expect(scrolls).toEqual([{ behavior, paneHeldTheNewCard: true }]);
    } finally {
      // @ts-expect-error: jsdom has none; the page calls it only where it exists.
      delete Element.prototype.scrollIntoView;
      vi.unstubAllGlobals();
    }
  });

  it("does not take the focus for a re-run answered while the admin was on another identity", async () => {
    const done = succeeded(job({ prompt: "again" }));
    let answer: () => void = () => {};
    const again = job({ kind: "rerun", parent_generation_id: done.id, batch_id: "rerun-1" });
    given(
      ...historyOf([done]),
      http.untyped.post(`${API}/v1/generations/:id/rerun`, () =>
        new Promise<Response>((resolve) => (answer = () => resolve(HttpResponse.json({ batch_id: "rerun-1", items: [again] }, { status: 202 })))),
      ),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Re-run\b/ }));
    const identity = screen.getByRole("combobox", { name: "Identity" });
    await user.selectOptions(identity, "id-pilot");
    answer();
    await timePasses(100);
    await user.selectOptions(identity, "id-chef");
    await timePasses(200);
    expect(identity).toHaveFocus();
  });

  it("says a re-run from the history that could not start on its row, for its identity only", async () => {
    const done = succeeded(job({ prompt: "again" }));
    given(
      ...historyOf([done]),
      http.untyped.post(`${API}/v1/generations/:id/rerun`, () =>
        apiError(503, "queue_unavailable", "The job queue did not answer; try again."),
      ),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Re-run\b/ }));
    // Where the admin asked it: not at the result pane's top, nor under the form.
    const row = within(history).getByRole("listitem");
    expect(await within(row).findByRole("alert")).toHaveTextContent("The job queue did not answer; try again.");
    expect(within(screen.getByRole("region", { name: "Result" })).queryByRole("alert")).not.toBeInTheDocument();
    expect(within(screen.getByRole("region", { name: "New generation" })).queryByRole("alert")).not.toBeInTheDocument();

    // It is about the chef's job: not said in another identity's history, said again back.
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    await waitFor(() => expect(within(history).queryByRole("alert")).not.toBeInTheDocument());
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-chef");
    expect(await within(history).findByRole("alert")).toHaveTextContent("The job queue did not answer; try again.");
  });
});
