/**
 * A save lands on the identity, wherever it was asked from: the identity's image (beside its
 * select, and as "Current" in Compare) is the saved one as soon as the job says so, and is
 * read again once the save is final, even when the worker lands it before the page reads the
 * job or the history again. Which result reads saved, a save that failed (said where it was
 * asked), and one save for two quick clicks are here too.
 */
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { delay, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";

import { SESSION_ENDED, type Job } from "../../../api/imageGeneration";
import { API, apiError, historyOf, http, identities, job, server, succeeded } from "../../../test/api";
import { jobService, type SaveLanding } from "../../../test/jobService";
import { generateVariants, given, openAsAlice, timePasses } from "../../../test/render";

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
    await user.click(within(rowOf(older)).getByRole("button", { name: /^Save to identity\b/ }));
  },
  "its tile in Results only": async (user, older) => {
    await user.click(within(history()).getByRole("button", { name: "Results only" }));
    await user.click(within(rowOf(older)).getByRole("button", { name: /^Save to identity\b/ }));
  },
  "the Compare dialog opened from its row": async (user, older) => {
    await user.click(within(rowOf(older)).getByRole("button", { name: /^Compare\b/ }));
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

      await user.click(within(rowOf(older)).getByRole("button", { name: /^Save to identity\b/ }));
      expect(await within(rowOf(older)).findByText("Saved to identity", {}, { timeout: 5000 })).toBeInTheDocument();
      expect(currentImage()).toEqual({ src: older.output!.preview_url, caption: "Current" });
      await user.click(within(rowOf(newer)).getByRole("button", { name: /^Compare\b/ }));
      const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
      // By its renditions, as the results are shown: the job's own, until the identity is read.
      const current = within(dialog).getByRole("img", { name: "Current: Alice the chef" });
      expect(current).toHaveAttribute("src", older.output!.preview_url);
      expect(current).toHaveAttribute("srcset", expect.stringContaining(`${older.output!.large_url} `));
      await user.click(within(dialog).getByRole("button", { name: "Close Compare" }));
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

    await user.click(within(rowOf(older)).getByRole("button", { name: /^Save to identity\b/ }));
    expect(await within(rowOf(older)).findByText("Saved to identity")).toBeInTheDocument();
    await waitFor(() => expect(currentImage()).toEqual({ src: outputUrl(older.output!.key), caption: "Current" }));
    expect(identityReads()).toBeGreaterThan(readsBefore);

    // The newer result, beside the image the identity shows now: the saved one, not none.
    await user.click(within(rowOf(newer)).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
    expect(within(dialog).getByRole("img", { name: "Current: Alice the chef" })).toHaveAttribute(
      "src",
      outputUrl(older.output!.key),
    );
  });
});

/** Two results, the older one's save held on its way until `answer`. */
function savesHeld() {
  const { older } = twoResults("at-once", "generated/identities/id-chef/image-a.png");
  let answer = () => {};
  const held = new Promise<void>((resolve) => (answer = resolve));
  server.use(
    http.post("/v1/generations/{generation_id}/apply", async () => {
      await held;
      return undefined; // on to the service's own answer
    }),
  );
  return { older, answer: () => answer() };
}

describe("Saving from a history row", () => {
  it("says Saving… on the row's Save, still focusable, until the save lands, and not again among its facts", async () => {
    const { older, answer } = savesHeld();
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await user.click(within(rowOf(older)).getByRole("button", { name: /^Save to identity\b/ }));
    const saving = within(rowOf(older)).getByRole("button", { name: /^Saving…/ });
    expect(saving).toHaveAttribute("aria-disabled", "true");
    expect(saving).toHaveTextContent(/^Saving…$/);
    expect(rowOf(older)).not.toHaveTextContent("Saving to identity…");
    answer();
    expect(await within(rowOf(older)).findByText("Saved to identity", {}, { timeout: 8000 })).toBeInTheDocument();
  });
});

describe("Saving from Compare", () => {
  it("says Saving… on the result's Save, still focusable, until the save is answered, as its row does", async () => {
    const { older, answer } = savesHeld();
    const user = await openAsAlice();
    await within(history()).findAllByRole("listitem");
    await user.click(within(rowOf(older)).getByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
    await user.click(within(dialog).getByRole("button", { name: "Save this result to identity" }));
    const saving = await within(dialog).findByRole("button", { name: "Saving…" });
    expect(saving).toHaveAttribute("aria-disabled", "true");
    answer();
    // Saved, alone beside the current image: nothing is left to choose, and the dialog closes.
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument(), { timeout: 8000 });
  });
});

describe("which result is saved", () => {
  it("says when a newer save won over an older one, and offers to save it again", async () => {
    const service = jobService();
    const older = succeeded(job({ prompt: "older" }));
    const overtaken: Job = {
      ...older,
      apply: { status: "superseded", attempt: 1, error: null, applied_at: null, requested_at: older.created_at },
    };
    service.jobs.set(overtaken.id, overtaken);
    given(...service.handlers,
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [service.jobs.get(overtaken.id)!], next_cursor: null })),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    expect(await within(history).findByText(/Not saved: a newer save won/)).toBeInTheDocument();
    await user.click(within(history).getByRole("button", { name: /^Save to identity\b/ }));
    await waitFor(() => expect(service.applied).toEqual([overtaken.id]));
  });

  it("marks only the image the identity shows as saved; an older save can be saved again", async () => {
    const { user } = await generateVariants(2);
    const first = await screen.findByRole("article", { name: "Variant 1 of 2" });
    const second = screen.getByRole("article", { name: "Variant 2 of 2" });
    await within(first).findByRole("img", {}, { timeout: 10_000 });
    await within(second).findByRole("img", {}, { timeout: 10_000 });

    // Where each save stands is said in its card's one region, there from the start, named for
    // its card: the badge that takes Save's place is not read by every screen reader.
    const said = within(first).getByRole("status");
    expect(said).toBeEmptyDOMElement();
    await user.click(within(first).getByRole("button", { name: /^Save to identity\b/ }));
    expect(await within(first).findByText("Saved to identity", {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(said).toHaveTextContent(/^Variant 1 of 2: Saved to identity$/);
    await user.click(within(second).getByRole("button", { name: /^Save to identity\b/ }));
    expect(await within(second).findByText("Saved to identity", {}, { timeout: 10_000 })).toBeInTheDocument();
    await waitFor(() => expect(within(first).getByText("Saved, then replaced")).toBeInTheDocument(), {
      timeout: 10_000,
    });
    expect(within(first).getByRole("button", { name: /^Save to identity\b/ })).toHaveAttribute("aria-disabled", "false");
    expect(within(second).queryByRole("button", { name: /^Save to identity\b/ })).not.toBeInTheDocument();
  });
});

describe("a save that failed", () => {
  it("says why a save failed on its card, clears it on the next one, and says an ended session once", async () => {
    const done = succeeded(job({ prompt: "keep me" }));
    const answers = [503, 401, 202];
    given(
      ...historyOf([done]),
      http.untyped.post(`${API}/v1/generations/:id/apply`, () => {
        const status = answers.shift()!;
        if (status === 503)
          return apiError(status, "host_unavailable", "The host app did not answer.");
        if (status === 401) return HttpResponse.json({ message: "Unauthorized" }, { status });
        return HttpResponse.json({ ...done, apply: { ...done.apply, status: "pending", attempt: 1 } }, { status });
      }),
    );
    const user = await openAsAlice();
    const result = await screen.findByRole("region", { name: "Result" });
    const card = await within(result).findByRole("article", { name: "New image" });
    const save = within(card).getByRole("button", { name: /^Save to identity\b/ });
    await user.click(save);
    // On its card, beside the Save that was clicked: the pane's top may be a screen away.
    // In the page's words (what did not happen, when to ask again), not the API's "try again later".
    expect(await within(card).findByRole("alert")).toHaveTextContent("Not saved: the host app did not answer. Save it again in a few minutes.");
    await user.click(save);
    // Above the page, and only there: not again beside the results.
    await waitFor(() => expect(screen.getAllByText(SESSION_ENDED, { exact: false })).toHaveLength(1));
    expect(within(result).queryByRole("alert")).not.toBeInTheDocument();
    await user.click(save);
    await waitFor(() => expect(within(result).queryByRole("alert")).not.toBeInTheDocument());
  });

  it("no longer says why the last save failed once Save is pressed again, while the new one is on its way", async () => {
    const done = succeeded(job({ prompt: "again" }));
    let down = true;
    given(
      ...historyOf([done]),
      http.untyped.post(`${API}/v1/generations/:id/apply`, async () => {
        if (down) return apiError(503, "host_unavailable", "The host app did not answer.");
        await delay("infinite");
        return HttpResponse.json({}, { status: 202 });
      }),
    );
    const user = await openAsAlice();
    const card = await within(await screen.findByRole("region", { name: "Result" })).findByRole("article", { name: "New image" });
    await user.click(within(card).getByRole("button", { name: /^Save to identity\b/ }));
    expect(await within(card).findByRole("alert")).toHaveTextContent("Not saved");
    down = false;
    await user.click(within(card).getByRole("button", { name: /^Save to identity\b/ }));
    // "Saving…" beside "Not saved" read as both at once.
    expect(within(card).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("says a save that could not reach the service in words still true once the connection is back", async () => {
    const done = succeeded(job({ prompt: "offline" }));
    given(...historyOf([done]), http.untyped.post(`${API}/v1/generations/:id/apply`, () => HttpResponse.error()));
    const user = await openAsAlice();
    const card = await within(await screen.findByRole("region", { name: "Result" })).findByRole("article", {
      name: "New image",
    });
    // Offline as it was sent: it never went (online, it may have: see Connection's tests).
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    await user.click(within(card).getByRole("button", { name: /^Save to identity\b/ }));
    expect(await within(card).findByRole("alert")).toHaveTextContent(
      "Not saved: the image service could not be reached. Save again once the connection is back.",
    );
  });

  it("says a save the service failed, or its gateway, as not done, not in their words", async () => {
    const done = succeeded(job({ prompt: "fails" }));
    const answers: (() => Response)[] = [
      () => apiError(500, "internal_error", "Something went wrong on our side."),
      () => new Response("Bad Gateway", { status: 502 }),
    ];
    given(...historyOf([done]), http.untyped.post(`${API}/v1/generations/:id/apply`, () => answers.shift()!()));
    const user = await openAsAlice();
    const card = await within(await screen.findByRole("region", { name: "Result" })).findByRole("article", { name: "New image" });
    for (let press = 0; press < 2; press++) {
      await user.click(within(card).getByRole("button", { name: /^Save to identity\b/ }));
      expect(await within(card).findByRole("alert")).toHaveTextContent(/^Not saved: the image service had a problem\. Save again\.$/);
    }
  });

  it("says a failed save asked from the history on its row, and keeps it when another job's save lands after it", async () => {
    const older = succeeded(job({ prompt: "older one", batch_id: "b-older" }));
    const newer = succeeded(job({ prompt: "newer one", batch_id: "b-newer" }));
    given(
      ...historyOf([newer, older]),
      http.untyped.post(`${API}/v1/generations/:id/apply`, async ({ params }) => {
        if (params.id === older.id)
          return apiError(409, "apply_conflict", "That image was removed.");
        await new Promise((resolve) => setTimeout(resolve, 150));
        return HttpResponse.json({ ...newer, apply: { ...newer.apply, status: "pending", attempt: 1 } }, { status: 202 });
      }),
    );
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    // Newest first: the newer job's row, then the older one's.
    const [newerRow, olderRow] = await within(history).findAllByRole("listitem");
    fireEvent.click(within(olderRow!).getByRole("button", { name: /^Save to identity\b/ }));
    fireEvent.click(within(newerRow!).getByRole("button", { name: /^Save to identity\b/ }));
    // Where the admin asked it, not at the result pane's top, a screen away.
    expect(await within(olderRow!).findByRole("alert")).toHaveTextContent("That image was removed.");
    const result = screen.getByRole("region", { name: "Result" });
    expect(within(result).queryByRole("alert")).not.toBeInTheDocument();
    await timePasses(300);
    expect(within(olderRow!).getByRole("alert")).toHaveTextContent("That image was removed.");
    expect(within(newerRow!).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("says a failed save asked from Results only on its tile", async () => {
    const done = succeeded(job({ prompt: "again" }));
    given(
      ...historyOf([done]),
      http.untyped.post(`${API}/v1/generations/:id/apply`, () =>
        apiError(503, "host_unavailable", "The host app did not answer."),
      ),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: "Results only" }));
    const [tile] = within(history).getAllByRole("listitem");
    await user.click(within(tile!).getByRole("button", { name: /^Save to identity\b/ }));
    expect(await within(tile!).findByRole("alert")).toHaveTextContent("Not saved: the host app did not answer. Save it again in a few minutes.");
    expect(within(screen.getByRole("region", { name: "Result" })).queryByRole("alert")).not.toBeInTheDocument();
  });
});

describe("Save clicked twice", () => {
  it.each(["Result", "History"])("sends one save for two quick clicks in the %s", async (place) => {
    const service = jobService();
    const done = succeeded(job({ prompt: "save me once" }));
    service.jobs.set(done.id, done);
    given(
      http.get("/v1/generations", ({ response }) =>
        response(200).json({ items: [service.jobs.get(done.id)!], next_cursor: null }),
      ),
      ...service.handlers,
    );
    await openAsAlice();
    const region = await screen.findByRole("region", { name: place });
    // Two clicks before any answer (fireEvent: no pause between them), then whatever comes.
    const save = await within(region).findByRole("button", { name: /^Save to identity\b/ });
    fireEvent.click(save);
    fireEvent.click(save);
    await waitFor(() => expect(service.applied).toHaveLength(1));
    await timePasses(100);
    expect(service.applied).toHaveLength(1);
  });
});

describe("a save long on its way", () => {
  const savingSince = (secondsAgo: number) => {
    const done = succeeded(job({ prompt: "slow host" }));
    const asked = new Date(Date.now() - secondsAgo * 1000).toISOString();
    return { ...done, apply: { ...done.apply!, status: "pending" as const, attempt: 1, requested_at: asked } };
  };

  it("says the host app has not taken it yet, not \"Saving…\" alone, and announces it", async () => {
    given(...historyOf([savingSince(20)]));
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(within(card).getByRole("button", { name: /^Saving…/ })).toBeInTheDocument();
    const slow = "Still saving: the host app has not taken it yet, and the pipeline keeps trying.";
    expect(within(card).getByText(slow)).toBeInTheDocument();
    expect(within(card).getByRole("status")).toHaveTextContent(`New image: ${slow}`);
  });

  it("says only \"Saving…\" while it is not slow", async () => {
    given(...historyOf([savingSince(1)]));
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(within(card).getByRole("status")).toHaveTextContent("New image: Saving to identity…");
    expect(within(card).queryByText(/^Still saving/)).not.toBeInTheDocument();
  });
});
