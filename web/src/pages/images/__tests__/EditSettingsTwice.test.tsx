/**
 * Edit settings on one row, then on another before the form is changed: Undo gives back what
 * the admin had before the first, not the first row's settings and photos.
 */
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { historyOf, job, S3, succeeded } from "../../../test/api";
import { addPhoto, given, openAsAlice, thumbnail } from "../../../test/render";

/** A result that kept `count` photos, asked with `prompt`. */
const kept = (prompt: string, count: number) =>
  succeeded(
    job({
      prompt,
      prepared_references: Array.from({ length: count }, (_, index) => ({
        index,
        key: `prepared/identities/id-chef/${prompt}/${index}.jpg`,
        source_key: `uploads/1/${prompt}/${index}.jpg`,
        mime_type: "image/jpeg" as const,
        width: 512,
        height: 512,
        bytes: 40_000,
        preview_url: `${S3}/prepared/${prompt}/${index}.jpg`,
      })),
    }),
  );

describe("Edit settings twice", () => {
  it("offers no Undo when a row the form holds already is taken again", async () => {
    given(...historyOf([kept("newer", 2)]));
    const user = await openAsAlice();
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    const history = await screen.findByRole("region", { name: "History" });
    const [row] = await within(history).findAllByRole("listitem");
    const edit = within(row!).getByRole("button", { name: /^Edit settings\b/ });
    await user.click(edit);
    await waitFor(() => expect(prompt).toHaveValue("newer"));
    await user.click(screen.getByRole("button", { name: "Close this notice" }));
    // The form holds it now: taken again, and again, it says so, with nothing to undo.
    for (let time = 1; time <= 2; time += 1) {
      await user.click(edit);
      expect(await screen.findByText(/^The form holds the settings and photos/)).toBeInTheDocument();
      expect(screen.queryByRole("button", { name: "Undo" })).not.toBeInTheDocument();
    }
  });

  it("keeps the Undo when the same row is taken again: the form holds it, but the admin's own is still to give back", async () => {
    given(...historyOf([kept("newer", 2)]));
    const user = await openAsAlice();
    await addPhoto(user);
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    await user.type(prompt, "mine");
    const history = await screen.findByRole("region", { name: "History" });
    const [row] = await within(history).findAllByRole("listitem");
    const edit = within(row!).getByRole("button", { name: /^Edit settings\b/ });
    await user.click(edit);
    await waitFor(() => expect(prompt).toHaveValue("newer"));
    await user.click(edit);
    expect(screen.queryByText(/holds the settings/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect(prompt).toHaveValue("mine");
    expect(screen.getByText("1 / 5")).toBeInTheDocument();
  });

  it("keeps the admin's own form for Undo", async () => {
    given(...historyOf([kept("newer", 2), kept("older", 3)]));
    const user = await openAsAlice();
    await addPhoto(user);
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    await user.type(prompt, "mine");
    const history = await screen.findByRole("region", { name: "History" });
    const rows = await within(history).findAllByRole("listitem");

    await user.click(within(rows[0]!).getByRole("button", { name: /^Edit settings\b/ }));
    await waitFor(() => expect(prompt).toHaveValue("newer"));
    await user.click(within(rows[1]!).getByRole("button", { name: /^Edit settings\b/ }));
    await waitFor(() => expect(prompt).toHaveValue("older"));
    expect(screen.getByText("3 / 5")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect(prompt).toHaveValue("mine");
    expect(screen.getByText("1 / 5")).toBeInTheDocument();
    expect(thumbnail("front.jpg")).toBeInTheDocument();
  });
});
