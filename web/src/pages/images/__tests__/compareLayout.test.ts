import { describe, expect, it } from "vitest";

import { spansOnPhone } from "../compareLayout";

const L = true; // landscape
const U = false; // upright: portrait or square

describe("spansOnPhone: the Compare figures that take a phone's whole row", () => {
  it("gives a landscape picture the row, and the upright one beside it too rather than half a row", () => {
    expect(spansOnPhone([L, U])).toEqual(["wide", "alone"]);
    expect(spansOnPhone([U, L])).toEqual(["alone", "wide"]);
  });

  it("keeps upright pictures two a line, the odd one out taking the row", () => {
    expect(spansOnPhone([U, U])).toEqual([null, null]);
    expect(spansOnPhone([L, U, U])).toEqual(["wide", null, null]);
    expect(spansOnPhone([U, U, U])).toEqual([null, null, "alone"]);
    expect(spansOnPhone([U, L, U])).toEqual(["alone", "wide", "alone"]);
  });

  it("puts landscape pictures one a row", () => {
    expect(spansOnPhone([L, L, L])).toEqual(["wide", "wide", "wide"]);
  });
});
