import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { historyOf, job, succeeded } from "../../../test/api";
import { given, openAsAlice } from "../../../test/render";

/** A finished job whose image is `width`×`height`, asked at `ratio`. */
function resultAt(ratio: Job["aspect_ratio"], width: number, height: number, overrides: Partial<Job> = {}): Job {
  const done = succeeded(job({ aspect_ratio: ratio, ...overrides }));
  return { ...done, output: { ...done.output!, width, height } };
}

async function openHistory(jobs: Job[]) {
  given(...historyOf(jobs));
  const user = await openAsAlice();
  const history = await screen.findByRole("region", { name: "History" });
  await within(history).findAllByRole("listitem");
  return { user, history };
}

describe("the history's pictures", () => {
  it("give each row and each result tile its picture's own shape, not a crop of it", async () => {
    const portrait = resultAt("9:16", 768, 1365, { prompt: "tall" });
    const wide = resultAt("16:9", 1376, 768, { prompt: "wide" });
    const queued = job({ aspect_ratio: "3:4", prompt: "waiting" });
    const { user, history } = await openHistory([queued, portrait, wide]);

    const rows = within(history).getAllByRole("listitem");
    // The image's own ratio (width over height) for its box; a job without one yet, the ratio asked.
    expect(rows.map((row) => row.style.getPropertyValue("--ratio"))).toEqual(["0.7500", "0.5626", "1.7917"]);

    await user.click(within(history).getByRole("button", { name: "Results only" }));
    const tiles = within(within(history).getByRole("list", { name: "Results" })).getAllByRole("listitem");
    expect(tiles.map((tile) => tile.style.getPropertyValue("--ratio"))).toEqual(["0.5626", "1.7917"]);
  });
});
