/** Findings of a design review: what of each one a test can hold (the rest was looked at in a browser). */
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { http, identities } from "../../../test/api";
import { given, openAsAlice } from "../../../test/render";

const LONG_NAME = "Maximilianaverylongsinglewordwithoutanyspacesatallreally";

describe("a long identity name", () => {
  it("is cut to two lines in the result's header, the whole name in its title", async () => {
    given(
      http.get("/v1/users/{user_id}/identities", ({ response }) =>
        response(200).json({ identities: identities.map((identity, index) => (index === 0 ? { ...identity, name: LONG_NAME } : identity)) }),
      ),
    );
    await openAsAlice();
    const result = screen.getByRole("region", { name: "Result" });
    expect(within(result).getByText(LONG_NAME)).toHaveAttribute("title", LONG_NAME);
  });
});
