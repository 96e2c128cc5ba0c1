import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { createdPhrase } from "../job/time";
import { chefWithAnImage, http, historyOf, job, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { addPhoto, given, openAsAlice, pickAlice, renderImages, timePasses } from "../../../test/render";

/** Alice's chef, one photo, Generate once over a `jobService`: its card is in (queued). */
async function generateOnTheChef() {
  const service = jobService();
  given(...service.handlers);
  const user = await openAsAlice();
  await addPhoto(user);
  await user.click(screen.getByRole("button", { name: "Generate" }));
  const card = await screen.findByRole("article", { name: "New image" });
  return { service, user, card };
}

/** The notices of clicks watched from afar. */
const elsewhere = () => within(screen.getByRole("group", { name: "Generations elsewhere" }));

describe("Images page", () => {
  it("shows the history's results only, as pictures to save or compare, and keeps that view", async () => {
    const service = jobService();
    const older = succeeded(job({ prompt: "older", batch_id: "b1", created_at: "2026-03-14T09:20:00Z" }));
    const failed = job({
      status: "failed",
      batch_id: "b2",
      created_at: "2026-03-14T09:25:00Z",
      error: { code: "provider_unavailable", message: "Gemini is unavailable.", details: {} },
    });
    const newer = succeeded(job({ prompt: "newer", batch_id: "b3", created_at: "2026-03-14T09:30:00Z" }));
    for (const each of [newer, failed, older]) service.jobs.set(each.id, each);
    given(
      chefWithAnImage,
      http.get("/v1/generations", ({ response }) =>
        response(200).json({ items: [newer, failed, older].map((each) => service.jobs.get(each.id)!), next_cursor: null }),
      ),
      ...service.handlers.slice(1),
    );
    const user = userEvent.setup();
    const first = renderImages();
    await pickAlice(user);
    const history = await screen.findByRole("region", { name: "History" });
    await within(history).findAllByRole("listitem");
    await user.click(within(history).getByRole("button", { name: "Results only" }));
    expect(within(history).getByRole("button", { name: "Results only" })).toHaveAttribute("aria-pressed", "true");

    const results = within(history).getByRole("list", { name: "Results" });
    const tiles = within(results).getAllByRole("listitem");
    expect(tiles.map((tile) => tile.getAttribute("aria-label"))).toEqual([
      `Result of ${createdPhrase(newer)}`,
      `Result of ${createdPhrase(older)}`,
    ]);
    expect(within(tiles[1]!).getByRole("img")).toHaveAttribute("src", older.output!.preview_url);
    await user.click(within(tiles[1]!).getByRole("button", { name: "Save to identity" }));
    await waitFor(() => expect(service.applied).toEqual([older.id]));
    await user.click(within(tiles[0]!).getByRole("button", { name: "Compare" }));
    expect(await screen.findByRole("dialog", { name: "Compare with the current image" })).toBeInTheDocument();

    // The view is the admin's habit: kept when the page comes back.
    first.unmount();
    renderImages();
    const again = await screen.findByRole("region", { name: "History" });
    expect(await within(again).findByRole("list", { name: "Results" })).toBeInTheDocument();
  });

  it("says how each job of the history came about", async () => {
    const base = succeeded(job({ prompt: "a portrait", created_at: "2026-03-14T09:26:00Z" }));
    const second = succeeded(job({ batch_id: "b", batch_index: 1, batch_size: 3, created_at: "2026-03-14T09:20:00Z" }));
    const failed = job({
      status: "failed",
      created_at: "2026-03-14T09:10:00Z",
      error: { code: "provider_unavailable", message: "Gemini is unavailable.", details: {} },
    });
    const items = [
      succeeded(job({ kind: "refine", parent_generation_id: base.id, instruction: "add a red scarf" })),
      succeeded(job({ kind: "rerun", parent_generation_id: base.id })),
      succeeded(job({ kind: "rerun", parent_generation_id: second.id })),
      succeeded(job({ kind: "rerun", parent_generation_id: failed.id })),
      succeeded(job({ kind: "rerun", parent_generation_id: "older-than-this-page" })),
      base,
      second,
      failed,
    ];
    given(
      ...historyOf(items),
    );
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    expect(await within(history).findByText(`Refined: “add a red scarf”, from the result of ${createdPhrase(base)}`)).toBeInTheDocument();
    expect(within(history).getByText(`Re-run of the result of ${createdPhrase(base)}`)).toBeInTheDocument();
    // Of which variant, when the click made several.
    expect(within(history).getByText(/^Re-run of the result of .*, variant 2 of 3$/)).toBeInTheDocument();
    // A job with no result is named by how it ended.
    expect(within(history).getByText(`Re-run of the failed generation of ${createdPhrase(failed)}`)).toBeInTheDocument();
    expect(within(history).getByText("Re-run of an earlier generation")).toBeInTheDocument();
    expect(within(history).getByText("Variant 2 of 3")).toBeInTheDocument();
    // The result pane's card (the latest job, a refinement) shows what was asked, only that:
    // of which result is the history's to show, and is said to a screen reader with the rest.
    const result = screen.getByRole("region", { name: "Result" });
    const from = `, from the result of ${createdPhrase(base)}`;
    const asked = within(result).getByText("Refined: “add a red scarf”");
    expect(asked).toHaveTextContent(`Refined: “add a red scarf”${from}`);
    expect(within(asked).getByText(from)).toHaveClass("visuallyHidden");
    expect(asked).not.toHaveAttribute("title");
  });

  it("keeps watch on a click whose identity the admin left while it ran, with the way back to it", async () => {
    const { user } = await generateOnTheChef();
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");

    expect(await elsewhere().findByText("Still generating for Alice the chef.")).toBeInTheDocument();
    expect(await elsewhere().findByText("Ready for Alice the chef: 1 image.", {}, { timeout: 10_000 })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Show Alice the chef" }));
    expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-chef");
    await waitFor(() => expect(screen.getByRole("heading", { name: "Result" })).toHaveFocus());
    expect(await screen.findByRole("article", { name: "New image" })).toBeInTheDocument();
    expect(elsewhere().queryByText(/for Alice the chef/)).not.toBeInTheDocument();

    // Seen: leaving it again says nothing more.
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    await timePasses(100);
    expect(elsewhere().queryByText(/for Alice the chef/)).not.toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-pilot");
  }, 20_000);

  it("keeps watch on an earlier click a newer one took the pane from, and Show puts it back", async () => {
    const { service, user, card } = await generateOnTheChef();
    expect(card).toHaveTextContent("16:9 · 4K");
    expect(within(card).getByRole("status")).toBeInTheDocument();
    await user.selectOptions(screen.getByRole("combobox", { name: "Aspect ratio" }), "1:1");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(2));
    await waitFor(() => expect(screen.getByRole("article", { name: "New image" })).toHaveTextContent("1:1 · 4K"));
    // Said in the result pane, above the newer click's card, where the page brings the admin.
    const earlier = within(within(screen.getByRole("region", { name: "Result" })).getByRole("group", { name: "Earlier generations" }));
    expect(await earlier.findByText(/^Your generation of .+ for Alice the chef is still running\.$/)).toBeInTheDocument();
    expect(
      await earlier.findByText(/^Your generation of .+ for Alice the chef is ready: 1 image\.$/, {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(elsewhere().queryByText(/for Alice the chef/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: /^Show the generation of .+ for Alice the chef$/ }));
    await waitFor(() => expect(screen.getByRole("heading", { name: "Result" })).toHaveFocus());
    // Its card is back in the pane.
    await waitFor(() => expect(screen.getByRole("article", { name: "New image" })).toHaveTextContent("16:9 · 4K"));
    expect(within(screen.getByRole("article", { name: "New image" })).getByRole("button", { name: "Save to identity" })).toBeInTheDocument();
  }, 30_000);

  it("stops saying a click left behind is generating once its jobs can no longer be read", async () => {
    const { service, user } = await generateOnTheChef();
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    expect(await elsewhere().findByText("Still generating for Alice the chef.")).toBeInTheDocument();
    service.jobs.clear(); // gone: every read of it is a 404 now
    expect(await elsewhere().findByText("Ended for Alice the chef.", {}, { timeout: 10_000 })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Dismiss Alice the chef" }));
    expect(elsewhere().queryByText(/for Alice the chef/)).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("group", { name: "Generations elsewhere" })).toHaveFocus());
  }, 20_000);

  it("says nothing of a click that ended while the admin watched it", async () => {
    const { user, card } = await generateOnTheChef();
    await within(card).findByRole("img", {}, { timeout: 10_000 });
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    await timePasses(100);
    expect(elsewhere().queryByText(/for Alice the chef/)).not.toBeInTheDocument();
  }, 20_000);

  it("lists a click's variants under its first, without repeating its prompt and settings", async () => {
    const batch = [0, 1, 2].map((index) =>
      succeeded(job({ prompt: "three ways", batch_id: "b", batch_index: index, batch_size: 3 })),
    );
    given(...historyOf([...batch, succeeded(job({ prompt: "alone" }))]));
    await openAsAlice();
    const rows = await within(screen.getByRole("region", { name: "History" })).findAllByRole("listitem");
    expect(rows.map((row) => row.textContent?.includes("“three ways”"))).toEqual([true, false, false, false]);
    expect(rows[1]).toHaveAccessibleName(/variant 2 of 3$/);
    expect(rows[1]).toHaveTextContent(/^Done\s*Variant 2 of 3\s*12 s · \$0\.134/);
    expect(rows[3]).toHaveTextContent("“alone”");
  });

  it("reads older generations on demand", async () => {
    const newer = [succeeded(job({ prompt: "newest" })), succeeded(job({ prompt: "newer" }))];
    const older = succeeded(job({ prompt: "oldest" }));
    const pages: (string | null)[] = [];
    given(
      http.get("/v1/generations", ({ query, response }) => {
        pages.push(query.get("cursor"));
        return query.get("cursor") === "page-2"
          ? response(200).json({ items: [older], next_cursor: null })
          : response(200).json({ items: newer, next_cursor: "page-2" });
      }),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json([...newer, older].find((item) => item.id === params.generation_id)!),
      ),
    );
    await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    expect(await within(history).findByText("2 newest generations · older below")).toBeInTheDocument();
    expect(within(history).queryByText("“oldest”")).not.toBeInTheDocument();
    const showOlder = within(history).getByRole("button", { name: "Show older generations" });
    fireEvent.click(showOlder);
    fireEvent.click(showOlder); // while the first read is out
    expect(await within(history).findByText("“oldest”")).toBeInTheDocument();
    expect(within(history).getByText("3 generations")).toBeInTheDocument();
    expect(within(history).queryByRole("button", { name: "Show older generations" })).not.toBeInTheDocument();
    expect(pages).toEqual([null, "page-2"]);
    // The button went: the focus is on the first row it brought, not lost to the page, marked
    // for a moment (a focus given after a click draws no ring of its own).
    expect(within(history).getAllByRole("listitem")[2]).toHaveFocus();
    expect(within(history).getAllByRole("listitem")[2]).toHaveAttribute("data-arrived");
  });

  it("hands the focus to the first result older generations brought, in Results only", async () => {
    const newest = succeeded(job({ prompt: "newest" }));
    const olderFailed = job({ status: "failed", prompt: "no result" });
    const oldest = succeeded(job({ prompt: "oldest" }));
    given(
      http.get("/v1/generations", ({ query, response }) =>
        query.get("cursor") === "page-2"
          ? response(200).json({ items: [olderFailed, oldest], next_cursor: null })
          : response(200).json({ items: [newest], next_cursor: "page-2" }),
      ),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json([newest, olderFailed, oldest].find((item) => item.id === params.generation_id)!),
      ),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: "Results only" }));
    await user.click(within(history).getByRole("button", { name: "Show older generations" }));
    // The failed job has no tile: the focus goes to the oldest one's, the first it can.
    const tiles = await within(history).findAllByRole("listitem");
    expect(tiles).toHaveLength(2);
    await waitFor(() => expect(tiles[1]).toHaveFocus());
    expect(within(tiles[1]!).getByText("“oldest”")).toBeInTheDocument();
  });

  it("reads older generations on a click while the history is being read again", async () => {
    const running = job({ status: "running", prompt: "running" });
    const older = succeeded(job({ prompt: "oldest" }));
    const pages: (string | null)[] = [];
    let firstRead = true;
    given(
      http.get("/v1/generations", async ({ query, response }) => {
        pages.push(query.get("cursor"));
        if (query.get("cursor") === "page-2") return response(200).json({ items: [older], next_cursor: null });
        // Every read of the first page after the first one is slow: one is always under way.
        if (!firstRead) await new Promise((resolve) => setTimeout(resolve, 5_000));
        firstRead = false;
        return response(200).json({ items: [running], next_cursor: "page-2" });
      }),
      http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(running)),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const showOlder = await within(history).findByRole("button", { name: "Show older generations" });
    await waitFor(() => expect(pages.length).toBeGreaterThan(1), { timeout: 5_000 }); // a poll is out
    await user.click(showOlder);
    expect(await within(history).findByText("“oldest”")).toBeInTheDocument();
    expect(pages).toContain("page-2");
  });
});
