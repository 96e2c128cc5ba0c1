/** Refine: a result changed by an instruction, from its history row or its card, the words kept through Escape or a refusal. */
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { API, apiError, chefWithAnImage, http, historyOf, job, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { addPhoto, file, given, openAsAlice, timePasses } from "../../../test/render";

/** POST …/refine: keeps each request, answers one queued job refined from `parent`. */
function refineService(parent: Job) {
  const requests: unknown[] = [];
  const handler = http.post("/v1/generations/{generation_id}/refine", async ({ params, request, response }) => {
    requests.push({ id: params.generation_id, ...(await request.json()) });
    const child = job({ kind: "refine", parent_generation_id: parent.id, instruction: "darker", batch_id: "r" });
    return response(202).json({ batch_id: "r", items: [child] });
  });
  return { requests, handler };
}

describe("Refine", () => {
  it("refines a result with an instruction and compares it with the current image", async () => {
    const done = succeeded(job({ prompt: "first" }));
    const refinement = refineService(done);
    given(
      chefWithAnImage,
      ...historyOf([done]),
      refinement.handler,
    );
    const user = await openAsAlice();
    expect(await screen.findByRole("img", { name: "Alice the chef, as it looks now" })).toHaveAttribute(
      "src",
      "http://s3.test/current.png",
    );
    const history = await screen.findByRole("region", { name: "History" });
    expect((await within(history).findByRole("link", { name: /^Open the result of/ })).querySelector("img")).toHaveAttribute(
      "src",
      expect.stringContaining(".preview.jpg"),
    );
    await user.click(within(history).getByRole("button", { name: /^Compare\b/ }));
    expect(await screen.findByRole("heading", { name: "Compare with the current image" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Close Compare" }));
    await user.click(within(history).getByRole("button", { name: /^Refine\b/ }));
    await user.type(within(history).getByRole("textbox", { name: "What should change?" }), "make the background darker");
    await user.keyboard("{Enter}");
    await waitFor(() => expect(refinement.requests).toEqual([{ id: done.id, instruction: "make the background darker", count: 1, apply: false }]));
  });

  it("refines and compares from the result card itself, keeping the words through Escape", async () => {
    const done = succeeded(job({ prompt: "first" }));
    const refinement = refineService(done);
    given(
      chefWithAnImage,
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json(
          params.generation_id === done.id ? done : { ...job({ kind: "refine", instruction: "darker", batch_id: "r" }), id: params.generation_id },
        ),
      ),
      ...historyOf([done]),
      refinement.handler,
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(await within(card).findByRole("button", { name: /^Compare\b/ }));
    const dialog = await screen.findByRole("dialog", { name: "Compare with the current image" });
    expect(within(dialog).getByRole("img", { name: "This result" })).toHaveAttribute("src", done.output!.preview_url);
    // The dialog's Escape and the box's are theirs alone, not the host's page's around the tab.
    const hostEscapes: string[] = [];
    const host = (event: KeyboardEvent) => event.key === "Escape" && hostEscapes.push("Escape");
    document.addEventListener("keydown", host);
    await user.keyboard("{Escape}");
    await user.click(within(dialog).getByRole("button", { name: "Close Compare" }));

    const refine = within(card).getByRole("button", { name: /^Refine\b/ });
    await user.click(refine);
    await user.keyboard("a warmer light");
    await user.keyboard("{Escape}");
    expect(refine).toHaveFocus();
    document.removeEventListener("keydown", host);
    expect(hostEscapes).toEqual([]);
    await user.click(refine);
    // The box is the pane's, under the card (see "the Refine box" in Cards.test.tsx).
    const pane = screen.getByRole("region", { name: "Result" });
    expect(within(pane).getByRole("textbox", { name: "What should change?" })).toHaveValue("a warmer light");
    // What it costs, as the image it refines did; Close closes it as Escape does.
    expect(within(pane).getByText(`A new image, about $${done.usage!.estimated_cost_usd!.toFixed(3)}.`)).toBeInTheDocument();
    await user.click(within(pane).getByRole("button", { name: "Close Refine" }));
    expect(within(pane).queryByRole("textbox", { name: "What should change?" })).not.toBeInTheDocument();
    expect(refine).toHaveFocus();
    await user.click(refine);
    await user.keyboard("{Enter}");
    await waitFor(() => expect(refinement.requests).toEqual([{ id: done.id, instruction: "a warmer light", count: 1, apply: false }]));
    await waitFor(() => expect(screen.getByRole("article", { name: "Refined image" })).toHaveFocus());
  });

  it("leaves a card's Refine box behind when the admin goes to another identity: back, it is closed", async () => {
    const chefs = succeeded(job({ prompt: "the chef's" }));
    const pilots = succeeded(job({ prompt: "the pilot's", identity_id: "id-pilot" }));
    given(
      http.get("/v1/generations", ({ query, response }) =>
        response(200).json({ items: query.get("identity_id") === "id-pilot" ? [pilots] : [chefs], next_cursor: null }),
      ),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json(params.generation_id === pilots.id ? pilots : chefs),
      ),
    );
    const user = await openAsAlice();
    const pane = screen.getByRole("region", { name: "Result" });
    const identity = screen.getByRole("combobox", { name: "Identity" });
    // Both histories read once: going from one to the other shows the other's at once.
    await user.selectOptions(identity, "id-pilot");
    await waitFor(() => expect(within(pane).getByRole("img", { name: /^New image/ })).toHaveAttribute("src", pilots.output!.preview_url));
    await user.selectOptions(identity, "id-chef");
    await waitFor(() => expect(within(pane).getByRole("img", { name: /^New image/ })).toHaveAttribute("src", chefs.output!.preview_url));
    await user.click(await within(pane).findByRole("button", { name: /^Refine\b/ }));
    const box = within(pane).getByRole("textbox", { name: "What should change?" });
    expect(box).toHaveFocus();
    // An image pasted into the box is no reference photo: the form behind does not take it.
    fireEvent.paste(box, { clipboardData: { files: [file("pasted.png", "image/png")], getData: () => "" } });
    await timePasses(100);
    expect(screen.queryByText("pasted.png")).not.toBeInTheDocument();

    await user.selectOptions(identity, "id-pilot");
    await waitFor(() => expect(within(pane).getByRole("img", { name: /^New image/ })).toHaveAttribute("src", pilots.output!.preview_url));
    await user.selectOptions(identity, "id-chef");
    await waitFor(() => expect(within(pane).getByRole("img", { name: /^New image/ })).toHaveAttribute("src", chefs.output!.preview_url));
    // Arrowing through the identities (each a change) is not pulled into a box left open.
    expect(within(pane).queryByRole("textbox", { name: "What should change?" })).not.toBeInTheDocument();
    expect(identity).toHaveFocus();
  });

  it("sends a refinement on Ctrl+Enter in its box, and starts no new generation", async () => {
    const service = jobService();
    const done = succeeded(job({ prompt: "first" }));
    const refinement = refineService(done);
    given(...service.handlers,
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [done], next_cursor: null })),
      refinement.handler,
    );
    const user = await openAsAlice();
    await addPhoto(user);
    const history = await screen.findByRole("region", { name: "History" });
    const toggle = await within(history).findByRole("button", { name: /^Refine\b/ });
    await user.click(toggle);
    const box = within(history).getByRole("textbox", { name: "What should change?" });
    expect(box).toHaveFocus();
    // Nothing to send yet: its Refine is there for Tab, and says it is off; a press says why.
    const send = within(box.closest("form")!).getByRole("button", { name: "Send" });
    expect(send).toHaveAttribute("aria-disabled", "true");
    expect(send).toHaveAccessibleDescription("Write what to change first.");
    await user.keyboard("{Enter}");
    expect(box).toHaveAccessibleDescription("Write what to change first.");
    // Said again on each press, as Generate's reason is (a region whose words stay is not read again).
    const hint = within(box.closest("form")!).getByRole("status");
    await user.keyboard("{Enter}");
    expect(hint.textContent).toBe("Write what to change first.\u00a0");
    expect(refinement.requests).toHaveLength(0);
    await user.keyboard("d");
    expect(box).not.toHaveAccessibleDescription();
    await user.keyboard("{Backspace}");
    expect(box).not.toHaveAccessibleDescription();
    await user.keyboard("{Escape}");
    expect(within(history).queryByRole("textbox", { name: "What should change?" })).not.toBeInTheDocument();
    expect(toggle).toHaveFocus();

    await user.click(toggle);
    await user.keyboard("darker{Control>}{Enter}{/Control}");
    await waitFor(() => expect(refinement.requests).toHaveLength(1));
    expect(service.created).toHaveLength(0);
    // The refinement's card, where the page scrolled, has the focus: beside the result it
    // refined, which the pane showed.
    await waitFor(() => expect(screen.getByRole("article", { name: "Refinement of the new image" })).toHaveFocus());
  });

  it("keeps a refinement's words in its history box when it could not start", async () => {
    const done = succeeded(job({ prompt: "portrait" }));
    let refused = true;
    given(
      ...historyOf([done]),
      http.untyped.post(`${API}/v1/generations/:id/refine`, () =>
        refused
          ? apiError(422, "identity_unnamed", "The identity has no name; name it in the host app first.")
          : HttpResponse.json({ batch_id: "r", items: [job({ kind: "refine", parent_generation_id: done.id })] }, { status: 202 }),
      ),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: /^Refine\b/ }));
    await user.keyboard("warmer light{Enter}");
    expect(await screen.findByText("The identity has no name; name it in the host app first.")).toBeInTheDocument();
    expect(within(history).getByRole("textbox", { name: "What should change?" })).toHaveValue("warmer light");

    refused = false;
    await user.click(within(history).getByRole("button", { name: "Send" }));
    await waitFor(() => expect(within(history).queryByRole("textbox", { name: "What should change?" })).not.toBeInTheDocument());
  });
  it("says in its box why the API refused a refinement's words, until they change; on the row once the box is closed", async () => {
    const REFUSED =
      "The instruction holds an invisible character at character 7 (U+200B ZERO WIDTH SPACE), which could hide or disguise what it says; remove it.";
    const done = succeeded(job({ prompt: "portrait" }));
    given(
      ...historyOf([done]),
      http.untyped.post(`${API}/v1/generations/:id/refine`, () =>
        apiError(422, "character_not_allowed", REFUSED, { field: "instruction", character: "U+200B", position: 6 }),
      ),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const refine = await within(history).findByRole("button", { name: /^Refine\b/ });
    await user.click(refine);
    const box = within(history).getByRole("textbox", { name: "What should change?" });
    await user.paste("warmer\u200b light");
    await user.keyboard("{Enter}");

    await waitFor(() => expect(box).toHaveAccessibleDescription(expect.stringContaining(REFUSED)));
    expect(box).toHaveAttribute("aria-invalid", "true");
    // Said once, in the box beside its words: not also the row's alert.
    expect(within(history).queryByRole("alert")).not.toBeInTheDocument();

    await user.type(box, "!");
    expect(screen.queryByText(REFUSED)).not.toBeInTheDocument();
    expect(box).toHaveAttribute("aria-invalid", "false");
    await user.type(box, "{Backspace}");
    expect(box).toHaveAccessibleDescription(expect.stringContaining(REFUSED));

    // Closed, the box says nothing: the row does.
    await user.keyboard("{Escape}");
    expect(within(history).getByRole("alert")).toHaveTextContent(REFUSED);
    expect(refine).toHaveFocus();
  });
});
