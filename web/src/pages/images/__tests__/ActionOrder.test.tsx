/** One order for a result's actions wherever they are offered: on its card, on its history row,
 * and on its Results-only tile, what is done with the result comes first (Save to identity,
 * then Download), so the eye finds Save in one place. */
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { chefWith, historyOf, job, succeeded } from "../../../test/api";
import { given, openAsAlice } from "../../../test/render";

const ACTIONS = ["Cancel", "Save to identity", "Download", "Refine", "Compare", "Re-run", "Edit settings"];

/** The actions in `place`, in the order a Tab would reach them, by the words seen on them (their
 * names go on with which job they act on: "Save to identity, generation of today, 9:14 PM"). */
function actionsIn(place: HTMLElement): string[] {
  return [...within(place).queryAllByRole("button"), ...within(place).queryAllByRole("link")]
    .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))
    .map((element) => element.textContent ?? "")
    .filter((name) => ACTIONS.includes(name));
}

/** The history of Alice the chef, who has an image already: a result can be compared with it. */
async function openHistory(jobs: Job[]) {
  given(
    chefWith({ image_path: "identities/chef.png", image_url: "http://s3.test/bucket/identities/chef.png" }),
    ...historyOf(jobs),
  );
  const user = await openAsAlice();
  const history = await screen.findByRole("region", { name: "History" });
  await within(history).findAllByRole("listitem");
  return { user, history };
}

describe("a result's actions", () => {
  it("are named for the result they act on, so that no two of one kind are alike", async () => {
    // Two variants of one click, and an earlier result: a screen reader's list of buttons, or a
    // voice command, tells their Saves (and the rest) apart; each name starts with its words.
    const earlier = new Date(Date.now() - 3 * 3600_000).toISOString();
    const variants = [0, 1].map((index) =>
      succeeded(job({ prompt: "at the pass", batch_id: "click-1", batch_index: index, batch_size: 2 })),
    );
    const { history } = await openHistory([...variants, succeeded(job({ prompt: "older", created_at: earlier }))]);
    for (const words of ["Save to identity", "Compare", "Re-run"]) {
      const names = within(history)
        .getAllByRole("button", { name: new RegExp(`^${words},`) })
        .map((button) => button.getAttribute("aria-label"));
      expect(names).toHaveLength(3);
      expect(new Set(names).size).toBe(3);
    }
    const saves = within(history).getAllByRole("button", { name: /^Save to identity,/ });
    expect(saves[0]).toHaveAccessibleName(/^Save to identity, generation of today, .+, variant 1 of 2$/);
  });

  it("come in the card's order on a history row: Save and Download first, then Refine, Compare, Re-run, Edit settings", async () => {
    const { history } = await openHistory([succeeded(job({ prompt: "at the pass" }))]);
    const [row] = within(history).getAllByRole("listitem");
    expect(actionsIn(row!)).toEqual(["Save to identity", "Download", "Refine", "Compare", "Re-run", "Edit settings"]);
  });

  it("wrap on a history row in groups: Save with Download, then the follow-ups, Re-run with Edit settings", async () => {
    // A phone's row (390 px, checked in Chromium) breaks between the groups: Edit settings
    // never stands alone on a line, nor does Compare.
    const { history } = await openHistory([succeeded(job({ prompt: "at the pass" }))]);
    const [row] = within(history).getAllByRole("listitem");
    const action = (name: string) =>
      within(row!).getByRole(name === "Download" ? "link" : "button", { name: new RegExp(`^${name},`) });
    const groupOf = (name: string) => action(name).parentElement!;
    expect(groupOf("Save to identity")).toBe(groupOf("Download"));
    expect(groupOf("Refine")).toBe(groupOf("Compare"));
    expect(groupOf("Re-run")).toBe(groupOf("Edit settings"));
    expect(groupOf("Edit settings")).not.toContainElement(action("Compare"));
    const followUps = groupOf("Refine").parentElement!;
    expect(followUps).toContainElement(action("Edit settings"));
    expect(followUps).not.toContainElement(action("Download"));
  });

  it("come in the same order on a Results-only tile: Save, Download, Compare", async () => {
    const { user, history } = await openHistory([succeeded(job({ prompt: "at the pass" }))]);
    await user.click(within(history).getByRole("button", { name: "Results only" }));
    const [tile] = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(actionsIn(tile!)).toEqual(["Save to identity", "Download", "Compare"]);
  });

  it("keep a failed job's Re-run and Edit settings, and a queued job's Cancel, first on its row", async () => {
    const failed = job({ status: "failed", prompt: "broken", error: { code: "internal_error", message: "It broke.", details: {} } });
    const queued = job({ prompt: "waiting" });
    const { history } = await openHistory([queued, failed]);
    const [queuedRow, failedRow] = within(history).getAllByRole("listitem");
    expect(actionsIn(queuedRow!)[0]).toBe("Cancel");
    expect(actionsIn(failedRow!)).toEqual(["Re-run", "Edit settings"]);
  });

  it("fold a row's follow-ups behind More (shown on a phone only), a disclosure that says what it opens", async () => {
    const failed = job({ status: "failed", prompt: "broken", error: { code: "internal_error", message: "It broke.", details: {} } });
    const { user, history } = await openHistory([succeeded(job({ prompt: "at the pass" })), failed]);
    const [resultRow, failedRow] = within(history).getAllByRole("listitem");
    const more = within(resultRow!).getByRole("button", { name: "More" });
    expect(more).toHaveAttribute("aria-expanded", "false");
    const folded = document.getElementById(more.getAttribute("aria-controls")!)!;
    expect(folded).toHaveClass("folded");
    // After Save and Download, before what it opens: Tab goes on into it once it is open.
    expect(actionsIn(resultRow!).slice(0, 2)).toEqual(["Save to identity", "Download"]);
    expect(more.compareDocumentPosition(folded) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(folded).getByRole("button", { name: /^Edit settings\b/ })).toBeInTheDocument();
    await user.click(more);
    expect(more).toHaveAttribute("aria-expanded", "true");
    expect(folded).not.toHaveClass("folded");
    // Nothing before them: a failed job's Re-run and Edit settings show as they are.
    expect(within(failedRow!).queryByRole("button", { name: "More" })).not.toBeInTheDocument();
  });
});
