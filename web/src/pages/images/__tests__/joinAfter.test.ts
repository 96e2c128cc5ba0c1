import { describe, expect, it } from "vitest";

import { joinAfter, lastJoined } from "../job/joins";

describe("joinAfter", () => {
  it("puts a follow-up right after the card it came from", () => {
    expect(joinAfter(["a", "b", "c", "d"], {}, "c", ["r"])).toEqual(["a", "b", "c", "r", "d"]);
  });

  it("puts a second follow-up of one card after the first, and a follow-up of a follow-up after it", () => {
    const from = { r: "c" };
    expect(joinAfter(["a", "b", "c", "r", "d"], from, "c", ["s"])).toEqual(["a", "b", "c", "r", "s", "d"]);
    expect(joinAfter(["a", "b", "c", "r", "d"], from, "r", ["t"])).toEqual(["a", "b", "c", "r", "t", "d"]);
    expect(joinAfter(["a", "b", "c", "r", "t", "d"], { r: "c", t: "r" }, "c", ["s"])).toEqual(["a", "b", "c", "r", "t", "s", "d"]);
  });

  it("adds at the end when the card it came from is not there", () => {
    expect(joinAfter(["a"], {}, "x", ["r"])).toEqual(["a", "r"]);
  });

  it("names the job that joined last", () => {
    expect(lastJoined({ r: "c", "9s": "r" })).toBe("9s");
    expect(lastJoined(undefined)).toBeUndefined();
  });
});
