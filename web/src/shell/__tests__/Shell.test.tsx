/** The standalone shell's own behaviour (the page's is under `pages/images/__tests__`). */
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";

import { server } from "../../test/api";
import { given } from "../../test/render";
import { LOGGED_OUT_KEY, logOut, TOKEN_KEY } from "../session";
import { Shell } from "../Shell";

/** A token as the host signs it, for the shell's display (the API is the test's stand-in). */
function tokenOf(username: string): string {
  const claims = { username, is_staff: true, exp: Math.floor(Date.now() / 1000) + 3600 };
  return `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, "")}.signature`;
}

/** What another tab's login or logout does to this one: the shared token changes, and this
 * tab hears of it. */
function anotherTabSets(token: string | null) {
  const oldValue = localStorage.getItem(TOKEN_KEY);
  if (token === null) localStorage.removeItem(TOKEN_KEY);
  else localStorage.setItem(TOKEN_KEY, token);
  act(() => {
    window.dispatchEvent(new StorageEvent("storage", { key: TOKEN_KEY, oldValue, newValue: token }));
  });
}

describe("the login form", () => {
  afterEach(() => localStorage.clear());

  it("puts the focus in Username as it opens: the page is for logging in", () => {
    server.use(http.get("*/config.json", () => HttpResponse.json({ apiBaseUrl: "http://api.test/v1" })));
    render(<Shell />);
    expect(screen.getByRole("textbox", { name: "Username" })).toHaveFocus();
  });

  it("gives the page's content the focus once logged in, not the page's body", async () => {
    server.use(
      http.get("*/config.json", () => HttpResponse.json({ apiBaseUrl: "http://api.test/v1" })),
      http.post("*/api/v1/auth/token/", () => HttpResponse.json({ access: tokenOf("admin") })),
    );
    render(<Shell />);
    const user = userEvent.setup();
    await user.type(screen.getByRole("textbox", { name: "Username" }), "admin");
    await user.type(screen.getByLabelText("Password"), "admin-password{Enter}");
    expect(await screen.findByRole("heading", { name: "Welcome, admin" })).toBeInTheDocument();
    expect(screen.getByRole("main")).toHaveFocus();
  });
});

describe("a session shared with other tabs", () => {
  afterEach(() => {
    localStorage.clear();
    window.history.pushState(null, "", "/");
  });

  it("leaves the Images page for the login form at once when another tab logs out, and follows its login", async () => {
    given(http.get("*/config.json", () => HttpResponse.json({ apiBaseUrl: "http://api.test/v1" })));
    localStorage.setItem(TOKEN_KEY, tokenOf("ada"));
    window.history.pushState(null, "", "/images");
    render(<Shell />);
    expect(await screen.findByRole("combobox", { name: "User" })).toBeInTheDocument();

    // Not left on screen (a user's face photos, their results) for whoever comes to the desk.
    anotherTabSets(null);
    expect(screen.getByRole("textbox", { name: "Username" })).toBeInTheDocument();
    expect(screen.queryByRole("combobox", { name: "User" })).not.toBeInTheDocument();

    anotherTabSets(tokenOf("ada"));
    expect(await screen.findByRole("combobox", { name: "User" })).toBeInTheDocument();
    expect(screen.getByText("ada")).toBeInTheDocument();
  });

  it("forgets this tab's draft when another tab logs out, not when a session there merely ends", () => {
    sessionStorage.setItem("identity-images.photos", JSON.stringify([{ name: "face.jpg" }]));
    render(<Shell />);
    anotherTabSets(null);
    expect(sessionStorage.getItem("identity-images.photos")).not.toBeNull();
    localStorage.setItem(LOGGED_OUT_KEY, "1");
    act(() => {
      window.dispatchEvent(new StorageEvent("storage", { key: LOGGED_OUT_KEY, newValue: "1" }));
    });
    expect(sessionStorage.getItem("identity-images.photos")).toBeNull();
  });

  it("drops its 'session ended' once another tab logs in, and its Log in again cannot log that tab out", async () => {
    const before = tokenOf("ada-before");
    const after = tokenOf("ada");
    given(
      http.get("*/config.json", () => HttpResponse.json({ apiBaseUrl: "http://api.test/v1" })),
      http.all("*/v1/*", ({ request }) =>
        request.headers.get("Authorization") === `Bearer ${before}` ? HttpResponse.json({ message: "Unauthorized" }, { status: 401 }) : undefined,
      ),
    );
    localStorage.setItem(TOKEN_KEY, before);
    window.history.pushState(null, "", "/images");
    render(<Shell />);
    expect(await screen.findByRole("button", { name: "Log in again" })).toBeInTheDocument();
    anotherTabSets(after);
    expect(await screen.findByRole("combobox", { name: "User" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Log in again" })).not.toBeInTheDocument();
    expect(localStorage.getItem(TOKEN_KEY)).toBe(after);
  });

  it("ends its own session without logging out another tab that logged in since", () => {
    const newer = tokenOf("ada");
    localStorage.setItem(TOKEN_KEY, newer);
    logOut(tokenOf("ada-before"));
    expect(localStorage.getItem(TOKEN_KEY)).toBe(newer);
    logOut(newer);
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull();
  });
});
