/**
 * A save lands on the identity, wherever it was asked from: the identity's image (beside its
 * select, and as "Current" in Compare) is the saved one as soon as the job says so, and is
 * read again once the save is final, even when the worker lands it before the page reads the
 * job or the history again.
 */
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { http, identities, job, server, succeeded } from "../../../test/api";
import { jobService, type SaveLanding } from "../../../test/jobService";
import { given, openAsAlice } from "../../../test/render";

const outputUrl = (path: string) => `http://s3.test/${path}`;

/**
 * Alice's chef (with the image at `imagePath`, or none) and two results in her history, the
 * newer first, over a `jobService` whose saves land as `saves` says. The identities read
 * what the service's saves did (its image path and URL).
 */
function twoResults(saves: SaveLanding, imagePath: string | null) {
  const service = jobService({ saves });
  const older = succeeded(job({ prompt: "older", batch_id: "b-older", created_at: "2026-03-14T09:20:00Z" }));
  const newer = succeeded(job({ prompt: "newer", batch_id: "b-newer", created_at: "2026-03-14T09:30:00Z" }));
  for (const each of [newer, older]) service.jobs.set(each.id, each);
  if (imagePath) service.imagePaths.set("id-chef", imagePath);
  let identityReads = 0;
  // Of one `given`'s handlers, the first that matches answers.
  given(
    http.get("/v1/generations", ({ response }) =>
      response(200).json({ items: [newer, older].map((each) => service.jobs.get(each.id)!), next_cursor: null }),
    ),
    http.get("/v1/users/{user_id}/identities", ({ params, response }) => {
      identityReads += 1;
      return response(200).json({
        identities:
          params.user_id === "1"
            ? []
            : identities.map((identity) => {
                const path = service.imagePaths.get(identity.id) ?? null;
                return { ...identity, image_path: path, image_url: path && outputUrl(path) };
              }),
      });
    }),
    ...service.handlers,
  );
  return { service, older, newer, identityReads: () => identityReads };
}

/** The identity's image beside its select: the picture's address, and its caption. */
function currentImage() {
  // The select's field, then the row it shares with the image.
  const figure = screen.getByRole("combobox", { name: "Identity" }).parentElement!.parentElement!.querySelector("figure")!;
  return {
    src: within(figure).queryByRole("img", { name: "Alice the chef, as it looks now" })?.getAttribute("src") ?? null,
    caption: figure.querySelector("figcaption")!.textContent,
  };
}

const history = () => screen.getByRole("region", { name: "History" });
const rowOf = (target: Job) => history().querySelector<HTMLElement>(`li[data-job-id="${target.id}"]`)!;

/** The ways to save the older result from the history. */
const saveFrom: Record<string, (user: Awaited<ReturnType<typeof openAsAlice>>, older: Job) => Promise<void>> = {
  "its history row": async (user, older) => {
    await user.click(within(rowOf(older)).getByRole("button", { name: "Save to identity" }));
  },
  "its tile in Results only": async (user, older) => {
    await user.click(within(history()).getByRole("button", { name: "Results only" }));
    await user.click(within(rowOf(older)).getByRole("button", { name: "Save to identity" }));
  },
  "the Compare dialog opened from its row": async (user, older) => {
    await user.click(within(rowOf(older)).getByRole("button", { name: "Compare" }));
    const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
    await user.click(within(dialog).getByRole("button", { name: "Save this result to identity" }));
  },
};

describe("Saving an older result", () => {
  it.each(Object.keys(saveFrom))(
    "from %s shows it as the identity's image once the save lands, though it landed before the next read",
    async (place) => {
      const { service, older } = twoResults("at-once", "generated/identities/id-chef/image-a.png");
      const user = await openAsAlice();
      await within(history()).findAllByRole("listitem");
      expect(currentImage()).toEqual({ src: outputUrl("generated/identities/id-chef/image-a.png"), caption: "Current" });

      await saveFrom[place]!(user, older);
      await waitFor(() => expect(service.applied).toEqual([older.id]));
      await waitFor(() => expect(currentImage().src).toBe(outputUrl(older.output!.key)), { timeout: 8000 });
      expect(within(rowOf(older)).getByText("Saved to identity")).toBeInTheDocument();
    },
  );

  it.each<SaveLanding>(["in-answer", "at-once"])(
    "shows the saved image beside the select and in Compare as soon as the job says the save landed (%s), before the identity is read again",
    async (saves) => {
      const { service, older, newer } = twoResults(saves, "generated/identities/id-chef/image-a.png");
      // After their first read Alice's identities answer only when let: the page has only the job to go by.
      let answer = () => {};
      const held = new Promise<void>((resolve) => (answer = resolve));
      let reads = 0;
      server.use(
        http.get("/v1/users/{user_id}/identities", async ({ params }) => {
          if (params.user_id === "3" && (reads += 1) > 1) await held;
          return undefined; // on to the handlers of `twoResults`, as the host has it now
        }),
      );
      const user = await openAsAlice();
      await within(history()).findAllByRole("listitem");
      expect(currentImage().src).toBe(outputUrl("generated/identities/id-chef/image-a.png"));

      await user.click(within(rowOf(older)).getByRole("button", { name: "Save to identity" }));
      expect(await within(rowOf(older)).findByText("Saved to identity", {}, { timeout: 5000 })).toBeInTheDocument();
      expect(currentImage()).toEqual({ src: older.output!.preview_url, caption: "Current" });
      await user.click(within(rowOf(newer)).getByRole("button", { name: "Compare" }));
      const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
      expect(within(dialog).getByRole("img", { name: "Current: Alice the chef" })).toHaveAttribute("src", older.output!.url);
      await user.click(within(dialog).getByRole("button", { name: "Close" }));
      expect(service.applied).toEqual([older.id]);

      // The read confirms it, in the host's own words (its URL for the image).
      answer();
      await waitFor(() => expect(currentImage()).toEqual({ src: outputUrl(older.output!.key), caption: "Current" }));
    },
  );

  it("reads the identity again when the API answers that the save already landed, and Compare calls it current", async () => {
    const { older, newer, identityReads } = twoResults("in-answer", null);
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    expect(currentImage()).toEqual({ src: null, caption: "No image" });
    const readsBefore = identityReads();

    await user.click(within(rowOf(older)).getByRole("button", { name: "Save to identity" }));
    expect(await within(rowOf(older)).findByText("Saved to identity")).toBeInTheDocument();
    await waitFor(() => expect(currentImage()).toEqual({ src: outputUrl(older.output!.key), caption: "Current" }));
    expect(identityReads()).toBeGreaterThan(readsBefore);

    // The newer result, beside the image the identity shows now: the saved one, not none.
    await user.click(within(rowOf(newer)).getByRole("button", { name: "Compare" }));
    const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
    expect(within(dialog).getByRole("img", { name: "Current: Alice the chef" })).toHaveAttribute(
      "src",
      outputUrl(older.output!.key),
    );
  });
});

describe("Saving from Compare", () => {
  it("says Saving… on the result's Save, still focusable, until the save is answered, as its row does", async () => {
    const { older } = twoResults("at-once", "generated/identities/id-chef/image-a.png");
    let answer = () => {};
    const held = new Promise<void>((resolve) => (answer = resolve));
    server.use(
      http.post("/v1/generations/{generation_id}/apply", async () => {
        await held;
        return undefined; // on to the service's own answer
      }),
    );
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await user.click(within(rowOf(older)).getByRole("button", { name: "Compare" }));
    const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
    await user.click(within(dialog).getByRole("button", { name: "Save this result to identity" }));
    const saving = await within(dialog).findByRole("button", { name: "Saving…" });
    expect(saving).toHaveAttribute("aria-disabled", "true");
    answer();
    // Saved, alone beside the current image: nothing is left to choose, and the dialog closes.
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument(), { timeout: 8000 });
  });
});
