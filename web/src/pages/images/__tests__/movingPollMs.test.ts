import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { movingPollMs, POLL_MS, WAITING_POLL_MS } from "../queryCache";

const now = Date.parse("2026-12-06T09:00:00Z");
/** Queued for its next attempt `seconds` from now (a backoff). */
const waitingFor = (seconds: number): Job =>
  job({ status: "queued", attempts: 1, next_attempt_at: new Date(now + seconds * 1000).toISOString() });

describe("movingPollMs: how soon moving jobs are read again", () => {
  it("is null when nothing moves, and every poll while one runs, waits in the queue or is being saved", () => {
    expect(movingPollMs([succeeded(job())], now)).toBeNull();
    expect(movingPollMs([job({ status: "running" })], now)).toBe(POLL_MS);
    expect(movingPollMs([job({ status: "queued" })], now)).toBe(POLL_MS);
    const saving = succeeded(job());
    expect(movingPollMs([{ ...saving, apply: { ...saving.apply!, status: "pending" } }], now)).toBe(POLL_MS);
  });

  it("waits for the next attempt when every moving job waits out a backoff, within its longest wait", () => {
    expect(movingPollMs([waitingFor(8), succeeded(job())], now)).toBe(8_500);
    expect(movingPollMs([waitingFor(8), waitingFor(5)], now)).toBe(5_500);
    expect(movingPollMs([waitingFor(240)], now)).toBe(WAITING_POLL_MS);
    // Its time come (or past): read as often as any moving job.
    expect(movingPollMs([waitingFor(-3)], now)).toBe(POLL_MS);
    // Beside a running one, every poll.
    expect(movingPollMs([waitingFor(60), job({ status: "running" })], now)).toBe(POLL_MS);
  });
});
