/** The words of the form's notes: short sentences, what happened first, then what to do. */
import { cleanup, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { http, users } from "../../../test/api";
import { addPhoto, given, openAsAlice, renderImages } from "../../../test/render";

describe("the photos put aside for another user", () => {
  it("names whose they are, then how to get them back", async () => {
    // Bob has identities, as Alice does: another person, whose image the photos must not make.
    const bob = { ...users[1]!, id: "4", username: "test-bob", display_name: "Bob Test" };
    given(http.get("/v1/users", ({ response }) => response(200).json({ users: [...users, bob] })));
    const user = await openAsAlice();
    await addPhoto(user);
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "4");
    expect(
      await screen.findByText("Alice Test's photos are set aside. Choose Alice Test again to bring them back."),
    ).toHaveAttribute("role", "status");

    // A reload keeps the photos aside, and says so again.
    cleanup();
    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "User" })).toHaveValue("4"));
    expect(
      await screen.findByText("Alice Test's photos are set aside. Choose Alice Test again to bring them back."),
    ).toBeInTheDocument();
  });

  it("says the same on a user with no identities", async () => {
    given();
    const user = await openAsAlice();
    await addPhoto(user);
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
    await screen.findByText("No identity to add photos for.");
    expect(
      screen.getByText("Alice Test's photos are set aside. Choose Alice Test again to bring them back."),
    ).toHaveAttribute("role", "status");
    expect(screen.queryByText(/another person's face/)).not.toBeInTheDocument();
  });
});

describe("the note under the photos", () => {
  it("names each accepted type once, by its name, after how many photos and how large", async () => {
    given();
    await openAsAlice();
    expect(screen.getByRole("button", { name: "Add photos" })).toHaveAccessibleDescription(
      /^Drag photos here, .* Up to 5 photos, 15 MB each: JPEG, PNG, WEBP, HEIC or HEIF \(a larger JPEG, PNG or WEBP is made smaller\)\.$/,
    );
  });
});
