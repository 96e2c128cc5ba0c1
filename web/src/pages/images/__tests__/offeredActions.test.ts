import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { offeredActions, type OfferedActions } from "../job/actions";

const offers = (actions: OfferedActions) =>
  Object.entries(actions)
    .filter(([, offered]) => offered)
    .map(([name]) => name)
    .sort();

const failed = (code: string, message = "No."): Job =>
  job({ status: "failed", finished_at: new Date().toISOString(), error: { code, message, details: {} } });

describe("offeredActions", () => {
  it.each<[string, Job, "card" | "row", { savedNow: boolean; sameClick?: boolean; rerunSince?: boolean }, string[]]>([
    ["a result, on its card", succeeded(job()), "card", { savedNow: false }, ["compare", "refine", "rerun", "save"]],
    ["a result, on its row", succeeded(job()), "row", { savedNow: false }, ["compare", "editSettings", "refine", "rerun", "save"]],
    // Compare, where the page finds something to set it beside (`comparesOnCard`).
    ["the identity's image, on its card", succeeded(job()), "card", { savedNow: true }, ["compare", "refine", "rerun"]],
    ["a variant under its click's first row", succeeded(job()), "row", { savedNow: false, sameClick: true }, ["compare", "refine", "rerun", "save"]],
    // Compare, where the page finds something to set it beside (`comparesInHistory`).
    ["the identity's image, on its row", succeeded(job()), "row", { savedNow: true }, ["compare", "editSettings", "refine", "rerun"]],
    ["a failure that could end otherwise", failed("provider_unavailable"), "card", { savedNow: false }, ["editSettings", "rerun"]],
    ["a failure that would fail again", failed("reference_invalid"), "card", { savedNow: false }, ["editSettings"]],
    ["a failure that would fail again, on its row", failed("identity_not_found"), "row", { savedNow: false }, ["editSettings"]],
    // Its re-run's row offers another try (see `historyRows`); a result re-run since is another take's.
    ["a failure re-run since, on its row", failed("provider_unavailable"), "row", { savedNow: false, rerunSince: true }, ["editSettings"]],
    ["a result re-run since, on its row", succeeded(job()), "row", { savedNow: false, rerunSince: true }, ["compare", "editSettings", "refine", "rerun", "save"]],
    ["a queued job", job(), "card", { savedNow: false }, ["cancel"]],
    ["a running job, on its click's first row", job({ status: "running" }), "row", { savedNow: false }, ["editSettings"]],
    ["a running variant under its click's first row", job({ status: "running" }), "row", { savedNow: false, sameClick: true }, []],
    ["a running job, on its card", job({ status: "running" }), "card", { savedNow: false }, []],
  ])("%s", (_, subject, place, state, expected) => {
    expect(offers(offeredActions(subject, place, state))).toEqual(expected);
  });
});
