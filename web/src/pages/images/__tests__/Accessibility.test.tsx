/**
 * Keyboard and screen-reader behaviour (from an accessibility review): what is announced and
 * when, where the focus goes when the control that had it changes, and that the reason a
 * control is off can be reached. jsdom does not move the focus off a button that becomes
 * `disabled` (browsers do, to the page): a button that must keep the focus is checked to stay
 * enabled, with `aria-disabled`.
 */
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { baseHandlers, http, job, server, succeeded } from "../../../test/api";
import { renderImages } from "../../../test/render";
import { GenerateBar } from "../components/GenerateBar";
import { PromptField } from "../components/PromptField";

// Setup helpers, as in Images.test.tsx.

/** The base handlers, then the test's own (MSW: the last `use` wins). */
function given(...overrides: Parameters<typeof server.use>) {
  server.use(...baseHandlers());
  if (overrides.length) server.use(...overrides);
}

async function pickAlice(user: ReturnType<typeof userEvent.setup>) {
  const userSelect = await screen.findByRole("combobox", { name: "User" });
  await waitFor(() => expect(userSelect).toBeEnabled());
  await user.selectOptions(userSelect, "3");
  const identitySelect = screen.getByRole("combobox", { name: "Identity" });
  await waitFor(() => expect(identitySelect).toHaveValue("id-chef"));
}

/** A job service: POST creates queued jobs; each GET moves one step, then succeeds. */
function jobService() {
  const jobs = new Map<string, Job>();
  const created: unknown[] = [];
  return {
    jobs,
    created,
    handlers: [
      http.post("/v1/generation-batches", async ({ request, response }) => {
        const body = await request.json();
        created.push(body);
        const batch = `batch-${created.length}`;
        const items = Array.from({ length: body.count }, (_, index) =>
          job({ image_size: body.image_size ?? "1K", batch_id: batch, batch_index: index, batch_size: body.count }),
        );
        for (const item of items) jobs.set(item.id, item);
        return response(202).json({ batch_id: batch, items });
      }),
      http.get("/v1/generations/{generation_id}", ({ params, response }) => {
        const current = jobs.get(params.generation_id)!;
        const next: Job =
          current.status === "queued"
            ? { ...current, status: "running", started_at: new Date().toISOString() }
            : current.status === "running"
              ? succeeded(current)
              : current;
        jobs.set(next.id, next);
        return response(200).json(current);
      }),
    ],
  };
}

const noop = () => undefined;

describe("Accessibility", () => {
  describe("why Generate is off", () => {
    const bar = (props: Partial<Parameters<typeof GenerateBar>[0]> = {}) => (
      <GenerateBar
        onGenerate={noop}
        whyNot="Add at least one reference photo."
        pending={false}
        costUsd={0.134}
        variants={1}
        imageSize="1K"
        usualSeconds={null}
        {...props}
      />
    );

    it("keeps Generate in the Tab order, says why it is off, and does nothing when pressed", async () => {
      const onGenerate = vi.fn();
      const user = userEvent.setup();
      const view = render(bar({ onGenerate }));
      await user.tab();
      const generate = screen.getByRole("button", { name: "Generate" });
      expect(generate).toHaveFocus();
      expect(generate).toHaveAttribute("aria-disabled", "true");
      expect(generate).toHaveAccessibleDescription(/^Add at least one reference photo\. ≈ \$0\.13/);
      await user.keyboard("{Enter}");
      await user.click(generate);
      expect(onGenerate).not.toHaveBeenCalled();

      view.rerender(bar({ onGenerate, whyNot: null }));
      expect(generate).toHaveAttribute("aria-disabled", "false");
      expect(generate).toHaveAccessibleDescription(/^≈ \$0\.13/);
      await user.click(generate);
      expect(onGenerate).toHaveBeenCalledTimes(1);

      // While its click is out: still focused, not pressed again.
      view.rerender(bar({ onGenerate, whyNot: null, pending: true }));
      expect(generate).toHaveFocus();
      expect(generate).toHaveAttribute("aria-disabled", "true");
      await user.keyboard("{Enter}");
      expect(onGenerate).toHaveBeenCalledTimes(1);
    });

    it("does nothing on a click or Ctrl+Enter on the page while Generate is off", async () => {
      const service = jobService();
      given(...service.handlers);
      const user = userEvent.setup();
      renderImages();
      await pickAlice(user);
      const generate = screen.getByRole("button", { name: "Generate" });
      expect(generate).not.toBeDisabled();
      expect(generate).toHaveAccessibleDescription(/^Add at least one reference photo\./);
      await user.click(generate);
      await user.click(screen.getByRole("textbox", { name: "Prompt" }));
      await user.keyboard("{Control>}{Enter}{/Control}");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(service.created).toHaveLength(0);
    });

    it("describes an over-long prompt by a message that is there, empty and polite, before it is needed", () => {
      const view = render(<PromptField value="short" maxChars={10} onChange={noop} />);
      const prompt = screen.getByRole("textbox", { name: "Prompt" });
      const ids = prompt.getAttribute("aria-describedby")?.split(" ") ?? [];
      const message = ids.map((id) => document.getElementById(id)).find((el) => el?.getAttribute("aria-live") === "polite");
      expect(message).toBeInstanceOf(HTMLElement);
      expect(message).toBeEmptyDOMElement();
      expect(prompt).toHaveAttribute("aria-invalid", "false");
      // The counter does not start speaking at the moment its text changes.
      expect(screen.getByText("5 / 10")).not.toHaveAttribute("aria-live", "polite");

      view.rerender(<PromptField value="far too long now" maxChars={10} onChange={noop} />);
      expect(prompt).toHaveAttribute("aria-invalid", "true");
      expect(message).toHaveTextContent("Too long: the limit is 10 characters.");
      expect(prompt).toHaveAccessibleDescription("16 / 10 Too long: the limit is 10 characters.");
      expect(screen.getByText("16 / 10")).not.toHaveAttribute("aria-live", "polite");

      // Its words stay the same while the prompt stays too long: said once, not at every key.
      view.rerender(<PromptField value="far too long now!" maxChars={10} onChange={noop} />);
      expect(message).toHaveTextContent(/^Too long: the limit is 10 characters\.$/);
    });
  });

});
