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

  it("leaves a job that joined already where it is: a start answered again with the jobs it made", () => {
    expect(joinAfter(["a", "c", "r", "d"], { r: "c" }, "c", ["r"])).toEqual(["a", "c", "r", "d"]);
    expect(joinAfter(["a", "r"], {}, "x", ["r", "s"])).toEqual(["a", "r", "s"]);
  });

  it("names the job that joined last", () => {
    expect(lastJoined({ r: "c", "9s": "r" })).toBe("9s");
    expect(lastJoined(undefined)).toBeUndefined();
  });
});
