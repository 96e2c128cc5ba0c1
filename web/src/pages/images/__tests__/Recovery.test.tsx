/**
 * How the page comes back once what went wrong is over, and what it says meanwhile: a read
 * that failed is read again, a change asked offline is not sent later on its own, a session
 * that comes back as another admin's gets that admin's draft, an ended session is said once.
 */
import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { apiError, http, identities } from "../../../test/api";
import { given, renderImages } from "../../../test/render";

/** Opens the page on Alice, the user last chosen in this browser. */
function onAlice() {
  localStorage.setItem("identity-images.user", JSON.stringify("3"));
}

describe("identities that could not be read", () => {
  it("are read again until they are, with Generate saying why it waits meanwhile", async () => {
    let asked = 0;
    given(
      http.get("/v1/users/{user_id}/identities", ({ response }) => {
        asked += 1;
        // The first read and its retry fail: no focus or reconnect comes to read them again.
        return asked <= 2 ? apiError(503, "host_unavailable", "The host app did not answer.") : response(200).json({ identities });
      }),
    );
    onAlice();
    renderImages();
    const identity = await screen.findByRole("combobox", { name: "Identity" });
    const alert = await screen.findByRole("alert", {}, { timeout: 6000 });
    expect(alert).toHaveTextContent("The host app did not answer.");
    expect(identity).toHaveDisplayValue("Could not load identities");
    expect(screen.getByRole("button", { name: "Generate" })).toHaveAccessibleDescription(/^The identities could not be read\./);
    await waitFor(() => expect(identity).toHaveValue("id-chef"), { timeout: 6000 });
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(asked).toBe(3);
  }, 15_000);

});
