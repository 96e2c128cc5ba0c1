import { describe, expect, it } from "vitest";

import type { CreateVariantsRequest } from "../../../api/imageGeneration";
import { job } from "../../../test/api";
import { startedBy, type SentStart } from "../hooks/use-follow-unknown";

/** What a Generate asks, as its jobs record it. */
const asked = {
  identity_id: "id-chef",
  user_id: "3",
  prompt: "in the kitchen",
  reference_keys: ["uploads/1/u/1.jpg"],
  aspect_ratio: "1:1",
  image_size: "1K",
} as const;
const body: CreateVariantsRequest = { ...asked, reference_keys: [...asked.reference_keys], count: 2, apply: false };

/** The 2 variants a click asked `asked` (else `prompt`) made, created at `at`. */
const made = (id: string, at: string, prompt: string = asked.prompt) =>
  [0, 1].map((index) =>
    job({ ...asked, reference_keys: [...asked.reference_keys], prompt, id: `${id}-${index}`, batch_id: id, batch_index: index, batch_size: 2, created_at: at }),
  );

describe("startedBy", () => {
  const older = made("old", "2026-12-07T06:00:00Z");
  const sent: SentStart = { request: { kind: "generate", body }, known: new Set(older.map((each) => each.id)), since: older[0]!.created_at };

  it("finds the batch the start made: not in the history as it went, asked what it asked, in its order", () => {
    const mine = made("mine", "2026-12-07T06:01:00Z");
    expect(startedBy(sent, [...[...mine].reverse(), ...older])?.map((each) => each.id)).toEqual(["mine-0", "mine-1"]);
  });

  it("does not take the same click asked before, another prompt, or another number of variants", () => {
    expect(startedBy(sent, older)).toBeNull();
    expect(startedBy(sent, [...made("other", "2026-12-07T06:01:00Z", "on a boat"), ...older])).toBeNull();
    const one = job({ ...asked, reference_keys: [...asked.reference_keys], batch_id: "one", batch_size: 1, created_at: "2026-12-07T06:01:00Z" });
    expect(startedBy(sent, [one, ...older])).toBeNull();
  });

  it("does not take a batch older than what the history held, as a page of it read later brings it", () => {
    expect(startedBy(sent, [...older, ...made("before", "2026-12-07T05:00:00Z")])).toBeNull();
  });

  it("finds a re-run by the job it re-runs", () => {
    const parent = job({ id: "p" });
    const rerun = job({ kind: "rerun", parent_generation_id: "p", batch_id: "r", batch_size: 1, created_at: "2026-12-07T06:01:00Z" });
    const start: SentStart = { request: { kind: "rerun", parent, count: 1 }, known: new Set(["p"]), since: null };
    expect(startedBy(start, [rerun, parent])).toEqual([rerun]);
    expect(startedBy({ ...start, request: { kind: "rerun", parent: job({ id: "q" }), count: 1 } }, [rerun, parent])).toBeNull();
  });
});
