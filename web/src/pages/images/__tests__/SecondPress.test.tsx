/** Generate pressed again while the click it started is on its way, the form unchanged: not a
 * second click paid for without a word (an impatient press 1.5 s after the first started four
 * more images, which took the pane from the first four). */
import { screen, waitFor, within } from "@testing-library/react";
import { HttpResponse, http as rawHttp } from "msw";
import { describe, expect, it } from "vitest";

import { jobService } from "../../../test/jobService";
import { addPhoto, given, openAsAlice, spaced, timePasses } from "../../../test/render";

const ON_ITS_WAY = /^This same generation is already on its way \(started (just now|\d+ s ago)\)\.$/;

/** A job service whose jobs stay where they are while `held` (queued, as a busy queue keeps
 * them), then go on as `jobService`'s do. */
function heldService() {
  const service = jobService();
  const hold = { held: true };
  const stay = rawHttp.get("*/v1/generations/:id", ({ params }) => {
    const job = service.jobs.get(String(params.id));
    return hold.held && job ? HttpResponse.json(job) : undefined;
  });
  given(stay, ...service.handlers);
  return { service, hold };
}

/** Alice's chef, one photo, a prompt, two variants: Generate pressed once, its click in the
 * pane and the button on again. */
async function firstClick() {
  const { service, hold } = heldService();
  const user = await openAsAlice();
  await addPhoto(user);
  await user.type(screen.getByRole("textbox", { name: "Prompt" }), "at the market");
  await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "2");
  const generate = screen.getByRole("button", { name: "Generate" });
  await user.click(generate);
  await screen.findByRole("article", { name: "Variant 1 of 2" });
  await waitFor(() => expect(generate).toHaveAttribute("aria-disabled", "false"));
  expect(service.created).toHaveLength(1);
  return { service, hold, user, generate };
}

const note = () => screen.queryByText((_, element) => element?.tagName === "SPAN" && ON_ITS_WAY.test(spaced(element.textContent ?? "")));

describe("A second press of Generate", () => {
  it("starts nothing while the same click is on its way, and says so", async () => {
    const { service, user, generate } = await firstClick();
    await user.click(generate);
    await timePasses(100);
    expect(service.created).toHaveLength(1);
    expect(note()).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Generate again" })).toBeInTheDocument();
    // Said once as it is pressed, politely; read with the button after.
    const said = screen.getAllByRole("status").map((region) => spaced(region.textContent ?? "").trim());
    expect(said).toContainEqual(expect.stringMatching(/^This same generation is already on its way \(started .*\)\. Generate again starts it anyway\.$/));
    expect(generate).toHaveAccessibleDescription(expect.stringMatching(/^This same generation is already on its way/));
    // The first click's cards stay in the pane.
    expect(screen.getByRole("article", { name: "Variant 1 of 2" })).toBeInTheDocument();

    // Ctrl+Enter in the prompt is the same press.
    await user.click(screen.getByRole("textbox", { name: "Prompt" }));
    await user.keyboard("{Control>}{Enter}{/Control}");
    await timePasses(100);
    expect(service.created).toHaveLength(1);
  });

  it("starts the click again with Generate again, and gives the focus back to Generate", async () => {
    const { service, user, generate } = await firstClick();
    await user.click(generate);
    const again = await screen.findByRole("button", { name: "Generate again" });
    await user.click(again);
    await waitFor(() => expect(service.created).toHaveLength(2));
    expect(service.created[1]!.body).toEqual(service.created[0]!.body);
    expect(service.created[1]!.key).not.toBe(service.created[0]!.key);
    expect(generate).toHaveFocus();
    expect(screen.queryByRole("button", { name: "Generate again" })).toBeNull();
    expect(note()).toBeNull();
  });

  it("starts at once when the form changed since the click, and the change takes the note away", async () => {
    const { service, user, generate } = await firstClick();
    await user.click(generate);
    expect(note()).toBeInTheDocument();
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    await user.type(prompt, ", smiling");
    expect(note()).toBeNull();
    expect(screen.queryByRole("button", { name: "Generate again" })).toBeNull();
    await user.click(generate);
    await waitFor(() => expect(service.created).toHaveLength(2));
    expect(service.created[1]!.body).toMatchObject({ prompt: "at the market, smiling", count: 2 });
  });

  it("starts at once for another size or number of variants", async () => {
    const { service, user, generate } = await firstClick();
    await user.click(generate);
    expect(note()).toBeInTheDocument();
    await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "3");
    expect(note()).toBeNull();
    await user.click(generate);
    await waitFor(() => expect(service.created).toHaveLength(2));
    expect(service.created[1]!.body).toMatchObject({ count: 3 });

    // The pane shows the click of three now: another size is another click.
    await screen.findByRole("article", { name: "Variant 1 of 3" });
    await waitFor(() => expect(generate).toHaveAttribute("aria-disabled", "false"));
    await user.selectOptions(screen.getByRole("combobox", { name: "Size" }), "2K");
    await user.click(generate);
    await waitFor(() => expect(service.created).toHaveLength(3));
    expect(note()).toBeNull();
  });

  it("starts at once once the click ended, and the end takes the note away", async () => {
    const { service, hold, user, generate } = await firstClick();
    await user.click(generate);
    expect(note()).toBeInTheDocument();
    // Tabbed to (past the estimate's way to the options), Generate again goes with the note:
    // the focus goes back to Generate, not the page.
    await user.tab();
    await user.tab();
    expect(screen.getByRole("button", { name: "Generate again" })).toHaveFocus();
    hold.held = false;
    const first = screen.getByRole("article", { name: "Variant 1 of 2" });
    await within(first).findByRole("img", {}, { timeout: 10_000 });
    await within(screen.getByRole("article", { name: "Variant 2 of 2" })).findByRole("img", {}, { timeout: 10_000 });
    expect(note()).toBeNull();
    expect(generate).toHaveFocus();
    await user.click(generate);
    await waitFor(() => expect(service.created).toHaveLength(2));
  });
});
