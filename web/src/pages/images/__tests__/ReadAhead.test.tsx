/** The page's first reads go out together: a reload waits one round trip for its settings,
 * users, identities and history, not four one after the other. */
import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { apiConfig, http, identities, users } from "../../../test/api";
import { given, renderImages, timePasses } from "../../../test/render";

/** Every path the page asked the API for, in order, and the settings' answer held back. */
function watchedWithSettingsHeld() {
  const asked: string[] = [];
  let release: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => {
    release = resolve;
  });
  given(
    http.get("/v1/config", async ({ response }) => {
      asked.push("/v1/config");
      await answered;
      return response(200).json(apiConfig);
    }),
    http.get("/v1/users", ({ response }) => {
      asked.push("/v1/users");
      return response(200).json({ users });
    }),
    http.get("/v1/users/{user_id}/identities", ({ params, response }) => {
      asked.push(`/v1/users/${params.user_id}/identities`);
      return response(200).json({ identities: identities.filter((i) => i.user_id === params.user_id) });
    }),
    http.get("/v1/generations", ({ query, response }) => {
      asked.push(`/v1/generations?identity_id=${query.get("identity_id")}`);
      return response(200).json({ items: [], next_cursor: null });
    }),
  );
  return { asked, release: () => release() };
}

describe("the page's first reads", () => {
  it("ask for the users, and the last chosen user's identities and identity's history, while the settings are read", async () => {
    localStorage.setItem("identity-images.user", JSON.stringify("3"));
    localStorage.setItem("identity-images.identities", JSON.stringify({ "3": "id-pilot" }));
    const reads = watchedWithSettingsHeld();
    renderImages();
    await waitFor(() => expect(reads.asked).toContain("/v1/generations?identity_id=id-pilot"));
    expect(reads.asked).toEqual(
      expect.arrayContaining(["/v1/config", "/v1/users", "/v1/users/3/identities"]),
    );
    expect(screen.getByRole("status")).toHaveTextContent("Loading…");

    reads.release();
    expect(await screen.findByRole("combobox", { name: "Identity" })).toHaveValue("id-pilot");
    await screen.findByRole("region", { name: "History" });
    await timePasses(200);
    // The page took what was read ahead: the users and identities are not asked for twice. A
    // history is never taken for fresh (another tab may have added to it): shown as read ahead,
    // it is read again as the page mounts.
    expect(reads.asked.filter((path) => !path.startsWith("/v1/generations")).toSorted()).toEqual(
      ["/v1/config", "/v1/users", "/v1/users/3/identities"].toSorted(),
    );
  });

  it("ask for the users only on a first visit: whose identities to read is not known yet", async () => {
    const reads = watchedWithSettingsHeld();
    renderImages();
    await waitFor(() => expect(reads.asked).toContain("/v1/users"));
    expect(reads.asked).toEqual(["/v1/config", "/v1/users"]);

    reads.release();
    await screen.findByRole("combobox", { name: "User" });
    await waitFor(() => expect(reads.asked).toContain("/v1/users/1/identities"));
  });
});
