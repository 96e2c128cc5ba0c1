import { describe, expect, it } from "vitest";

import { job, succeeded } from "../../../test/api";
import { jobRatio } from "../shape";

describe("jobRatio: a job's picture, width over height", () => {
  it("reads the ratio asked while there is no image", () => {
    expect(jobRatio(job({ aspect_ratio: "3:4" }))).toBe(0.75);
  });

  it("reads the image once there is one, over the ratio asked", () => {
    // The fixture's image is 1376 × 768, whatever was asked.
    expect(jobRatio(succeeded(job({ aspect_ratio: "1:1" })))).toBeCloseTo(1376 / 768);
  });
});
