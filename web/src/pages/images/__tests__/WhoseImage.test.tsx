/** Choosing whose image: the User and Identity selects, what a user with no identities gets, the photos set aside for another user, and the identity's image. */
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { HostIdentity } from "../../../api/imageGeneration";
import { http, identities } from "../../../test/api";
import { addPhoto, given, openAsAlice, pickAlice, renderImages, thumbnail } from "../../../test/render";

describe("whose image", () => {
  it("defaults to Me, lists the test users, and shows a user's identities", async () => {
    given();
    const user = userEvent.setup();
    renderImages();
    const userSelect = await screen.findByRole("combobox", { name: "User" });
    await waitFor(() => expect(userSelect).toHaveDisplayValue("Me (Ada Admin)"));
    expect(within(userSelect).getByRole("option", { name: "Alice Test · test user" })).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByRole("combobox", { name: "Identity" })).toHaveDisplayValue("This user has no identities"),
    );
    expect(screen.getByText("No generations: this user has no identities.")).toBeInTheDocument();
    expect(screen.queryByText("Nothing chosen")).not.toBeInTheDocument();
    // The result pane does not ask for photos that cannot be added.
    const result = screen.getByRole("region", { name: "Result" });
    expect(within(result).getByText("No identity to generate for.")).toBeInTheDocument();
    expect(within(result).queryByText(/Add photos/)).not.toBeInTheDocument();
    // No photos for nobody: "Add photos" stays reachable, and says why it does nothing.
    const addPhotos = screen.getByRole("button", { name: "Add photos" });
    expect(addPhotos).toHaveAttribute("aria-disabled", "true");
    expect(addPhotos).toHaveAccessibleDescription("No identity to add photos for.");
    await pickAlice(user);
    expect(addPhotos).toHaveAttribute("aria-disabled", "false");
    // "Alice the chef" has no image yet: her initials, as people write them.
    expect(screen.getByRole("img", { name: "Alice the chef has no image yet" })).toHaveTextContent(/^AC$/);
    expect(screen.queryByText(/to see its generations|so no generations/)).not.toBeInTheDocument();
    expect(screen.getByRole("option", { name: identities[1]!.name })).toBeInTheDocument();
    expect(screen.getByText("No generations for this identity yet. The first one will show here.")).toBeInTheDocument();
    expect(within(result).getByText(/^Add photos, write a prompt if you like, and press Generate/)).toBeInTheDocument();
  });

  it("puts the photos aside when another user is chosen (their face must not make this one's image), and back with them", async () => {
    given();
    const user = await openAsAlice();
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    await addPhoto(user);
    expect(screen.getByText("1 / 5")).toBeInTheDocument(); // kept across identities of one user
    // And said so, under the photos' heading: on another identity of Alice's, a new admin
    // found them there unannounced.
    expect(screen.getByText("Alice Test's, for both of their identities")).toBeInTheDocument();
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
    expect(await screen.findByText("0 / 5")).toBeInTheDocument();
    expect(screen.getByText("Alice Test's photos are set aside. Choose Alice Test again to bring them back.")).toHaveAttribute("role", "status");
    expect(screen.getByText("Choose a user who has identities.")).toBeInTheDocument();
    // Back to Alice (as an arrow key through the list would): her identity and her photo, as she left them.
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "3");
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-pilot"));
    expect(screen.getByText("1 / 5")).toBeInTheDocument();
    expect(thumbnail("front.jpg")).toBeInTheDocument();
    expect(screen.queryByText(/set aside/)).not.toBeInTheDocument();
    // Said, as their going was: they come back in tiles, seen, not heard.
    expect(screen.getAllByRole("status").map((region) => region.textContent)).toContain("Alice Test's photo is back.");
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));

    // Put aside again, then a reload: they still come back with Alice.
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
    expect(await screen.findByText("0 / 5")).toBeInTheDocument();
    cleanup();
    renderImages();
    const users = await screen.findByRole("combobox", { name: "User" });
    await waitFor(() => expect(users).toBeEnabled());
    await user.selectOptions(users, "3");
    expect(await screen.findByText("1 / 5")).toBeInTheDocument();
    expect(screen.getByText("front.jpg")).toBeInTheDocument();
  });

  it("takes no photos for a user who has no identities", async () => {
    given();
    renderImages();
    await waitFor(() =>
      expect(screen.getByRole("combobox", { name: "Identity" })).toHaveDisplayValue("This user has no identities"),
    );
    expect(screen.getByRole("button", { name: "Add photos" })).toHaveAttribute("aria-disabled", "true");
  });

  it("shows the identity's image from its small rendition, or the image itself when there is none", async () => {
    given(chefWithImage());
    await openAsAlice();
    const pickers = screen.getByRole("region", { name: "Whose image" });
    const image = within(pickers).getByRole("img", { name: "Alice the chef, as it looks now" });
    expect(image).toHaveAttribute("src", "http://s3.test/j1.preview.jpg");
    fireEvent.error(image);
    expect(within(pickers).getByRole("img", { name: "Alice the chef, as it looks now" })).toHaveAttribute(
      "src",
      "http://s3.test/j1.png",
    );
  });

  it("offers the identity's image by its renditions, the box's width said (a 64 px square takes the small one up to 3x)", async () => {
    const renditions = [
      { url: "http://s3.test/j1.small.jpg", width: 384, height: 214 },
      { url: "http://s3.test/j1.preview.jpg", width: 768, height: 429 },
      { url: "http://s3.test/j1.large.jpg", width: 1376, height: 768 },
    ];
    given(chefWithImage({ image_renditions: renditions }));
    await openAsAlice();
    const pickers = screen.getByRole("region", { name: "Whose image" });
    const image = within(pickers).getByRole("img", { name: "Alice the chef, as it looks now" });
    expect(image).toHaveAttribute("src", "http://s3.test/j1.preview.jpg");
    expect(image).toHaveAttribute(
      "srcset",
      "http://s3.test/j1.small.jpg 384w, http://s3.test/j1.preview.jpg 768w, http://s3.test/j1.large.jpg 1376w",
    );
    expect(image).toHaveAttribute("sizes", "64px");
    // Its renditions unreadable, the image itself, alone.
    fireEvent.error(image);
    const fallback = within(pickers).getByRole("img", { name: "Alice the chef, as it looks now" });
    expect(fallback).toHaveAttribute("src", "http://s3.test/j1.png");
    expect(fallback).not.toHaveAttribute("srcset");
  });
});

/** Alice's chef with a generated image (its preview too), and `more` of the identity's fields. */
function chefWithImage(more: Partial<HostIdentity> = {}) {
  return http.get("/v1/users/{user_id}/identities", ({ response }) =>
    response(200).json({
      identities: [
        {
          ...identities[0]!,
          image_path: "generated/identities/id-chef/j1.png",
          image_url: "http://s3.test/j1.png",
          image_preview_url: "http://s3.test/j1.preview.jpg",
          ...more,
        },
      ],
    }),
  );
}
