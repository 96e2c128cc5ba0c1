/** What the page keeps of the admin's draft: in a new tab, across a visit to another page or a reload (the photos too), and what a log out forgets. */
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { forgetImagesDraft } from "../Images";
import { jobService } from "../../../test/jobService";
import { addPhoto, findThumbnail, given, openAsAlice, pickAlice, renderImages, thumbnail, thumbnails } from "../../../test/render";

describe("the admin's draft", () => {
  it("opens a new tab on the user, their identity and the options last chosen in this browser, not on the prompt", async () => {
    given();
    const user = await openAsAlice();
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    await user.selectOptions(screen.getByRole("combobox", { name: "Aspect ratio" }), "1:1");
    await user.selectOptions(screen.getByRole("combobox", { name: "Size" }), "1K");
    await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "2");
    await user.type(screen.getByRole("textbox", { name: "Prompt" }), "this tab's words");
    cleanup();
    sessionStorage.clear(); // a new tab
    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "User" })).toHaveValue("3"));
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-pilot"));
    expect(screen.getByRole("combobox", { name: "Aspect ratio" })).toHaveValue("1:1");
    expect(screen.getByRole("combobox", { name: "Size" })).toHaveValue("1K");
    expect(screen.getByRole("combobox", { name: "Variants" })).toHaveValue("2");
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("");
  });

  it("keeps the user, the identity, the photos and the prompt across a visit to another page", async () => {
    const service = jobService();
    given(...service.handlers);
    const user = userEvent.setup();
    const first = renderImages();
    await pickAlice(user);
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    await addPhoto(user);
    await user.type(screen.getByRole("textbox", { name: "Prompt" }), "by the sea");
    await user.selectOptions(screen.getByRole("combobox", { name: "Size" }), "2K");
    first.unmount();

    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-pilot"), {
      timeout: 4000,
    });
    expect(screen.getByRole("combobox", { name: "User" })).toHaveValue("3");
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("by the sea");
    expect(screen.getByRole("combobox", { name: "Size" })).toHaveValue("2K");
    expect(thumbnail("front.jpg")).toHaveAttribute("src", expect.stringMatching(/^blob:/));
    expect(screen.getByText("1 / 5")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({
      identity_id: "id-pilot",
      prompt: "by the sea",
      reference_keys: [expect.stringMatching(/^uploads\/1\/u\//)],
    });
  });

  it("keeps each identity's prompt its own: another identity's never waits in the form, and each comes back with its identity", async () => {
    const service = jobService();
    given(...service.handlers);
    const user = await openAsAlice();
    const prompt = () => screen.getByRole("textbox", { name: "Prompt" });
    const identity = screen.getByRole("combobox", { name: "Identity" });
    await addPhoto(user);
    await user.type(prompt(), "in a busy kitchen");
    await user.selectOptions(screen.getByRole("combobox", { name: "Size" }), "2K");

    await user.selectOptions(identity, "id-pilot");
    expect(prompt()).toHaveValue("");
    // The options are the admin's, the same for every identity; the photos, the person's.
    expect(screen.getByRole("combobox", { name: "Size" })).toHaveValue("2K");
    expect(screen.getByText("1 / 5")).toBeInTheDocument();
    await user.type(prompt(), "in the cockpit");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({ identity_id: "id-pilot", prompt: "in the cockpit" });

    await user.selectOptions(identity, "id-chef");
    expect(prompt()).toHaveValue("in a busy kitchen");
    // A user with no identities has no prompt either, and none can be written: it would be
    // nobody's (it went to the next identity chosen, or vanished).
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
    expect(prompt()).toHaveValue("");
    await user.type(prompt(), "nobody's");
    expect(prompt()).toHaveValue("");
    cleanup();

    // A reload gives each identity its own back.
    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "User" })).toHaveValue("1"));
    await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "3");
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveValue("id-chef"));
    expect(prompt()).toHaveValue("in a busy kitchen");
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    expect(prompt()).toHaveValue("in the cockpit");
  });

  it("forgets the user, the photos and the prompt once the host logs the admin out, and keeps the options", async () => {
    given();
    const user = userEvent.setup();
    const first = renderImages();
    await pickAlice(user);
    await addPhoto(user);
    await user.type(screen.getByRole("textbox", { name: "Prompt" }), "by the sea");
    await user.selectOptions(screen.getByRole("combobox", { name: "Aspect ratio" }), "3:4");
    await user.selectOptions(screen.getByRole("combobox", { name: "Size" }), "2K");
    await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "3");
    first.unmount();
    // The views last chosen, of the history and of Compare, as the page keeps them.
    for (const storage of [sessionStorage, localStorage]) {
      storage.setItem("identity-images.historyView", JSON.stringify("results"));
      storage.setItem("identity-images.compareView", JSON.stringify("overlaid"));
      storage.setItem("identity-images.historyHidesFailed", JSON.stringify(true));
    }
    const stored = (storage: Storage) => Object.keys(storage).filter((name) => name.startsWith("identity-images.")).sort();
    expect(stored(localStorage)).toContain("identity-images.user");
    forgetImagesDraft();
    // What says something of a person goes; the options, a habit of this browser, stay for
    // the next log in (else it opens on the config's defaults, the dearest size among them),
    // as do the views last chosen.
    const options = [
      "identity-images.aspectRatio",
      "identity-images.compareView",
      "identity-images.historyHidesFailed",
      "identity-images.historyView",
      "identity-images.imageSize",
      "identity-images.variants",
    ];
    expect(stored(localStorage)).toEqual(options);
    expect(stored(sessionStorage)).toEqual(options);

    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "User" })).toHaveValue("1"));
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("");
    expect(thumbnails("front.jpg")).toHaveLength(0);
    expect(screen.getByRole("combobox", { name: "Aspect ratio" })).toHaveValue("3:4");
    expect(screen.getByRole("combobox", { name: "Size" })).toHaveValue("2K");
    expect(screen.getByRole("combobox", { name: "Variants" })).toHaveValue("3");
  });

  it("gives an admin a clean form where another admin's session ended, and keeps an admin's own", async () => {
    given();
    const user = userEvent.setup();
    const first = renderImages();
    await pickAlice(user);
    await addPhoto(user);
    await user.type(screen.getByRole("textbox", { name: "Prompt" }), "by the sea");
    first.unmount();

    // The same admin (the caller, first among the users) comes back: all is there.
    const again = renderImages();
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("by the sea"));
    expect(thumbnail("front.jpg")).toBeInTheDocument();
    again.unmount();

    // Another admin at this browser: nothing of the last one's.
    localStorage.setItem("identity-images.owner", JSON.stringify("2"));
    renderImages();
    await waitFor(() => expect(screen.getByRole("combobox", { name: "User" })).toHaveValue("1"));
    expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue("");
    expect(thumbnails("front.jpg")).toHaveLength(0);
  });

  it("brings back photos uploaded before a reload, by their keys, without thumbnails", async () => {
    const service = jobService();
    given(...service.handlers);
    sessionStorage.setItem("identity-images.user", JSON.stringify("3"));
    sessionStorage.setItem(
      "identity-images.photos",
      JSON.stringify([{ name: "side.jpg", size: 1000, contentType: "image/jpeg", key: "uploads/1/u/9.jpg" }]),
    );
    const user = userEvent.setup();
    renderImages();
    expect(await screen.findByRole("img", { name: "side.jpg (no preview)" })).toHaveTextContent(
      "uploaded before the reload",
    );
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({ reference_keys: ["uploads/1/u/9.jpg"] });
  });

  it("keeps a small copy of each uploaded photo, its thumbnail after a reload", async () => {
    const copy = "data:image/jpeg;base64,c21hbGw=";
    const bitmap = { width: 800, height: 600, close: vi.fn() };
    vi.stubGlobal("createImageBitmap", vi.fn().mockResolvedValue(bitmap));
    const drawImage = vi.fn();
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue({ drawImage } as never);
    vi.spyOn(HTMLCanvasElement.prototype, "toDataURL").mockReturnValue(copy);
    try {
      given();
      const user = await openAsAlice();
      await addPhoto(user);
      await waitFor(() =>
        expect(JSON.parse(sessionStorage.getItem("identity-images.photos") ?? "[]")).toMatchObject([
          { name: "front.jpg", smallCopy: copy },
        ]),
      );
      expect(drawImage).toHaveBeenCalledWith(bitmap, 0, 0, 160, 120);
    } finally {
      vi.unstubAllGlobals();
      vi.restoreAllMocks();
    }
  });

  it("shows a photo from before a reload by its small copy", async () => {
    given();
    sessionStorage.setItem("identity-images.user", JSON.stringify("3"));
    const copy = "data:image/jpeg;base64,c21hbGw=";
    sessionStorage.setItem(
      "identity-images.photos",
      JSON.stringify([{ name: "side.jpg", size: 1000, contentType: "image/jpeg", key: "uploads/1/u/9.jpg", smallCopy: copy }]),
    );
    renderImages();
    expect(await findThumbnail("side.jpg")).toHaveAttribute("src", copy);
  });

  it("says after a reload that a photo was made smaller to fit", async () => {
    given();
    sessionStorage.setItem("identity-images.user", JSON.stringify("3"));
    sessionStorage.setItem(
      "identity-images.photos",
      JSON.stringify([
        { name: "export.png", size: 3_000_004, contentType: "image/jpeg", key: "uploads/1/u/9.jpg", shrunkFrom: 20 * 1024 * 1024 },
      ]),
    );
    renderImages();
    expect(await screen.findByText("Made smaller to fit, from 20 MB, as a JPEG")).toBeInTheDocument();
  });
});
