/**
 * A click the admin left while it ran, watched from afar: its notice under the pickers says
 * how it goes and how it ended, with the way back to it. An earlier click a newer one took the
 * result pane from is watched the same way, from the pane.
 */
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { apiError, historyOf, http, identities, job, succeeded, users } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { addPhoto, fakeClock, findThumbnail, given, openAsAlice, renderImages, timePasses } from "../../../test/render";
import { IDLE_REFRESH_MS } from "../hooks/use-history";

/** Generate on Alice's chef (`clicks` times, a second or more apart), then go to her pilot.
 * The clicks' jobs stay as the test sets them (`become`), read after read. */
async function leaveAClickRunning(clicks = 1) {
  const service = jobService();
  const asSet = http.get("/v1/generations/{generation_id}", ({ params, response }) =>
    response(200).json(service.jobs.get(params.generation_id)!),
  );
  given(asSet, ...service.handlers);
  const user = await openAsAlice();
  await addPhoto(user);
  for (let click = 1; click <= clicks; click += 1) {
    if (click > 1) await timePasses(1100);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    // The same click while the first is on its way: asked for knowingly (see SecondPress).
    if (click > 1) await user.click(await screen.findByRole("button", { name: "Generate again" }));
    await waitFor(() => expect(service.created).toHaveLength(click));
  }
  await screen.findByRole("article", { name: "New image" });
  await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
  const become = (changes: Partial<Job>) => {
    for (const [id, job] of service.jobs) service.jobs.set(id, { ...job, ...changes });
  };
  return { user, become, service };
}

/** The notices of other identities' clicks; an empty node when there are none (no group then). */
const elsewhere = () => within(screen.queryByRole("group", { name: "Generations elsewhere" }) ?? document.createElement("div"));
const SLOW = { timeout: 10_000 };

describe("the notice of a click left while it ran", () => {
  it("offers Dismiss only once the click has ended: while it runs, the notice is the way to how it ends", async () => {
    const { become } = await leaveAClickRunning();
    await elsewhere().findByText("Still generating for Alice the chef.");
    expect(elsewhere().getByRole("button", { name: "Show Alice the chef" })).toBeInTheDocument();
    expect(elsewhere().queryByRole("button", { name: "Dismiss Alice the chef" })).not.toBeInTheDocument();

    become({ status: "canceled", canceled_at: new Date().toISOString() });
    await elsewhere().findByText("Canceled for Alice the chef.", {}, SLOW);
    expect(elsewhere().getByRole("button", { name: "Dismiss Alice the chef" })).toBeInTheDocument();
  }, 20_000);

  it("is there again after a reload, with the way back to the click", async () => {
    const { user } = await leaveAClickRunning();
    await elsewhere().findByText("Still generating for Alice the chef.");
    cleanup();

    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-pilot"));
    await elsewhere().findByText("Still generating for Alice the chef.");
    await user.click(elsewhere().getByRole("button", { name: "Show Alice the chef" }));
    expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-chef");
    expect(await screen.findByRole("article", { name: "New image" })).toBeInTheDocument();
  }, 20_000);

  it("lets a click a reload brought back go once its jobs are gone: the pane shows the latest batch", async () => {
    const { user } = await leaveAClickRunning();
    await elsewhere().findByText("Still generating for Alice the chef.");
    cleanup();

    // Read again much later: its jobs are gone; the identity's history has a newer one.
    const latest = succeeded(job({ prompt: "the latest" }));
    given(
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [latest], next_cursor: null })),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        params.generation_id === latest.id ? response(200).json(latest) : apiError(404, "generation_not_found", "No such generation."),
      ),
    );
    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-pilot"));
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-chef");
    const pane = screen.getByRole("region", { name: "Result" });
    expect(await within(pane).findByText("“the latest”")).toBeInTheDocument();
    expect(await within(pane).findByRole("article", { name: "New image" })).toBeInTheDocument();
    // Nor is it said above it: there is nothing of it left to show.
    await timePasses(1000);
    expect(within(pane).queryByRole("group", { name: "Earlier generations" })).not.toBeInTheDocument();
  }, 20_000);

  it("keeps a click a reload brought back in the pane once shown there, when another tab's newer click comes in the history", async () => {
    fakeClock();
    const { user, service } = await leaveAClickRunning();
    await elsewhere().findByText("Still generating for Alice the chef.");
    cleanup();

    // Read again: the click still runs, the latest batch of the chef's history.
    const [left] = service.jobs.values();
    const listed: Job[] = [{ ...left!, prompt: "the one left running" }];
    given(...historyOf(listed));
    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-pilot"));
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-chef");
    const pane = within(screen.getByRole("region", { name: "Result" }));
    expect(await pane.findByText("“the one left running”")).toBeInTheDocument();

    // Another tab's click, newer: in the history, not in the pane.
    listed.unshift(succeeded(job({ prompt: "from the other tab", batch_id: "b-there" })));
    await timePasses(IDLE_REFRESH_MS + 1000);
    const history = within(screen.getByRole("region", { name: "History" }));
    expect(await history.findByText("“from the other tab”")).toBeInTheDocument();
    expect(pane.getByText("“the one left running”")).toBeInTheDocument();
    expect(pane.queryByText("“from the other tab”")).not.toBeInTheDocument();
  }, 30_000);

  it("names two clicks of one identity by when each was asked, so that they do not read alike", async () => {
    // Early in a minute, so that the two clicks, a second apart, are asked in the same one.
    fakeClock();
    vi.setSystemTime(new Date(2026, 11, 5, 10, 0, 5));
    await leaveAClickRunning(2);
    const notices = await elsewhere().findAllByText(/^Your generation of today, .+ for Alice the chef is still running\.$/);
    expect(notices).toHaveLength(2);
    // Asked in one minute: told apart to the second.
    const [first, second] = notices.map((notice) => notice.textContent);
    expect(first).toMatch(/ \d+:\d\d:\d\d /);
    expect(first).not.toBe(second);
    const shows = elsewhere().getAllByRole("button", { name: /^Show the generation of today, .+ for Alice the chef$/ });
    expect(new Set(shows.map((show) => show.getAttribute("aria-label"))).size).toBe(2);
  }, 20_000);

  it("says why it takes long while it waits out retries, without a clock of its own", async () => {
    const { become } = await leaveAClickRunning();
    await elsewhere().findByText("Still generating for Alice the chef.");
    const busy = { code: "provider_unavailable", message: "503 from Gemini", details: {} };
    become({ status: "queued", attempts: 1, last_error: busy, next_attempt_at: new Date(Date.now() + 25_000).toISOString() });
    const why = "Still generating for Alice the chef: Gemini is busy, retrying.";
    expect(await elsewhere().findByText(why, {}, SLOW)).toBeInTheDocument();
    // Said once, not again at each attempt: it still holds while the next attempt runs.
    become({ status: "running", attempts: 2, next_attempt_at: null });
    await timePasses(2500);
    expect(elsewhere().getByText(why)).toBeInTheDocument();
  }, 20_000);

  it("says where Show takes the admin that it put the form's photos aside, for another user's click", async () => {
    const user = await aliceClickThenBobsPhoto(jobService());

    await user.click(await elsewhere().findByRole("button", { name: "Show Alice the chef" }));
    const heading = screen.getByRole("heading", { name: "Result" });
    await waitFor(() => expect(heading).toHaveFocus());
    // Said in the pane (a screen below the form on a phone), and with the heading Show focuses.
    const said = "Bob Test's photos are set aside. Choose Bob Test again to bring them back.";
    expect(within(screen.getByRole("region", { name: "Result" })).getByText(said)).toBeInTheDocument();
    expect(heading).toHaveAccessibleDescription(said);
    // The form says it too, beside the pane on a wide screen.
    expect(screen.getAllByText(said)).toHaveLength(2);

    // Back to Bob: his photo is back, and nothing more is said.
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "4");
    expect(await findThumbnail("front.jpg")).toBeInTheDocument();
    expect(screen.queryByText(said)).not.toBeInTheDocument();
  }, 20_000);

  it("names whose photos are aside as they were put aside: a Show within the same user changes nothing of it", async () => {
    const service = jobService();
    const user = await aliceClickThenBobsPhoto(
      service,
      // The click runs on, read after read: Show is offered all along.
      http.get("/v1/generations/{generation_id}", ({ params, response }) => response(200).json(service.jobs.get(params.generation_id)!)),
    );
    // Back to Alice, on her pilot.
    const userSelect = screen.getByRole("combobox", { name: "User" });
    const identitySelect = screen.getByRole("combobox", { name: "Identity" });
    await user.selectOptions(userSelect, "3");
    await waitFor(() => expect(identitySelect).toHaveValue("id-chef"));
    await user.selectOptions(identitySelect, "id-pilot");
    const bobs = "Bob Test's photos are set aside. Choose Bob Test again to bring them back.";
    expect(screen.getByText(bobs)).toBeInTheDocument();

    // Show Alice's chef: Alice is chosen already, nothing more went aside.
    await user.click(await elsewhere().findByRole("button", { name: "Show Alice the chef" }));
    await waitFor(() => expect(identitySelect).toHaveValue("id-chef"));
    await waitFor(() => expect(screen.getByRole("heading", { name: "Result" })).toHaveFocus());
    expect(screen.getAllByText(bobs)).toHaveLength(1);
    expect(screen.queryByText(/Alice Test's photos are set aside/)).not.toBeInTheDocument();
  }, 20_000);
});

/** Alice (user 3, with the usual identities) generates from a photo, removes it, and the admin
 * goes on to Bob Test (user 4, one identity) and adds a photo of his: a click of Alice's runs
 * while Bob's photo is in the form. `extra` handlers come before the job service's. */
async function aliceClickThenBobsPhoto(service: ReturnType<typeof jobService>, ...extra: Parameters<typeof given>) {
  const bob = { id: "4", username: "test-bob", display_name: "Bob Test", is_test_user: true, is_staff: false, is_active: true };
  given(
    http.get("/v1/users", ({ response }) => response(200).json({ users: [...users, bob] })),
    http.get("/v1/users/{user_id}/identities", ({ params, response }) =>
      response(200).json({
        identities:
          params.user_id === "4"
            ? [{ id: "id-astronaut", user_id: "4", name: "Bob the astronaut", description: "", image_path: null }]
            : params.user_id === "3"
              ? identities
              : [],
      }),
    ),
    ...extra,
    ...service.handlers,
  );
  const user = await openAsAlice();
  await addPhoto(user);
  await user.click(screen.getByRole("button", { name: "Generate" }));
  await waitFor(() => expect(service.created).toHaveLength(1));
  await user.click(screen.getByRole("button", { name: "Remove front.jpg" }));
  await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "4");
  await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-astronaut"));
  await addPhoto(user);
  return user;
}

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

describe("a click watched from afar", () => {
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
    expect(within(screen.getByRole("article", { name: "New image" })).getByRole("button", { name: /^Save to identity\b/ })).toBeInTheDocument();
  }, 30_000);

  it("keeps the newer click in the pane through a reload, the earlier one still running watched from above it", async () => {
    const { service, user } = await generateOnTheChef();
    await user.selectOptions(screen.getByRole("combobox", { name: "Aspect ratio" }), "1:1");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(2));
    const newer = () => screen.getByRole("article", { name: "New image" });
    await waitFor(() => expect(newer()).toHaveTextContent("1:1 · 4K"));
    await within(newer()).findByRole("img", {}, SLOW);
    cleanup();

    // Read again: the newer click ended (seen), the earlier one still runs.
    const [first, second] = [...service.jobs.values()];
    given(...historyOf([succeeded(second!), { ...first!, status: "running" }]));
    renderImages();
    const pane = within(await screen.findByRole("region", { name: "Result" }));
    await waitFor(() => expect(pane.getByRole("article", { name: "New image" })).toHaveTextContent("1:1 · 4K"), SLOW);
    const earlier = within(await pane.findByRole("group", { name: "Earlier generations" }));
    expect(earlier.getByText(/^Your generation of .+ for Alice the chef is still running\.$/)).toBeInTheDocument();
    // It stays so: the pane is not handed to the earlier click once its jobs are read.
    await timePasses(3000);
    expect(pane.getByRole("article", { name: "New image" })).toHaveTextContent("1:1 · 4K");
  }, 30_000);

  it("lets an earlier click's notice go once the admin starts another after it ended", async () => {
    fakeClock();
    const { service, user } = await generateOnTheChef();
    await user.selectOptions(screen.getByRole("combobox", { name: "Aspect ratio" }), "1:1");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(2));
    const pane = within(screen.getByRole("region", { name: "Result" }));
    const earlier = () => within(pane.queryByRole("group", { name: "Earlier generations" }) ?? document.createElement("div"));
    // It ended after the newer click was asked (12 s after its own start, as the stand-in has
    // it): its notice says so.
    const ready = /^Your generation of .+ for Alice the chef is ready: 1 image\.$/;
    expect(await earlier().findByText(ready, {}, SLOW)).toBeInTheDocument();
    // A minute on, another click: the admin has moved on from it (its result is in the history).
    vi.setSystemTime(Date.now() + 60_000);
    await user.selectOptions(screen.getByRole("combobox", { name: "Aspect ratio" }), "3:4");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(3));
    await waitFor(() => expect(screen.getByRole("article", { name: "New image" })).toHaveTextContent("3:4 · 4K"));
    await waitFor(() => expect(earlier().queryByText(ready)).not.toBeInTheDocument());
  }, 30_000);

  it("stops saying a click left behind is generating once its jobs can no longer be read", async () => {
    const { service, user } = await generateOnTheChef();
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    expect(await elsewhere().findByText("Still generating for Alice the chef.")).toBeInTheDocument();
    service.jobs.clear(); // gone: every read of it is a 404 now
    expect(await elsewhere().findByText("Ended for Alice the chef.", {}, { timeout: 10_000 })).toBeInTheDocument();
    const group = screen.getByRole("group", { name: "Generations elsewhere" });
    await user.click(screen.getByRole("button", { name: "Dismiss Alice the chef" }));
    expect(group).not.toHaveTextContent(/for Alice the chef/);
    // Empty, no longer a group (none left empty in a screen reader's tree), it keeps the focus.
    await waitFor(() => expect(group).toHaveFocus());
    expect(screen.queryByRole("group", { name: "Generations elsewhere" })).not.toBeInTheDocument();
  }, 20_000);

  it("says nothing of a click that ended while the admin watched it", async () => {
    const { user, card } = await generateOnTheChef();
    await within(card).findByRole("img", {}, { timeout: 10_000 });
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    await timePasses(100);
    expect(elsewhere().queryByText(/for Alice the chef/)).not.toBeInTheDocument();
  }, 20_000);
});
