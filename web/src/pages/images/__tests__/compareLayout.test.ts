import { describe, expect, it } from "vitest";

import { spansOnPhone } from "../compareLayout";

const L = true; // landscape
const U = false; // upright: portrait or square

describe("spansOnPhone: the Compare figures that take a phone's whole row", () => {
  it("gives a landscape picture the row, and the upright one beside it too rather than half a row", () => {
    expect(spansOnPhone([L, U])).toEqual([true, true]);
    expect(spansOnPhone([U, L])).toEqual([true, true]);
  });

  it("keeps upright pictures two a line, the odd one out taking the row", () => {
    expect(spansOnPhone([U, U])).toEqual([false, false]);
    expect(spansOnPhone([L, U, U])).toEqual([true, false, false]);
    expect(spansOnPhone([U, U, U])).toEqual([false, false, true]);
    expect(spansOnPhone([U, L, U])).toEqual([true, true, true]);
  });

  it("puts landscape pictures one a row", () => {
    expect(spansOnPhone([L, L, L])).toEqual([true, true, true]);
  });
});
