import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { jobService } from "../../../test/jobService";
import { addPhoto, given, openAsAlice, timePasses } from "../../../test/render";

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
});
