import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { askedPhrases, originLabel } from "../job/names";
import { createdPhrase } from "../job/time";

const at = (iso: string, overrides: Partial<Job> = {}) => succeeded(job({ created_at: iso, ...overrides }));
const rerunOf = (parent: Job) => job({ kind: "rerun", parent_generation_id: parent.id, prompt: parent.prompt });
const refineOf = (parent: Job, instruction: string) =>
  job({ kind: "refine", parent_generation_id: parent.id, prompt: parent.prompt, instruction });

describe("originLabel: which result a refinement or re-run came from", () => {
  it("names a parent alone in its minute by its time only: short", () => {
    const parent = at("2026-12-04T17:44:10Z", { prompt: "a portrait in soft window light" });
    const other = at("2026-12-04T17:40:00Z", { prompt: "something else" });
    const history = [parent, other];
    expect(originLabel(refineOf(parent, "add a red scarf"), history)).toBe(
      `Refined: “add a red scarf”, from the result of ${createdPhrase(parent)}`,
    );
    expect(originLabel(rerunOf(parent), history)).toBe(`Re-run of the result of ${createdPhrase(parent)}`);
  });

  it("names a parent of a minute with another click to the second, as its row says its time", () => {
    const portrait = at("2026-12-04T17:44:10Z", { prompt: "A portrait in soft window light, 85 mm" });
    const wide = at("2026-12-04T17:44:40Z", { prompt: "Alice at the pass" });
    const history = [wide, portrait];
    const seconds = { seconds: true };
    expect(originLabel(refineOf(portrait, "add a red scarf"), history)).toBe(
      `Refined: “add a red scarf”, from the result of ${createdPhrase(portrait, seconds)}`,
    );
    expect(originLabel(rerunOf(wide), history)).toBe(`Re-run of the result of ${createdPhrase(wide, seconds)}`);
    // The very words of the parent's row: found by reading the rows' times.
    expect(originLabel(rerunOf(wide), history)).toContain(askedPhrases(history)(wide));
  });

  it("tells two clicks of one second apart by a few words of their prompts", () => {
    const portrait = at("2026-12-04T17:44:10Z", { prompt: "A portrait in soft window light, 85 mm" });
    const wide = at("2026-12-04T17:44:10Z", { prompt: "Alice at the pass" });
    const history = [wide, portrait];
    const second = createdPhrase(portrait, { seconds: true });
    expect(originLabel(refineOf(portrait, "add a red scarf"), history)).toBe(
      `Refined: “add a red scarf”, from the result of ${second} (“A portrait in soft…”)`,
    );
    expect(originLabel(rerunOf(wide), history)).toBe(`Re-run of the result of ${second} (“Alice at the pass”)`);
  });

  it("names a click re-run whole (Re-run all of a click that failed alike) as the click, not its first variant", () => {
    const failed = (index: number) =>
      job({
        created_at: "2026-12-04T17:44:10Z",
        status: "failed",
        error: { code: "provider_unavailable", message: "busy", details: {} },
        batch_id: "b",
        batch_index: index,
        batch_size: 2,
      });
    const [first, second] = [failed(0), failed(1)];
    const again = job({ kind: "rerun", parent_generation_id: first.id, batch_id: "r", batch_index: 0, batch_size: 2 });
    expect(originLabel(again, [again, first, second])).toBe(`Re-run of the failed generation of ${createdPhrase(first)}`);
    // One variant re-run on its own row is still that variant's.
    expect(originLabel(rerunOf(first), [first, second])).toBe(`Re-run of the failed generation of ${createdPhrase(first)}, variant 1 of 2`);
  });

  it("tells the variants of one click apart by their variant, with no words", () => {
    const first = at("2026-12-04T17:44:10Z", { prompt: "A portrait", batch_id: "b", batch_index: 0, batch_size: 2 });
    const second = at("2026-12-04T17:44:10Z", { prompt: "A portrait", batch_id: "b", batch_index: 1, batch_size: 2 });
    const history = [first, second];
    expect(originLabel(refineOf(second, "darker"), history)).toBe(
      `Refined: “darker”, from the result of ${createdPhrase(second)}, variant 2 of 2`,
    );
    expect(originLabel(rerunOf(first), history)).toBe(`Re-run of the result of ${createdPhrase(first)}, variant 1 of 2`);
  });

  it("names a variant's click by its words too when another click was asked that second", () => {
    const first = at("2026-12-04T17:44:10Z", { prompt: "At the pass", batch_id: "b", batch_index: 0, batch_size: 2 });
    const second = at("2026-12-04T17:44:10Z", { prompt: "At the pass", batch_id: "b", batch_index: 1, batch_size: 2 });
    const single = at("2026-12-04T17:44:10Z", { prompt: "A close portrait" });
    const history = [single, first, second];
    const at10 = createdPhrase(second, { seconds: true });
    expect(originLabel(rerunOf(second), history)).toBe(`Re-run of the result of ${at10}, variant 2 of 2 (“At the pass”)`);
    // Without a variant, among three results of 5:44:10 PM: its words say which.
    expect(originLabel(rerunOf(single), history)).toBe(`Re-run of the result of ${at10} (“A close portrait”)`);
  });

  it("names a refinement by its words, and a job without a prompt as such", () => {
    // Three clicks of one second (a script's, or a double press).
    const base = at("2026-12-04T17:44:05Z", { prompt: "A portrait" });
    const refined = at("2026-12-04T17:44:05Z", { prompt: "A portrait", kind: "refine", instruction: "make the background darker" });
    const bare = at("2026-12-04T17:44:05Z", { prompt: "" });
    const history = [bare, refined, base];
    const at05 = createdPhrase(base, { seconds: true });
    expect(originLabel(rerunOf(refined), history)).toBe(`Re-run of the result of ${at05} (refined “make the background…”)`);
    expect(originLabel(rerunOf(bare), history)).toBe(`Re-run of the result of ${at05} (no prompt)`);
    expect(originLabel(rerunOf(base), history)).toBe(`Re-run of the result of ${at05} (“A portrait”)`);
  });

  it("gives the second when the minute's jobs asked the same words", () => {
    const one = at("2026-12-04T17:44:05Z", { prompt: "A portrait" });
    const again = at("2026-12-04T17:44:40Z", { prompt: "A portrait", kind: "rerun", parent_generation_id: one.id });
    const history = [again, one];
    const labels = [originLabel(rerunOf(one), history), originLabel(rerunOf(again), history)];
    expect(labels).toEqual([
      `Re-run of the result of ${createdPhrase(one, { seconds: true })}`,
      `Re-run of the result of ${createdPhrase(again, { seconds: true })}`,
    ]);
    expect(labels[0]).not.toBe(labels[1]);
  });

  it("does not count a job of that time that ended otherwise: its noun tells it apart", () => {
    const done = at("2026-12-04T17:44:05Z", { prompt: "A portrait" });
    const failed = job({
      created_at: "2026-12-04T17:44:05Z",
      status: "failed",
      prompt: "A portrait",
      error: { code: "provider_unavailable", message: "busy", details: {} },
    });
    const history = [failed, done];
    const at05 = createdPhrase(done, { seconds: true });
    expect(originLabel(rerunOf(done), history)).toBe(`Re-run of the result of ${at05}`);
    expect(originLabel(rerunOf(failed), history)).toBe(`Re-run of the failed generation of ${at05}`);
  });

  it("says what it can without the parent in the history", () => {
    const parent = at("2026-12-04T17:44:05Z");
    expect(originLabel(refineOf(parent, "darker"))).toBe("Refined: “darker”");
    expect(originLabel(rerunOf(parent))).toBe("Re-run of an earlier generation");
    expect(originLabel(parent)).toBeNull();
  });
});
