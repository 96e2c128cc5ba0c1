/** The page's title from the first paint: while the settings or the users are read, and when
 * they cannot be, what it says stands under the title, where the page will be. */
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { apiConfig, apiError, http, users } from "../../../test/api";
import { given, renderImages } from "../../../test/render";

/** A handler's answer held back until `release` is called. */
function held() {
  let release: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { answered, release: () => release() };
}

describe("the page's title", () => {
  it("stands while the settings are read, the model named once they are", async () => {
    const config = held();
    given(
      http.get("/v1/config", async ({ response }) => {
        await config.answered;
        return response(200).json(apiConfig);
      }),
    );
    renderImages();
    expect(screen.getByRole("heading", { level: 1, name: "Images" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Loading…");
    expect(screen.getByText("Generate an identity's image from reference photos.")).toBeInTheDocument();

    config.release();
    await screen.findByRole("combobox", { name: "User" });
    expect(screen.getAllByRole("heading", { level: 1 })).toHaveLength(1);
    // The same words once read: the model's id is no admin's concern.
    expect(screen.getByText("Generate an identity's image from reference photos.")).toBeInTheDocument();
    expect(screen.queryByText(new RegExp(apiConfig.model))).not.toBeInTheDocument();
  });

  it("stands while the users are read", async () => {
    const list = held();
    given(
      http.get("/v1/users", async ({ response }) => {
        await list.answered;
        return response(200).json({ users });
      }),
    );
    renderImages();
    await screen.findByText("Generate an identity's image from reference photos.");
    expect(screen.getByRole("heading", { level: 1, name: "Images" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Loading…");
    list.release();
    await screen.findByRole("combobox", { name: "User" });
  });

  it("stands above why the settings could not be read, with its Try again", async () => {
    given(http.get("/v1/config", () => apiError(400, "bad_request", "No settings here.")));
    renderImages();
    const alert = (await screen.findByText(/No settings here\./, {}, { timeout: 5000 })).closest("[role=alert]") as HTMLElement;
    expect(alert).toHaveTextContent("Could not load the image settings.");
    expect(within(alert).getByRole("button", { name: "Try again" })).toBeInTheDocument();
    const title = screen.getByRole("heading", { level: 1, name: "Images" });
    expect(title.compareDocumentPosition(alert) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("stands above why the users could not be read", async () => {
    given(http.get("/v1/users", () => apiError(400, "bad_request", "No users here.")));
    renderImages();
    const alert = (await screen.findByText("No users here.", {}, { timeout: 5000 })).closest("[role=alert]") as HTMLElement;
    expect(alert).toHaveTextContent("Could not load the users.");
    const title = screen.getByRole("heading", { level: 1, name: "Images" });
    expect(title.compareDocumentPosition(alert) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});
