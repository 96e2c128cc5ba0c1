import { describe, expect, it } from "vitest";

import { job } from "../../../test/api";
import { retryingBecause } from "../job/progress";

const waitingAfter = (details: Record<string, unknown>) =>
  job({ status: "queued", attempts: 1, last_error: { code: "provider_unavailable", message: "…", details } });

describe("why a job waits to be tried again, by Gemini's fault", () => {
  it.each([
    [{ status_code: 429 }, "Gemini is busy"],
    [{ status_code: 503 }, "Gemini is busy"],
    [{}, "Gemini is busy"],
    // A 500 is Gemini's own error, not a queue: "busy" told the admin to wait it out.
    [{ status_code: 500 }, "Gemini had a problem on its side"],
    [{ status_code: 504 }, "Gemini did not answer in time"],
    [{ reason: "timeout" }, "Gemini did not answer in time"],
    [{ reason: "network" }, "Gemini could not be reached"],
    [{ reason: "bad_response" }, "Gemini's answer could not be read"],
  ])("says %j as %s", (details, words) => {
    expect(retryingBecause(waitingAfter(details))).toEqual({ alone: words, inSentence: words });
  });

  it("says nothing once the job ended", () => {
    expect(retryingBecause({ ...waitingAfter({ status_code: 500 }), status: "failed" })).toBeNull();
  });
});
