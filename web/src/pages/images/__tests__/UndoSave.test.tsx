/**
 * Undo after Save to identity: the newest save from this tab, over an image that was an earlier
 * generation's, offers Undo where Save was pressed (its card, its history row, or its picture
 * in Compare, and once Compare closed, the card or row the admin comes back to), which saves
 * that generation again; none over no image, or one the page knows no generation of. It goes
 * once another save, a Generate or another identity comes, and once it landed; a failed one is
 * said where it was, in an Undo's words.
 */
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { API, apiError, http, identities, job, server, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { addPhoto, generateVariants, given, openAsAlice } from "../../../test/render";
import { createdPhrase } from "../job/time";

/**
 * Alice's chef, three results in her history (`first` the oldest), over a `jobService` whose
 * saves land at once; the identity's image is `imageOf` the three (a job's output, another
 * image, or none). The history and the identities read what the service did since.
 */
function threeResults(
  imageOf: (jobs: { first: Job; second: Job; third: Job }) => string | null,
  times: readonly [string, string, string] = ["09:10:00", "09:20:00", "09:30:00"],
) {
  const service = jobService({ saves: "at-once" });
  const at = (time: string) => `2026-03-14T${time}Z`;
  const first = succeeded(job({ prompt: "first", batch_id: "b-1", created_at: at(times[0]) }));
  const second = succeeded(job({ prompt: "second", batch_id: "b-2", created_at: at(times[1]) }));
  const third = succeeded(job({ prompt: "third", batch_id: "b-3", created_at: at(times[2]) }));
  const image = imageOf({ first, second, third });
  if (image) service.imagePaths.set("id-chef", image);
  // The one whose image the identity shows was saved, a while ago.
  for (const each of [first, second, third]) service.jobs.set(each.id, each.output?.key === image ? savedAt(each, "2026-03-14T09:40:00Z") : each);
  given(
    http.get("/v1/generations", ({ request, response }) => {
      const identity = new URL(request.url).searchParams.get("identity_id");
      const items = [...service.jobs.values()]
        .filter((each) => each.identity_id === identity)
        .sort((a, b) => b.created_at.localeCompare(a.created_at));
      return response(200).json({ items, next_cursor: null });
    }),
    http.get("/v1/users/{user_id}/identities", ({ params, response }) =>
      response(200).json({
        identities:
          params.user_id === "1"
            ? []
            : identities.map((identity) => {
                const path = service.imagePaths.get(identity.id) ?? null;
                return { ...identity, image_path: path, image_url: path && `http://s3.test/${path}` };
              }),
      }),
    ),
    ...service.handlers,
  );
  return { service, first, second, third };
}

function savedAt(target: Job, at: string): Job {
  return { ...target, apply: { status: "applied", attempt: 1, error: null, applied_at: at, requested_at: at } };
}

const history = () => screen.getByRole("region", { name: "History" });
const rowOf = (target: Job) => history().querySelector<HTMLElement>(`li[data-job-id="${target.id}"]`)!;
const saveOf = (place: HTMLElement) => within(place).getByRole("button", { name: /^Save to identity\b/ });
const undoIn = (place: HTMLElement) => within(place).queryByRole("button", { name: /^Undo/ });

/** Saves `target` from its history row, and waits for its row to say it is the identity's image. */
async function saveFromRow(user: Awaited<ReturnType<typeof openAsAlice>>, target: Job) {
  await user.click(saveOf(rowOf(target)));
  await within(rowOf(target)).findByText("Saved to identity", {}, { timeout: 8000 });
}

describe("Undo after Save to identity, from a history row", () => {
  it("saves the generation the identity showed before again, says the undone one was replaced, and gives the focus to its Save", async () => {
    const { service, first, second } = threeResults(({ first }) => first.output!.key);
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    expect(within(rowOf(first)).getByText("Saved to identity")).toBeInTheDocument();

    await saveFromRow(user, second);
    const undo = await within(rowOf(second)).findByRole("button", { name: /^Undo saving the generation of .+9:20/ });
    expect(undo).toHaveTextContent(/^Undo$/);
    // Only where Save was pressed: the result pane's card of it offers none.
    expect(undoIn(screen.getByRole("region", { name: "Result" }))).not.toBeInTheDocument();

    await user.click(undo);
    await waitFor(() => expect(service.applied).toEqual([second.id, first.id]));
    await within(rowOf(first)).findByText("Saved to identity", {}, { timeout: 8000 });
    await waitFor(() => expect(within(rowOf(second)).getByText(/^Saved .+, then replaced$/)).toBeInTheDocument());
    expect(undoIn(rowOf(second))).not.toBeInTheDocument();
    expect(undoIn(rowOf(first))).not.toBeInTheDocument();
    // Not lost to the page: on the undone one's Save, there again.
    await waitFor(() => expect(saveOf(rowOf(second))).toHaveFocus());
    expect(service.imagePaths.get("id-chef")).toBe(first.output!.key);
  });

  it("offers none over no image; the next save, over the one saved then, offers it", async () => {
    const { first, second } = threeResults(() => null);
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await saveFromRow(user, first);
    expect(undoIn(rowOf(first))).not.toBeInTheDocument();

    await saveFromRow(user, second);
    expect(await within(rowOf(second)).findByRole("button", { name: /^Undo saving/ })).toHaveAttribute(
      "title",
      expect.stringMatching(/^Puts back the result of .+9:10/),
    );
  });

  it("names what it puts back by its time as its row says it: to the second when another click shares its minute", async () => {
    const { first, second } = threeResults(({ first }) => first.output!.key, ["09:10:05", "09:10:40", "09:30:00"]);
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await saveFromRow(user, second);
    const undo = await within(rowOf(second)).findByRole("button", { name: /^Undo saving/ });
    expect(undo).toHaveAttribute("title", `Puts back the result of ${createdPhrase(first, { seconds: true })}`);
  });

  it("is offered over an image saved long ago, whose generation is older than the history's pages read, and puts it back", async () => {
    const { service, first, second } = threeResults(({ first }) => first.output!.key);
    // Its generation is read by itself: the history's pages hold only the two newer ones.
    server.use(
      http.get("/v1/generations", ({ response }) =>
        response(200).json({ items: [...service.jobs.values()].filter((each) => each.id !== first.id).reverse(), next_cursor: null }),
      ),
    );
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    expect(rowOf(first)).toBeNull();

    await saveFromRow(user, second);
    const undo = await within(rowOf(second)).findByRole("button", { name: /^Undo saving/ });
    expect(undo).toHaveAttribute("title", expect.stringMatching(/^Puts back the result of .+9:10/));
    await user.click(undo);
    await waitFor(() => expect(service.applied).toEqual([second.id, first.id]));
    await waitFor(() => expect(service.imagePaths.get("id-chef")).toBe(first.output!.key));
    await waitFor(() => expect(within(rowOf(second)).getByText(/^Saved .+, then replaced$/)).toBeInTheDocument());
  });

  it("offers none over an image set in the host app; the next save, over a generation, offers it", async () => {
    const { second, third } = threeResults(() => "identities/alice-chef-portrait.png");
    const jobsAskedFor: string[] = [];
    server.events.on("request:start", ({ request }) => {
      const id = /\/v1\/generations\/([^/]+)$/.exec(new URL(request.url).pathname)?.[1];
      if (id) jobsAskedFor.push(id);
    });
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await saveFromRow(user, second);
    expect(undoIn(rowOf(second))).not.toBeInTheDocument();
    // Its name is no generation's: the page does not ask the API for one (a 404 each visit).
    expect(jobsAskedFor).not.toContain("alice-chef-portrait");

    await saveFromRow(user, third);
    expect(await within(rowOf(third)).findByRole("button", { name: /^Undo saving/ })).toBeInTheDocument();
  });

  it("is offered on the result's tile when saved from Results only, and gives the focus to the tile's Save once undone", async () => {
    const { service, first, second } = threeResults(({ first }) => first.output!.key);
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await user.click(within(history()).getByRole("button", { name: "Results only" }));
    await saveFromRow(user, second);
    await user.click(await within(rowOf(second)).findByRole("button", { name: /^Undo saving the result of .+9:20/ }));
    await within(rowOf(first)).findByText("Saved to identity", {}, { timeout: 8000 });
    await waitFor(() => expect(saveOf(rowOf(second))).toHaveFocus());
    expect(service.applied).toEqual([second.id, first.id]);
  });

  it("is the newest save's alone: another save takes it, and its Undo puts back the one saved before it", async () => {
    const { service, second, third } = threeResults(({ first }) => first.output!.key);
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await saveFromRow(user, second);
    expect(await within(rowOf(second)).findByRole("button", { name: /^Undo saving/ })).toBeInTheDocument();

    await saveFromRow(user, third);
    const undo = await within(rowOf(third)).findByRole("button", { name: /^Undo saving/ });
    expect(undoIn(rowOf(second))).not.toBeInTheDocument();
    await user.click(undo);
    await within(rowOf(second)).findByText("Saved to identity", {}, { timeout: 8000 });
    expect(service.applied).toEqual([second.id, third.id, second.id]);
    expect(undoIn(history())).not.toBeInTheDocument();
  });

  it("goes on a Generate", async () => {
    const { second } = threeResults(({ first }) => first.output!.key);
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await addPhoto(user);
    await saveFromRow(user, second);
    expect(await within(rowOf(second)).findByRole("button", { name: /^Undo saving/ })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Generate" }));
    await screen.findByRole("article", { name: "New image" });
    expect(within(rowOf(second)).getByText("Saved to identity")).toBeInTheDocument();
    expect(undoIn(rowOf(second))).not.toBeInTheDocument();
  });

  it("goes on another identity, and is not offered again on coming back", async () => {
    const { second } = threeResults(({ first }) => first.output!.key);
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await saveFromRow(user, second);
    expect(await within(rowOf(second)).findByRole("button", { name: /^Undo saving/ })).toBeInTheDocument();

    const identity = screen.getByRole("combobox", { name: "Identity" });
    await user.selectOptions(identity, "id-pilot");
    await waitFor(() => expect(history().querySelector(`li[data-job-id="${second.id}"]`)).toBeNull());
    await user.selectOptions(identity, "id-chef");
    await within(history()).findAllByRole("listitem");
    expect(within(rowOf(second)).getByText("Saved to identity")).toBeInTheDocument();
    expect(undoIn(rowOf(second))).not.toBeInTheDocument();
  });

  it("says Undoing… while on its way; one that did not go through is said on its row, in an Undo's words, and can be pressed again", async () => {
    const { service, first, second } = threeResults(({ first }) => first.output!.key);
    let answer = () => {};
    const held = new Promise<void>((resolve) => (answer = resolve));
    let down = true;
    server.use(
      http.untyped.post(`${API}/v1/generations/:id/apply`, async ({ params }) => {
        if (params.id !== first.id || !down) return undefined; // on to the service's own answer
        await held;
        return apiError(503, "host_unavailable", "The host app did not answer.");
      }),
    );
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await saveFromRow(user, second);
    await user.click(await within(rowOf(second)).findByRole("button", { name: /^Undo saving/ }));
    const undoing = await within(rowOf(second)).findByRole("button", { name: /^Undoing the save of the generation of / });
    expect(undoing).toHaveTextContent(/^Undoing…$/);
    expect(undoing).toHaveAttribute("aria-disabled", "true");
    answer();

    expect(await within(rowOf(second)).findByRole("alert")).toHaveTextContent(
      "Not undone: the host app did not answer. Undo it again in a few minutes.",
    );
    expect(within(rowOf(second)).getByText("Saved to identity")).toBeInTheDocument();
    expect(within(rowOf(first)).queryByRole("alert")).not.toBeInTheDocument();
    const again = within(rowOf(second)).getByRole("button", { name: /^Undo saving/ });
    expect(again).toHaveAttribute("aria-disabled", "false");

    down = false;
    await user.click(again);
    await within(rowOf(first)).findByText("Saved to identity", {}, { timeout: 8000 });
    expect(within(rowOf(second)).queryByRole("alert")).not.toBeInTheDocument();
    expect(service.applied).toEqual([second.id, first.id]);
  });
});

describe("Undo after Save to identity, from a result card", () => {
  it("offers none over no image; over an earlier variant, puts it back and gives the focus to the undone card's Save", async () => {
    const { service, user } = await generateVariants(2);
    const first = await screen.findByRole("article", { name: "Variant 1 of 2" });
    const second = screen.getByRole("article", { name: "Variant 2 of 2" });
    await within(first).findByRole("img", {}, { timeout: 10_000 });
    await within(second).findByRole("img", {}, { timeout: 10_000 });

    await user.click(saveOf(first));
    expect(await within(first).findByText("Saved to identity", {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(undoIn(first)).not.toBeInTheDocument();

    await user.click(saveOf(second));
    const undo = await within(second).findByRole("button", { name: "Undo saving variant 2 of 2" }, { timeout: 10_000 });
    expect(undoIn(first)).not.toBeInTheDocument();
    await user.click(undo);
    expect(await within(first).findByText("Saved to identity", {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(within(second).getByText("Saved, then replaced")).toBeInTheDocument();
    expect(undoIn(second)).not.toBeInTheDocument();
    await waitFor(() => expect(saveOf(second)).toHaveFocus());
    const [v1, v2] = [...service.jobs.keys()];
    expect(service.applied).toEqual([v1, v2, v1]);
  });
});

describe("Undo after Save to identity, from the Compare dialog", () => {
  /** A click's two variants in, the first saved from its card (over no image: no Undo), then
   * Compare opened from that card. */
  async function comparingTwo() {
    const { service, user } = await generateVariants(2);
    const card = (name: string) => screen.getByRole("article", { name });
    for (const name of ["Variant 1 of 2", "Variant 2 of 2"]) {
      await within(await screen.findByRole("article", { name })).findByRole("img", {}, { timeout: 10_000 });
    }
    await user.click(saveOf(card("Variant 1 of 2")));
    await within(card("Variant 1 of 2")).findByText("Saved to identity", {}, { timeout: 10_000 });
    await user.click(within(card("Variant 1 of 2")).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare the variants" });
    const [v1, v2] = [...service.jobs.keys()];
    return { service, user, card, dialog, v1: v1!, v2: v2! };
  }
  const figureIn = (dialog: HTMLElement, name: string) => within(dialog).getByRole("figure", { name });

  it("offers it under the saved one's picture; undone, the earlier one is saved again and the focus is on the undone one's Save", async () => {
    const { service, user, card, dialog, v1, v2 } = await comparingTwo();
    await user.click(within(dialog).getByRole("button", { name: "Save variant 2 of 2 to identity" }));
    const undo = await within(figureIn(dialog, "Variant 2 of 2")).findByRole(
      "button",
      { name: "Undo saving variant 2 of 2" },
      { timeout: 10_000 },
    );
    expect(undo).toHaveAttribute("title", expect.stringMatching(/^Puts back the result of /));
    // Only where Save was pressed: the card behind offers none while the dialog is open.
    expect(undoIn(card("Variant 2 of 2"))).not.toBeInTheDocument();

    await user.click(undo);
    expect(await within(figureIn(dialog, "Variant 1 of 2")).findByText("Saved to identity", {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(undoIn(dialog)).not.toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Save variant 2 of 2 to identity" })).toHaveFocus());
    expect(service.applied).toEqual([v1, v2, v1]);
  }, 30_000);

  it("says an Undo that did not go through under the saved one's picture, in an Undo's words", async () => {
    const { user, dialog, v1 } = await comparingTwo();
    await user.click(within(dialog).getByRole("button", { name: "Save variant 2 of 2 to identity" }));
    const undo = await within(figureIn(dialog, "Variant 2 of 2")).findByRole("button", { name: /^Undo saving/ }, { timeout: 10_000 });
    given(
      http.untyped.post(`${API}/v1/generations/:id/apply`, ({ params }) =>
        params.id === v1 ? apiError(503, "host_unavailable", "The host app did not answer.") : undefined,
      ),
    );
    await user.click(undo);
    expect(await within(figureIn(dialog, "Variant 2 of 2")).findByRole("alert")).toHaveTextContent(
      "Not undone: the host app did not answer. Undo it again in a few minutes.",
    );
    expect(within(figureIn(dialog, "Variant 2 of 2")).getByRole("button", { name: /^Undo saving/ })).toHaveAttribute("aria-disabled", "false");
  }, 30_000);

  it("closed after the save, offers it on the saved one's card, where the admin comes back to", async () => {
    const { service, user, card, dialog, v1, v2 } = await comparingTwo();
    await user.click(within(dialog).getByRole("button", { name: "Save variant 2 of 2 to identity" }));
    await within(figureIn(dialog, "Variant 2 of 2")).findByRole("button", { name: /^Undo saving/ }, { timeout: 10_000 });
    await user.click(within(dialog).getByRole("button", { name: "Close Compare" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();

    await user.click(within(card("Variant 2 of 2")).getByRole("button", { name: "Undo saving variant 2 of 2" }));
    expect(await within(card("Variant 1 of 2")).findByText("Saved to identity", {}, { timeout: 10_000 })).toBeInTheDocument();
    await waitFor(() => expect(saveOf(card("Variant 2 of 2"))).toHaveFocus());
    expect(service.applied).toEqual([v1, v2, v1]);
  }, 30_000);

  it("a lone result saved beside the current image closes the dialog as it lands: its Undo is on the history row Compare was opened from, which has the focus", async () => {
    const { service, first, second } = threeResults(({ first }) => first.output!.key);
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await user.click(within(rowOf(second)).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
    await user.click(within(dialog).getByRole("button", { name: "Save this result to identity" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument(), { timeout: 8000 });

    const undo = within(rowOf(second)).getByRole("button", { name: /^Undo saving the generation of .+9:20/ });
    expect(rowOf(second)).toHaveFocus();
    await user.click(undo);
    await within(rowOf(first)).findByText("Saved to identity", {}, { timeout: 8000 });
    await waitFor(() => expect(saveOf(rowOf(second))).toHaveFocus());
    expect(service.applied).toEqual([second.id, first.id]);
  });

  it("closed after saving what a card's re-run came from, which the pane has no card of, offers it on that one's history row", async () => {
    const { service, first, second } = threeResults(({ first }) => first.output!.key);
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await user.click(within(rowOf(second)).getByRole("button", { name: /^Re-run\b/ }));
    const pane = screen.getByRole("region", { name: "Result" });
    const rerun = await within(pane).findByRole("article", {}, { timeout: 10_000 });
    await within(rerun).findByRole("img", {}, { timeout: 10_000 });
    expect(pane.querySelector(`[data-job-id="${second.id}"]`)).toBeNull();
    await user.click(within(rerun).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare with the earlier run" });
    await user.click(within(dialog).getByRole("button", { name: "Save the earlier image to identity" }));
    await within(within(dialog).getByRole("figure", { name: "Before" })).findByRole("button", { name: "Undo saving the earlier image" }, { timeout: 8000 });
    await user.click(within(dialog).getByRole("button", { name: "Close Compare" }));

    expect(undoIn(pane)).not.toBeInTheDocument();
    await user.click(within(rowOf(second)).getByRole("button", { name: /^Undo saving the generation of .+9:20/ }));
    await within(rowOf(first)).findByText("Saved to identity", {}, { timeout: 8000 });
    expect(service.applied).toEqual([second.id, first.id]);
  });
});
