/** What an empty place says: the result pane (what it holds now, then what to do), and the
 * photos' box before the first photo. */
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { addPhoto, file, given, openAsAlice, pickAlice, renderImages } from "../../../test/render";

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

describe("a user with no identities", () => {
  it("is no dead end: the page says so under the selects, and its button takes the admin to the User select", async () => {
    given();
    const user = userEvent.setup();
    renderImages();
    const pickers = await screen.findByRole("region", { name: "Whose image" });
    expect(await within(pickers).findByText(/^You have no identities\./)).toBeInTheDocument();
    const userSelect = within(pickers).getByRole<HTMLSelectElement>("combobox", { name: "User" });
    const opened = vi.fn();
    // jsdom has no picker to open: the browser's opens the list at once.
    userSelect.showPicker = opened;
    await user.click(within(pickers).getByRole("button", { name: "Choose a test user" }));
    expect(userSelect).toHaveFocus();
    expect(opened).toHaveBeenCalled();

    await user.selectOptions(userSelect, "3");
    await waitFor(() => expect(within(pickers).queryByText(/no identities/)).not.toBeInTheDocument());
    expect(within(pickers).queryByRole("button", { name: /^Choose/ })).not.toBeInTheDocument();
  });
});

describe("the photos' box with no photo in it", () => {
  it("is Add photos as a whole, what it takes written under it, and a tile beside the photos once one is in", async () => {
    given();
    const user = await openAsAlice();
    const add = screen.getByRole("button", { name: "Add photos" });
    expect(add).toHaveAccessibleDescription(/^Drag photos here, .* Up to 5 photos, 15 MB each: JPEG, PNG/);
    // Its words are its name alone: the hint is under them, not in the button (a voice command
    // says the words seen). A click on them (not only on its "+") opens the file chooser.
    expect(add).toHaveTextContent(/^\+Add photos$/);
    expect(add.parentElement).toHaveTextContent(/Up to 5 photos/);
    const chooser = screen.getByLabelText("Reference photos");
    const opened = vi.fn();
    chooser.addEventListener("click", opened);
    await user.click(within(add).getByText("Add photos"));
    expect(opened).toHaveBeenCalled();

    await addPhoto(user);
    const tile = screen.getByRole("button", { name: "Add photos" });
    expect(tile).toHaveTextContent(/^\+Add photos$/);
    // Once photos are in, the note under them is short: the limits, not the types again.
    expect(tile).toHaveAccessibleDescription(/^Drag photos here, .* Up to 5 photos, 15 MB each\.$/);
  });

  it("says nothing of how to add more once the photos fill the form", async () => {
    given();
    const user = await openAsAlice();
    await user.upload(
      screen.getByLabelText("Reference photos"),
      Array.from({ length: 5 }, (_, n) => file(`p${n}.jpg`, "image/jpeg")),
    );
    expect(await screen.findByText("5 / 5")).toBeInTheDocument();
    expect(screen.queryByText(/Up to 5 photos/)).not.toBeInTheDocument();
    expect(screen.queryByText(/Drag photos here/)).not.toBeInTheDocument();
  });
});
