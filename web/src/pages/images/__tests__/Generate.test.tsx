/** Composing and sending a generation: the prompt's limit, Generate and its Ctrl+Enter, and the variants it starts. */
import { act, screen, waitFor, within } from "@testing-library/react";
import { http as rawHttp } from "msw";
import { describe, expect, it } from "vitest";

import { apiError, historyOf, http, job, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { addPhoto, file, given, openAsAlice, timePasses } from "../../../test/render";

describe("Generate", () => {
  it("counts the prompt's characters and refuses one over the limit", async () => {
    given();
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    await user.type(prompt, "smiling");
    expect(screen.getByText("7 / 2000")).toBeInTheDocument();
    await user.click(prompt);
    await user.paste("x".repeat(2000));
    expect(screen.getByText("2007 / 2000")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "true");
    expect(screen.getByText("The prompt is over 2000 characters.")).toBeInTheDocument();
  });

  it("generates two variants with Ctrl+Enter, shows progress, then saves one", async () => {
    const service = jobService();
    given(...service.handlers);
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    await user.selectOptions(screen.getByRole("combobox", { name: "Size" }), "1K");
    await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "2");
    expect(screen.getByText("≈ $0.270")).toBeInTheDocument();
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    await user.type(prompt, "outdoors");
    await user.keyboard("{Control>}{Enter}{/Control}");

    const first = await screen.findByRole("article", { name: "Variant 1 of 2" });
    expect(screen.getByRole("article", { name: "Variant 2 of 2" })).toBeInTheDocument();
    expect(within(first).getByText(/Waiting in the queue|Generating/)).toBeInTheDocument();
    // Two cards moving together would say each stage twice: the grid says they started, and how they end.
    expect(within(first).queryByRole("status")).not.toBeInTheDocument();
    expect(await screen.findByText("Generating 2 variants for Alice the chef.")).toHaveAttribute("aria-live", "polite");
    expect(service.created).toHaveLength(1);
    expect(service.created[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(service.created[0]!.body).toMatchObject({
      count: 2,
      identity_id: "id-chef",
      user_id: "3",
      prompt: "outdoors",
      image_size: "1K",
      aspect_ratio: "16:9",
      reference_keys: [expect.stringMatching(/^uploads\/1\/u\//)],
      reference_names: ["front.jpg"],
    });

    const image = await within(first).findByRole("img", {}, { timeout: 10_000 });
    expect(image).toHaveAttribute("src", expect.stringContaining("http://s3.test/out/"));
    expect(within(first).getByRole("link", { name: /^Download\b/ })).toHaveAttribute("href");
    await user.click(within(first).getByRole("button", { name: /^Save to identity\b/ }));
    const saved = await within(first).findByText("Saved to identity", {}, { timeout: 10_000 });
    expect(service.applied).toHaveLength(1);
    // In Save's place, beside Download: the row does not move.
    expect(saved.closest("div")).toContainElement(within(first).getByRole("link", { name: /^Download\b/ }));
  });

  it("starts one generation for presses made while the first is being sent", async () => {
    const service = jobService();
    let send!: () => void;
    const sent = new Promise<void>((resolve) => (send = resolve));
    // Held until let go, then answered by the service (a handler that returns nothing passes on).
    given(rawHttp.post("*/v1/generation-batches", () => sent), ...service.handlers);
    const user = await openAsAlice();
    await addPhoto(user);
    const generate = screen.getByRole("button", { name: "Generate" });
    await user.click(generate);
    await waitFor(() => expect(generate).toHaveAttribute("aria-disabled", "true"));
    await user.click(generate);
    await user.click(screen.getByRole("textbox", { name: "Prompt" }));
    await user.keyboard("{Control>}{Enter}{/Control}");
    send();
    await screen.findByRole("article", { name: "New image" });
    await timePasses(100);
    expect(service.created).toHaveLength(1);
    // Nothing was in the way but the click on its way: no reason is said.
    expect(screen.queryByText("Add at least one reference photo.")).toBeNull();
  });

  it("starts one generation for two clicks in one instant (a bouncing mouse), before the page shows the first", async () => {
    const service = jobService();
    given(...service.handlers);
    const user = await openAsAlice();
    await addPhoto(user);
    const generate = screen.getByRole("button", { name: "Generate" });
    await waitFor(() => expect(generate).toHaveAttribute("aria-disabled", "false"));
    // Both in one task, as a browser delivers them: the page renders after both.
    act(() => {
      generate.click();
      generate.click();
    });
    await screen.findByRole("article", { name: "New image" });
    await timePasses(100);
    expect(service.created).toHaveLength(1);
  });

  it("takes Ctrl+Enter as Generate only inside the form, not in the history", async () => {
    const service = jobService();
    const done = succeeded(job({ prompt: "first" }));
    service.jobs.set(done.id, done);
    given(...historyOf([done]), ...service.handlers);
    const user = await openAsAlice();
    await addPhoto(user);
    const history = await screen.findByRole("region", { name: "History" });
    within(history).getByRole("listitem", { name: /^Generation of/ }).focus();
    await user.keyboard("{Control>}{Enter}{/Control}");
    await timePasses(100);
    expect(service.created).toHaveLength(0);

    await user.click(screen.getByRole("textbox", { name: "Prompt" }));
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() => expect(service.created).toHaveLength(1));
  });

  it("says beside the prompt why the API refused it, until the prompt changes", async () => {
    const REFUSED =
      "The prompt holds an invisible character at character 8 (U+200B ZERO WIDTH SPACE), which could hide or disguise what it says; remove it.";
    given(
      http.post("/v1/generation-batches", () =>
        apiError(422, "character_not_allowed", REFUSED, { field: "prompt", character: "U+200B", position: 7 }),
      ),
    );
    const user = await openAsAlice();
    await addPhoto(user);
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    await user.click(prompt);
    await user.paste("smiling\u200b outdoors");
    await user.click(screen.getByRole("button", { name: "Generate" }));

    await waitFor(() => expect(prompt).toHaveAccessibleDescription(expect.stringContaining(REFUSED)));
    expect(prompt).toHaveAttribute("aria-invalid", "true");
    // Beside the prompt, as its limit is: not the form's alert under Generate.
    const form = screen.getByRole("region", { name: "New generation" });
    expect(within(form).queryByRole("alert")).not.toBeInTheDocument();

    await user.type(prompt, "!");
    expect(screen.queryByText(REFUSED)).not.toBeInTheDocument();
    expect(prompt).toHaveAttribute("aria-invalid", "false");
  });
});
