import { act, render, screen, waitFor } from "@testing-library/react";
import { StrictMode } from "react";
import userEvent from "@testing-library/user-event";
import { expect, vi } from "vitest";

import { Images, type ImagesProps } from "../pages/images/Images";
import { API, baseHandlers, server, uploadsNoting } from "./api";
import { jobService } from "./jobService";

/** The page as the shell renders it: under StrictMode (effects run, are cleaned up and run
 * again; state initialisers run twice), so a cleanup that breaks the page shows here. */
export function renderImages(props: Partial<ImagesProps> = {}) {
  return render(
    <StrictMode>
      <Images apiBaseUrl={`${API}/v1`} getToken={() => "test-token"} {...props} />
    </StrictMode>,
  );
}

/** The base handlers, then the test's own (MSW: the last `use` wins; within one call, the
 * first handler that matches answers, so put an override before a helper's own handlers). */
export function given(...overrides: Parameters<typeof server.use>) {
  server.use(...baseHandlers());
  if (overrides.length) server.use(...overrides);
}

/** Choose the test user Alice: her first identity, "Alice the chef", comes with her. */
export async function pickAlice(user: ReturnType<typeof userEvent.setup>) {
  const userSelect = await screen.findByRole("combobox", { name: "User" });
  await waitFor(() => expect(userSelect).toBeEnabled());
  await user.selectOptions(userSelect, "3");
  const identitySelect = screen.getByRole("combobox", { name: "Identity" });
  await waitFor(() => expect(identitySelect).toHaveValue("id-chef"));
}

/** Open the page and choose Alice: the start of most tests. Returns the person who goes on. */
export async function openAsAlice(options?: Parameters<typeof userEvent.setup>[0]) {
  const user = userEvent.setup(options);
  renderImages();
  await pickAlice(user);
  return user;
}

/** Alice's page with five photos uploaded (p0.jpg to p4.jpg): the form is full. `asked` notes
 * each file an upload form was asked for (see `uploadsNoting`). */
export async function openWithFivePhotos(asked: { content_type: string; size: number }[]) {
  given(uploadsNoting(asked));
  const user = await openAsAlice({ applyAccept: false });
  const input = screen.getByLabelText("Reference photos");
  await user.upload(input, Array.from({ length: 5 }, (_, n) => file(`p${n}.jpg`, "image/jpeg")));
  await waitFor(() => expect(asked).toHaveLength(5));
  return { user, input };
}

/** Upload one photo, front.jpg, and wait until Generate can be used. */
export async function addPhoto(user: ReturnType<typeof userEvent.setup>) {
  await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
  await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
}

/** Alice's chef, one photo, Generate with `count` variants, over a `jobService`. */
export async function generateVariants(count: number) {
  const service = jobService();
  given(...service.handlers);
  const user = await openAsAlice();
  await addPhoto(user);
  await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), String(count));
  await user.click(screen.getByRole("button", { name: "Generate" }));
  return { service, user };
}

/** The first bytes of each image type (what the page checks before an upload). */
const SIGNATURES: [RegExp, number[]][] = [
  [/\.jpe?g$/i, [0xff, 0xd8, 0xff, 0xe0]],
  [/\.png$/i, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  [/\.webp$/i, [...ascii("RIFF"), 0, 0, 0, 0, ...ascii("WEBP")]],
  [/\.hei[cf]$/i, [0, 0, 0, 24, ...ascii("ftypheic")]],
];

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

/** A file of `bytes` bytes that starts as its extension says (or `contents` when given). */
export function file(name: string, type: string, bytes = 1000, contents?: number[]): File {
  const data = new Uint8Array(bytes);
  data.set((contents ?? SIGNATURES.find(([pattern]) => pattern.test(name))?.[1] ?? []).slice(0, bytes));
  return new File([data], name, { type });
}

/**
 * Let `ms` go by as the page lives it (its polls, its answers, its clocks), on the test's fake
 * clock when it has one: within `act`, so that what the page does meanwhile renders, its effects
 * too, before the test looks (React warns of an update it was not told of). A plain
 * `setTimeout` wait, or a fake clock moved outside `act`, leaves the page updating behind the
 * test's back.
 */
export async function timePasses(ms: number): Promise<void> {
  await act(async () => {
    if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(ms);
    else await new Promise((resolve) => setTimeout(resolve, ms));
  });
}

/**
 * Fakes the page's clock and its intervals (its polls, a running card's time), for a test to
 * move them on by minutes with `timePasses`; real time moves them on too. Not `setTimeout`:
 * by it TanStack Query tells React what it read, and Testing Library lets React finish before
 * a `findBy` returns. Both faked, they fire in one tick of the fake clock, and React renders
 * (and warns of it) after the test was told it had finished.
 */
export function fakeClock(): void {
  vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ["setInterval", "clearInterval", "Date"] });
}

/** A text matcher for a card's clock line ("Attempt 2 of 5 in 8 s · 30 s so far"), read whole:
 * its pieces are spans of their own, each kept on one line. */
export function clockLine(pattern: RegExp) {
  return (_: string, element: Element | null) =>
    element?.classList.contains("timer") === true && pattern.test(spaced(element.textContent ?? ""));
}

/** `text` with its no-break spaces (a number and its unit: "12 s") as plain ones. */
export function spaced(text: string): string {
  return text.replace(/\u00a0/g, " ");
}

/** The thumbnails of the form's photo tiles for `name`: their alt is empty (the tile's text
 * names the photo, and a screen reader read it twice), so they are found by their tile. */
export function thumbnails(name: string): HTMLImageElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>("li[data-photo-id]"))
    .filter((tile) => tile.querySelector(`[title="${CSS.escape(name)}"]`)?.textContent === name)
    .flatMap((tile) => Array.from(tile.querySelectorAll("img")));
}

/** The one thumbnail of the photo `name` (see `thumbnails`). */
export function thumbnail(name: string): HTMLImageElement {
  const found = thumbnails(name);
  if (found.length !== 1) throw new Error(`${found.length} thumbnails of ${name}`);
  return found[0]!;
}

/** The thumbnail of the photo `name`, once there is one. */
export function findThumbnail(name: string): Promise<HTMLImageElement> {
  return waitFor(() => thumbnail(name));
}

