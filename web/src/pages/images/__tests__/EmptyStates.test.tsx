/** What an empty result pane says: what it holds now, then what to do. */
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { given, pickAlice, renderImages } from "../../../test/render";

describe("the empty result pane", () => {
  it("promises no images for a user who has no identities (the page's first user, often), and what to do only once", async () => {
    given();
    const user = userEvent.setup();
    renderImages();
    const result = await screen.findByRole("region", { name: "Result" }, { timeout: 5000 });
    expect(await within(result).findByText("No identity to generate for.")).toBeInTheDocument();
    expect(within(result).queryByText("Your generated images will appear here.")).not.toBeInTheDocument();
    // What to do is said once on the page, under Generate: not again in the pane.
    expect(screen.getAllByText("Choose a user who has identities.")).toHaveLength(1);
    expect(within(result).queryByText("Choose a user who has identities.")).not.toBeInTheDocument();

    await pickAlice(user);
    expect(within(result).getByText("Your generated images will appear here.")).toBeInTheDocument();
    expect(within(result).getByText(/^Add photos, write a prompt if you like, and press Generate/)).toBeInTheDocument();
    expect(within(result).queryByText("No identity to generate for.")).not.toBeInTheDocument();
  });
});
