import { describe, expect, it } from "vitest";

import { initialsOf } from "../components/IdentitySelector";

describe("initialsOf: an identity without an image, by its initials", () => {
  it("takes the first and the last word's first letter, as people write initials", () => {
    expect(initialsOf("Alice the chef")).toBe("AC");
    expect(initialsOf("bob")).toBe("B");
    expect(initialsOf("  élodie   martin ")).toBe("ÉM");
  });

  it("takes a whole character, never half of one (an emoji drawn as �)", () => {
    expect(initialsOf("🧑‍🚀🚀 Space person 👩🏽‍🔬")).toBe("🧑‍🚀👩🏽‍🔬");
    expect(initialsOf("𝒜lice chef")).toBe("𝒜C");
  });
});
