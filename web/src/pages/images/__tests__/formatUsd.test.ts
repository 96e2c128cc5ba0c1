import { describe, expect, it } from "vitest";

import { formatUsd } from "../config";

describe("a cost as the page reads it", () => {
  it.each([
    [2.4, "$2.40"],
    [0.24, "$0.240"],
    [0.0134, "$0.013"],
    // Under a cent (a refusal's bill): two of them add up to what their total says.
    [0.0024, "$0.0024"],
    [0.0048, "$0.0048"],
    [0, "$0.000"],
  ])("reads %d as %s", (value, words) => {
    expect(formatUsd(value)).toBe(words);
  });
});
