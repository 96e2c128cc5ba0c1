/** Adding reference photos: the checks before anything is sent, the type each is sent as, the photos over the count, removing, and pasting. */
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { http, S3, uploadsNoting } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import {
  addPhoto,
  file,
  findThumbnail,
  given,
  openAsAlice,
  openWithFivePhotos,
  pickAlice,
  renderImages,
  thumbnail,
  thumbnails,
  timePasses,
} from "../../../test/render";
import { realHeic } from "../../../test/fixtures/heic";
import { SAID_FOR_MS } from "../hooks/use-said-a-while";

describe("adding photos", () => {
  it("checks each photo before sending anything: type, contents, size and count", async () => {
    let asked = 0;
    given(http.post("/v1/uploads", async ({ request, response }) => {
        const files = (await request.json()).files;
        asked += files.length;
        return response(201).json({
          upload_id: "u",
          expires_at: new Date().toISOString(),
          uploads: files.map((_, n) => ({
            key: `uploads/1/u/${asked}-${n}.jpg`,
            url: S3,
            fields: { key: `uploads/1/u/${asked}-${n}.jpg` },
            content_type: "image/jpeg" as const,
            max_bytes: 1,
          })),
        });
      }),
    );
    const user = await openAsAlice({ applyAccept: false });
    const input = screen.getByLabelText("Reference photos");
    await user.upload(input, [
      file("notes.txt", "text/plain"),
      file("renamed.jpg", "image/jpeg", 1000, Array.from("plain text", (c) => c.charCodeAt(0))),
      file("huge.jpg", "image/jpeg", 16 * 1024 * 1024),
      ...Array.from({ length: 6 }, (_, n) => file(`p${n}.jpg`, "image/jpeg")),
    ]);
    const tiles = within(screen.getByRole("list", { name: "Selected photos" }));
    expect(await tiles.findByText(/Not an accepted image type/)).toBeInTheDocument();
    // Short on its narrow tile; what to do next is said, and in its title.
    const notReal = await tiles.findByText("Not a real JPEG.");
    const nextStep = "Not a real JPEG. It is not sent: remove it, or add it again saved as a JPEG, PNG or WEBP.";
    expect(notReal.parentElement).toHaveAttribute("title", nextStep);
    expect(tiles.getByRole("listitem", { name: `renamed.jpg ${nextStep}` })).toBeInTheDocument();
    expect(tiles.getByText("16 MB is over the 15 MB limit.")).toBeInTheDocument();
    // Said together, though the renamed text file was found out once its bytes were read.
    expect(document.querySelector("[aria-live=assertive]")).toHaveTextContent(
      /^notes\.txt: Not an accepted image type .+ huge\.jpg: 16 MB is over the 15 MB limit\. renamed\.jpg: Not a real JPEG\. It is not sent: remove it, or add it again saved as a JPEG, PNG or WEBP\.$/,
    );
    // Nor said to be added first: of nine files, the six photos came.
    await waitFor(() =>
      expect(screen.getAllByRole("status").map((region) => region.textContent)).toContain("Added 6 photos. 1 waits for a place."),
    );
    // Each refused file says the next Generate goes without it.
    expect(screen.getAllByText("Not sent")).toHaveLength(3);
    // The renamed text file held a place until its bytes were read; p4 has it now.
    const waiting = "1 photo waits: only 5 per generation; it is added when you remove one.";
    await waitFor(() => expect(screen.getByText(waiting)).toBeInTheDocument());
    expect(screen.getAllByText("Waiting for a place")).toHaveLength(1);
    await waitFor(() => expect(asked).toBe(5));
    expect(screen.getByText("5 / 5")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add photos" })).not.toBeInTheDocument();

    // Removing a photo adds the one that waited for a place.
    await user.click(screen.getByRole("button", { name: "Remove p0.jpg" }));
    await waitFor(() => expect(asked).toBe(6));
    expect(screen.queryByText(waiting)).not.toBeInTheDocument();
    expect(screen.getByText("5 / 5")).toBeInTheDocument();
  });

  it("sends a photo named for another image type as the type it is", async () => {
    const asked: { content_type: string; size: number }[] = [];
    given(uploadsNoting(asked));
    const user = await openAsAlice({ applyAccept: false });
    // A JPEG saved as ".heic" (and typed so by the system), a PNG as ".jpg".
    await user.upload(screen.getByLabelText("Reference photos"), [
      file("portrait.heic", "image/heic", 1000, [0xff, 0xd8, 0xff, 0xe0]),
      file("scan.jpg", "image/jpeg", 1000, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    ]);
    await waitFor(() => expect(asked).toHaveLength(2));
    expect(asked).toEqual([
      expect.objectContaining({ content_type: "image/jpeg", filename: "portrait.jpg" }),
      expect.objectContaining({ content_type: "image/png", filename: "scan.png" }),
    ]);
    // Shown by the names the admin knows, the JPEG drawn (not a HEIC's placeholder), no error.
    expect(await findThumbnail("portrait.heic")).toBeInTheDocument();
    expect(thumbnail("scan.jpg")).toBeInTheDocument();
    expect(screen.queryByText(/^Not a real /)).not.toBeInTheDocument();
  });

  it("shows a placeholder for HEIC, accepted by its extension", async () => {
    given();
    const user = await openAsAlice({ applyAccept: false });
    await user.upload(screen.getByLabelText("Reference photos"), file("side.HEIC", ""));
    expect(await screen.findByRole("img", { name: "side.HEIC (no preview)" })).toBeInTheDocument();
    expect(screen.queryByText(/Not an accepted image type/)).not.toBeInTheDocument();
  });

  it("refuses a HEIC whose boxes run past its end on its tile before sending it; a whole one goes", async () => {
    const asked: { content_type: string; size: number }[] = [];
    given(uploadsNoting(asked));
    const user = await openAsAlice({ applyAccept: false });
    const heic = realHeic();
    // As an admin's review had it: a HEIC's header, then random bytes (the worker found it
    // "truncated" a generation later); and a real HEIC cut in its pixels.
    const fake = new Uint8Array(4000);
    fake.set([0, 0, 0, 24, ...Array.from("ftypheic", (c) => c.charCodeAt(0))]);
    for (let at = 12; at < fake.length; at += 1) fake[at] = (at * 7919) % 251;
    await user.upload(screen.getByLabelText("Reference photos"), [
      new File([heic], "whole.heic", { type: "" }),
      new File([fake], "IMG_0042.HEIC", { type: "" }),
      new File([heic.subarray(0, heic.length - 100)], "cut.heic", { type: "image/heic" }),
    ]);
    const tiles = within(screen.getByRole("list", { name: "Selected photos" }));
    const damaged = "This photo could not be opened; it may be damaged.";
    for (const name of ["IMG_0042.HEIC", "cut.heic"]) {
      expect(await tiles.findByRole("listitem", { name: `${name} ${damaged}` })).toHaveTextContent("Not sent");
    }
    await waitFor(() => expect(asked).toHaveLength(1));
    expect(asked).toEqual([expect.objectContaining({ content_type: "image/heic", filename: "whole.heic", size: heic.length })]);
    expect(await tiles.findByRole("listitem", { name: /^whole\.heic 714 B/ })).toBeInTheDocument();
    expect(screen.getByText("1 / 5")).toBeInTheDocument();
  });

  it("marks a HEIC this browser could not draw as sent, to be checked when it generates, not with the tick", async () => {
    given();
    const first = renderImages();
    const user = userEvent.setup({ applyAccept: false });
    await pickAlice(user);
    await user.upload(screen.getByLabelText("Reference photos"), [new File([realHeic()], "side.heic", { type: "" }), file("front.jpg", "image/jpeg")]);
    const tiles = within(screen.getByRole("list", { name: "Selected photos" }));
    const heic = await tiles.findByRole("listitem", { name: "side.heic 714 B, sent, checked when you generate" });
    expect(heic).toHaveTextContent("Checked at Generate");
    expect(within(heic).queryByText("✓")).not.toBeInTheDocument();
    // A photo the browser drew keeps its tick.
    const jpeg = await tiles.findByRole("listitem", { name: "front.jpg 1000 B, uploaded" });
    expect(within(jpeg).getByText("✓")).toBeInTheDocument();
    expect(jpeg).not.toHaveTextContent(/checked (when you generate|at Generate)/i);

    // So it stays after a reload.
    await waitFor(() => expect(sessionStorage.getItem("identity-images.photos")).toContain("unchecked"));
    first.unmount();
    renderImages();
    const again = await screen.findByRole("listitem", { name: "side.heic 714 B, sent, checked when you generate" });
    expect(within(again).queryByText("✓")).not.toBeInTheDocument();
  });

  it("gives a HEIC the browser draws (Safari) the tick", async () => {
    vi.stubGlobal("createImageBitmap", async () => ({ width: 640, height: 480, close: () => undefined }));
    given();
    const user = await openAsAlice({ applyAccept: false });
    await user.upload(screen.getByLabelText("Reference photos"), new File([realHeic()], "side.heic", { type: "" }));
    const tile = await screen.findByRole("listitem", { name: "side.heic 714 B, uploaded" });
    expect(within(tile).getByText("✓")).toBeInTheDocument();
    expect(tile).not.toHaveTextContent(/checked (when you generate|at Generate)/i);
    vi.unstubAllGlobals();
  });

  it("refuses a file named .heic whose ftyp names no HEIF brand (a video) as not a real HEIC", async () => {
    const asked: { content_type: string; size: number }[] = [];
    given(uploadsNoting(asked));
    const user = await openAsAlice({ applyAccept: false });
    const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
    const video = Uint8Array.from([0, 0, 0, 24, ...ascii("ftypisom"), 0, 0, 2, 0, ...ascii("isomiso2mp41"), 0, 0, 0, 0, ...ascii("mdat")]);
    await user.upload(screen.getByLabelText("Reference photos"), new File([video], "clip.heic", { type: "" }));
    expect(await screen.findByText("Not a real HEIC.")).toBeInTheDocument();
    await timePasses(50);
    expect(asked).toHaveLength(0);
  });

  it("refuses a photo over the count that is no image as it comes, not once a place frees up", async () => {
    const asked: { content_type: string; size: number }[] = [];
    const { user, input } = await openWithFivePhotos(asked);
    await user.upload(input, [
      file("notes.jpg", "image/jpeg", 1000, Array.from("plain text", (c) => c.charCodeAt(0))),
      file("p5.jpg", "image/jpeg"),
    ]);
    const notes = (await screen.findByText("Not a real JPEG.")).closest("li")!;
    expect(within(notes).getByText("notes.jpg")).toBeInTheDocument();
    expect(within(notes).queryByText("Waiting for a place")).not.toBeInTheDocument();
    // The real photo still waits, and the form says so for it alone.
    expect(screen.getAllByText("Waiting for a place")).toHaveLength(1);
    expect(screen.getByText("1 photo waits: only 5 per generation; it is added when you remove one.")).toBeInTheDocument();
    expect(asked).toHaveLength(5);
    // One the browser cannot draw shows a placeholder, not a broken image, and still waits:
    // it is judged once it has a place.
    fireEvent.error(thumbnail("p5.jpg"));
    expect(screen.getByRole("img", { name: "p5.jpg (no preview)" })).toBeInTheDocument();
    expect(screen.getByText("Waiting for a place")).toBeInTheDocument();
  });

  it("says once, not on each tile, that photos over the count wait for a place", async () => {
    given();
    const user = await openAsAlice();
    await user.upload(
      screen.getByLabelText("Reference photos"),
      Array.from({ length: 8 }, (_, n) => file(`p${n}.jpg`, "image/jpeg")),
    );
    expect(
      await screen.findByText("3 photos wait: only 5 per generation; one is added for each photo you remove."),
    ).toBeInTheDocument();
    expect(screen.getAllByText("Waiting for a place")).toHaveLength(3);
  });

  it("gives the place of a photo the browser cannot open to a photo waiting for one", async () => {
    given();
    const user = await openAsAlice();
    const six = Array.from({ length: 6 }, (_, n) => file(`p${n}.jpg`, "image/jpeg"));
    await user.upload(screen.getByLabelText("Reference photos"), six);
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    expect(screen.getByText("1 photo waits: only 5 per generation; it is added when you remove one.")).toBeInTheDocument();
    // The photo that waits shows as it is: the admin sees which one it is.
    expect(thumbnail("p5.jpg")).toBeInTheDocument();
    fireEvent.error(thumbnail("p0.jpg"));
    expect(await screen.findByText("This photo could not be opened; it may be damaged.")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText(/it is added when you remove one/)).not.toBeInTheDocument());
    expect(await findThumbnail("p5.jpg")).toBeInTheDocument();
  });

  it("leaves 'Added' in its hidden region for a few seconds only, not for a screen reader to meet later", async () => {
    given();
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    const said = () => screen.getAllByRole("status").map((region) => region.textContent);
    await waitFor(() => expect(said()).toContain("Added 1 photo."));
    await timePasses(SAID_FOR_MS);
    expect(said()).not.toContain("Added 1 photo.");
  });

  it("does not add a photo the form holds already, and says so", async () => {
    given();
    const user = await openAsAlice();
    const input = screen.getByLabelText("Reference photos");
    await user.upload(input, [file("front.jpg", "image/jpeg"), file("side.jpg", "image/jpeg")]);
    await user.upload(input, [file("front.jpg", "image/jpeg"), file("back.jpg", "image/jpeg")]);
    expect(thumbnails("front.jpg")).toHaveLength(1);
    expect(thumbnail("back.jpg")).toBeInTheDocument();
    expect(screen.getByText("3 / 5")).toBeInTheDocument();
    // Seen under the photos (no tile came for it), and said with what came.
    expect(screen.getByText("“front.jpg” is in the form already.")).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getAllByRole("status").some((region) => region.textContent === "Added 1 photo. “front.jpg” is in the form already.")).toBe(true),
    );
    // Shown while it is so: not once the photo is removed.
    await user.click(screen.getByRole("button", { name: "Remove front.jpg" }));
    expect(screen.queryByText("“front.jpg” is in the form already.")).toBeNull();
    // Another file of that name is another photo.
    await user.upload(input, [file("side.jpg", "image/jpeg", 2000)]);
    expect(thumbnails("side.jpg")).toHaveLength(2);
    // Said once its bytes are read: the last add's words stand until then.
    await waitFor(() => expect(screen.getAllByRole("status").map((region) => region.textContent)).toContain("Added 1 photo."));
    expect(screen.queryByText(/in the form already/)).toBeNull();
  });

  it("moves the focus to Add photos when a photo is removed", async () => {
    given();
    const user = await openAsAlice();
    await addPhoto(user);
    await user.click(screen.getByRole("button", { name: "Remove front.jpg" }));
    expect(screen.getByRole("button", { name: "Add photos" })).toHaveFocus();
  });

  it("removes every refused file at once, and takes an image pasted into the prompt", async () => {
    given();
    const user = await openAsAlice({ applyAccept: false });
    await user.upload(screen.getByLabelText("Reference photos"), [
      file("notes.txt", "text/plain"),
      file("empty.jpg", "image/jpeg", 0),
      file("front.jpg", "image/jpeg"),
    ]);
    await user.click(await screen.findByRole("button", { name: "Remove the 2 refused files" }));
    expect(screen.getByRole("button", { name: "Add photos" })).toHaveFocus();
    const photos = within(screen.getByRole("list", { name: "Selected photos" }));
    expect(photos.queryByText("notes.txt")).not.toBeInTheDocument();
    expect(photos.queryByText("empty.jpg")).not.toBeInTheDocument();
    expect(photos.getByText("front.jpg")).toBeInTheDocument();

    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    await user.click(prompt);
    fireEvent.paste(prompt, { clipboardData: { files: [file("pasted.png", "image/png")], getData: () => "" } });
    expect(await photos.findByText("pasted.png")).toBeInTheDocument();
    // Text pasted with an image stays the prompt's.
    fireEvent.paste(prompt, { clipboardData: { files: [file("other.png", "image/png")], getData: () => "words" } });
    expect(photos.queryByText("other.png")).not.toBeInTheDocument();
  });

  it("takes an image pasted with nothing focused, not one pasted into the host's own editor", async () => {
    given();
    await openAsAlice();
    const photos = () => within(screen.getByRole("list", { name: "Selected photos" }));
    const image = (name: string) => ({ clipboardData: { files: [file(name, "image/png")], getData: () => "" } });
    // The host's page around the tab: a rich-text editor of its own.
    const editor = document.body.appendChild(document.createElement("div"));
    editor.contentEditable = "true";
    try {
      fireEvent.paste(editor, image("for-the-host.png"));
      fireEvent.paste(document.body, image("for-the-tab.png"));
      expect(await photos().findByText("for-the-tab.png")).toBeInTheDocument();
      expect(photos().queryByText("for-the-host.png")).not.toBeInTheDocument();
    } finally {
      editor.remove();
    }
  });

  it("takes an image pasted with nothing focused only when the page is where the admin last pressed", async () => {
    given();
    const user = await openAsAlice();
    const photos = () => within(screen.getByRole("list", { name: "Selected photos" }));
    const image = (name: string) => ({ clipboardData: { files: [file(name, "image/png")], getData: () => "" } });
    // The host's chrome around the tab (its sidebar's words): a press there, then Ctrl+V with
    // the focus on the body, is for the host.
    const sidebar = document.body.appendChild(document.createElement("p"));
    sidebar.textContent = "Dashboard";
    try {
      await user.pointer({ keys: "[MouseLeft]", target: sidebar });
      fireEvent.paste(document.body, image("for-the-host.png"));
      await user.pointer({ keys: "[MouseLeft]", target: screen.getByRole("heading", { name: "Reference photos" }) });
      fireEvent.paste(document.body, image("for-the-tab.png"));
      expect(await photos().findByText("for-the-tab.png")).toBeInTheDocument();
      expect(photos().queryByText("for-the-host.png")).not.toBeInTheDocument();
    } finally {
      sidebar.remove();
    }
  });
});

describe("a drop on the photos' box", () => {
  /** A drag event of `type` carrying `data` (as the platform's DataTransfer would). */
  function drag(target: Element, type: string, data: Partial<DataTransfer>): boolean {
    const event = new Event(type, { bubbles: true, cancelable: true });
    Object.defineProperty(event, "dataTransfer", { value: { types: ["Files"], files: [], items: [], ...data } });
    act(() => void target.dispatchEvent(event));
    return event.defaultPrevented;
  }
  /** A folder as `webkitGetAsEntry` gives it: its entries read in batches, then an empty one. */
  function folder(name: string, children: object[]): object {
    return {
      name,
      isFile: false,
      isDirectory: true,
      createReader: () => {
        let read = false;
        return { readEntries: (done: (entries: object[]) => void) => done(read ? [] : ((read = true), children)) };
      },
    };
  }
  function entryOf(f: File): object {
    return { name: f.name, isFile: true, isDirectory: false, file: (done: (f: File) => void) => done(f) };
  }
  /** A folder the browser may not read (no permission): its reader calls back with an error,
   * at once or after `batch`. */
  function unreadableFolder(name: string, batch: object[] = []): object {
    return {
      name,
      isFile: false,
      isDirectory: true,
      createReader: () => {
        let read = batch.length === 0;
        return {
          readEntries: (done: (entries: object[]) => void, fail: (error: DOMException) => void) =>
            read ? fail(new DOMException("A requested file or directory could not be found", "NotFoundError")) : done(((read = true), batch)),
        };
      },
    };
  }
  /** A file moved or deleted since it was dropped: its entry's `file` calls back with an error. */
  function unreadableEntry(name: string): object {
    return {
      name,
      isFile: true,
      isDirectory: false,
      file: (_done: unknown, fail: (error: DOMException) => void) => fail(new DOMException("gone", "NotFoundError")),
    };
  }
  /** The items of a drop of `entries`, each a folder or file entry as `webkitGetAsEntry` gives it. */
  function itemsOf(...entries: object[]): DataTransferItemList {
    return entries.map((entry) => ({ kind: "file", getAsFile: () => null, webkitGetAsEntry: () => entry })) as unknown as DataTransferItemList;
  }
  function dropBox(): Element {
    const box = screen.getByRole("button", { name: "Add photos" }).closest("[role=presentation]");
    if (box === null) throw new Error("no drop box");
    return box;
  }

  it("shows the box ready while files are dragged over it, and adds the files dropped, those of a folder too", async () => {
    given();
    await openAsAlice();
    const addPhotos = screen.getByRole("button", { name: "Add photos" });
    const box = addPhotos.closest("[role=presentation]");
    if (box === null) throw new Error("no drop box");
    // A link dragged over it is not for it.
    drag(box, "dragenter", { types: ["text/uri-list"] });
    expect(addPhotos).not.toHaveAccessibleDescription(/Drop the photos/);
    drag(box, "dragleave", { types: ["text/uri-list"] });
    drag(box, "dragenter", {});
    expect(addPhotos).toHaveAccessibleDescription("Drop the photos to add them.");
    // From the box onto its button, and off the box: still ready until the last is left.
    drag(addPhotos, "dragenter", {});
    drag(box, "dragleave", {});
    expect(addPhotos).toHaveAccessibleDescription("Drop the photos to add them.");
    drag(addPhotos, "dragleave", {});
    expect(addPhotos).not.toHaveAccessibleDescription(/Drop the photos/);

    const front = file("front.jpg", "image/jpeg");
    const holiday = folder("holiday", [entryOf(file("beach.jpg", "image/jpeg")), entryOf(new File([], ".DS_Store")), folder("day 2", [entryOf(file("hill.png", "image/png"))])]);
    const items = [
      { kind: "file", getAsFile: () => front, webkitGetAsEntry: () => entryOf(front) },
      { kind: "file", getAsFile: () => null, webkitGetAsEntry: () => holiday },
      { kind: "string", getAsFile: () => null, webkitGetAsEntry: () => null },
    ];
    drag(box, "dragenter", {});
    // The box's: the browser does not open the photo in the tab.
    expect(drag(box, "drop", { items: items as unknown as DataTransferItemList })).toBe(true);
    expect(addPhotos).not.toHaveAccessibleDescription(/Drop the photos/);
    const photos = within(screen.getByRole("list", { name: "Selected photos" }));
    expect(await photos.findByText("front.jpg")).toBeInTheDocument();
    expect(photos.getByText("beach.jpg")).toBeInTheDocument();
    expect(photos.getByText("hill.png")).toBeInTheDocument();
    // A folder's system file is not a photo (it would be refused, and take a place).
    expect(photos.queryByText(".DS_Store")).not.toBeInTheDocument();
    expect(screen.getByText("3 / 5")).toBeInTheDocument();
  });

  it("adds the photos it could read, and says the folder or files it could not", async () => {
    given();
    await openAsAlice();
    const photos = () => within(screen.getByRole("list", { name: "Selected photos" }));
    // Under the photos, seen and said.
    const notRead = (words: string) => screen.getByText(words, { selector: "[role=status]" });

    // A folder the browser may not read, dropped with one it may: the readable one's photos come.
    const trip = unreadableFolder("Trip");
    const work = folder("Work", [entryOf(file("desk.jpg", "image/jpeg")), unreadableEntry("moved.jpg")]);
    drag(dropBox(), "drop", { items: itemsOf(trip, work) });
    expect(await photos().findByText("desk.jpg")).toBeInTheDocument();
    expect(
      notRead("The folder “Trip” could not be read: its photos were not added. “moved.jpg” could not be read."),
    ).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByRole("status").map((region) => region.textContent)).toContain("Added 1 photo."));

    // A folder read in part (a later batch failed), and two files gone: what came, and how many did not.
    const album = unreadableFolder("Album", [entryOf(file("one.jpg", "image/jpeg")), unreadableEntry("a.jpg"), unreadableEntry("b.jpg")]);
    drag(dropBox(), "drop", { items: itemsOf(album) });
    expect(await photos().findByText("one.jpg")).toBeInTheDocument();
    expect(notRead("The folder “Album” could not be read in full: some of its photos were not added. 2 files could not be read.")).toBeInTheDocument();
    expect(screen.getByText("2 / 5")).toBeInTheDocument();

    // The next add, read whole, says nothing of the last drop's.
    drag(dropBox(), "drop", { items: itemsOf(folder("More", [entryOf(file("two.jpg", "image/jpeg"))])) });
    expect(await photos().findByText("two.jpg")).toBeInTheDocument();
    expect(screen.queryByText(/could not be read/)).not.toBeInTheDocument();
  });

  it("says so when nothing of a drop on the empty box could be read", async () => {
    given();
    await openAsAlice();
    drag(dropBox(), "drop", { items: itemsOf(unreadableFolder("Trip"), unreadableFolder("Work")) });
    const said = await screen.findByText("2 folders could not be read: their photos were not added.");
    expect(said).toHaveAttribute("role", "status");
    expect(said).toBeVisible();
    // Left said in the empty box: the form holds none, and it is still true.
    expect(screen.getByText("0 / 5")).toBeInTheDocument();
  });
});

describe("a drop beside the photos' box", () => {
  /** A drop event carrying `types`, as a drag from the desktop (files) or of a link (text). */
  function drop(target: Element, types: string[]): boolean {
    const event = new Event("drop", { bubbles: true, cancelable: true });
    Object.defineProperty(event, "dataTransfer", { value: { types, files: [] } });
    act(() => void target.dispatchEvent(event));
    return event.defaultPrevented;
  }

  it("of a file on the page does not open it in the tab's place; the host's own drops are left to it", async () => {
    given();
    await openAsAlice();
    // Beside the box, not on it (the box takes a drop as photos).
    const onPage = screen.getByRole("combobox", { name: "User" });
    const hostEditor = document.body.appendChild(document.createElement("textarea"));
    try {
      expect(drop(onPage, ["Files"])).toBe(true);
      // A link dragged into the host's editor, and even a file dropped on the host: its own.
      expect(drop(hostEditor, ["text/uri-list", "text/plain"])).toBe(false);
      expect(drop(hostEditor, ["Files"])).toBe(false);
      expect(drop(onPage, ["text/plain"])).toBe(false);
    } finally {
      hostEditor.remove();
    }
  });
});

describe("a photo's name, as it is sent", () => {
  it("goes plain: a line break or tab a space, an invisible character dropped, as the API takes it", async () => {
    const service = jobService();
    const asked: { content_type: string; size: number; filename?: string | null }[] = [];
    given(uploadsNoting(asked), ...service.handlers);
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("beach\u2028day\t\u202e1\u200b\u{E0041}\uFEFF.jpg", "image/jpeg"));
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({ reference_names: ["beach day 1.jpg"] });
    expect(asked.map((each) => each.filename)).toEqual(["beach day 1.jpg"]);
  });
});
