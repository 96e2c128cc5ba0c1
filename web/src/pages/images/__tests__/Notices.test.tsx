/** The words of the form's notes: short sentences, what happened first, then what to do. */
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { addPhoto, given, openAsAlice } from "../../../test/render";

describe("the photos put aside for another user", () => {
  it("says why in a sentence of its own, then how to get them back", async () => {
    given();
    const user = await openAsAlice();
    await addPhoto(user);
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
    expect(
      await screen.findByText(
        "The previous user's photos were put aside: another person's face must not make this image. Choose that user again to bring them back.",
      ),
    ).toHaveAttribute("role", "status");
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
