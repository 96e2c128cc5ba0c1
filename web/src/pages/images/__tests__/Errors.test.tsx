/** What the page says when the API, the network or the session fails it: users or settings it cannot read, lost contact, offline, an ended session. */
import { onlineManager } from "@tanstack/react-query";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";

import { SESSION_ENDED, UNREACHABLE } from "../../../api/imageGeneration";
import { API, apiConfig, apiError, http, job } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { addPhoto, given, openAsAlice, renderImages, timePasses } from "../../../test/render";

describe("when something fails", () => {
  it("says why users cannot be loaded, in the API's words, and does not ask again what was refused", async () => {
    let asked = 0;
    given(
      http.get("/v1/users", () => {
        asked += 1;
        return apiError(403, "forbidden", "Only admins can use this.");
      }),
    );
    renderImages();
    expect(await screen.findByText("Only admins can use this.", {}, { timeout: 4000 })).toBeInTheDocument();
    const once = asked;
    await timePasses(4500);
    expect(asked).toBe(once);
  });

  it("says the host app is not answering in its own words, not the API's 'try again later' beside a page that tries again", async () => {
    given(http.get("/v1/users", () => apiError(503, "host_unavailable", "The host app did not answer after 3 attempts; try again later.")));
    renderImages();
    expect(await screen.findByText("The host app is not answering.", {}, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.queryByText(/try again later/)).toBeNull();
  });

  it.each([
    ["the settings", "/v1/config"],
    ["the users", "/v1/users"],
  ] as const)("comes back by itself once %s can be read again, without a click on Try again", async (_, path) => {
    let down = true;
    given(
      http.untyped.get(`${API}${path}`, () => (down ? apiError(503, "host_unavailable", "The host app did not answer.") : undefined)),
    );
    renderImages();
    expect(await screen.findByRole("button", { name: "Try again" }, { timeout: 6000 })).toBeInTheDocument();
    down = false;
    expect(await screen.findByRole("combobox", { name: "User" }, { timeout: 6000 })).toBeInTheDocument();
  }, 20_000);

  it("offers to try again when the settings cannot be loaded", async () => {
    let down = true;
    given(http.get("/v1/config", ({ response }) => (down ? HttpResponse.error() : response(200).json(apiConfig))));
    const user = userEvent.setup();
    renderImages();
    expect(await screen.findByText(new RegExp(UNREACHABLE.slice(0, 30)), {}, { timeout: 6000 })).toBeInTheDocument();
    down = false;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("combobox", { name: "User" })).toBeInTheDocument();
  });

  it("says when it lost contact with the API while a job runs", async () => {
    const running = job({ status: "running", prompt: "in flight" });
    let reachable = true;
    given(
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [running], next_cursor: null })),
      http.get("/v1/generations/{generation_id}", ({ response }) =>
        reachable ? response(200).json(running) : HttpResponse.error(),
      ),
    );
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    reachable = false;
    const banner = await screen.findByText(/what you see may be out of date/, {}, { timeout: 12_000 });
    expect(banner).toHaveTextContent(UNREACHABLE);
    // The card says what it last read, and that it cannot check now: no spinner.
    expect(within(card).getByRole("status")).toHaveTextContent("Generating");
    expect(within(card).getByText(/^Last known state/)).toBeInTheDocument();
    expect(card.querySelector(".spinner")).toBeNull();
    // Its history row says the same.
    const row = within(screen.getByRole("region", { name: "History" })).getByRole("listitem");
    expect(within(row).getByText("Generating (last known)")).toBeInTheDocument();
    expect(row.querySelector(".spinner")).toBeNull();
    reachable = true;
    await waitFor(() => expect(screen.queryByText(/what you see may be out of date/)).not.toBeInTheDocument(), {
      timeout: 8000,
    });
    expect(within(card).queryByText(/^Last known state/)).not.toBeInTheDocument();
    expect(within(row).getByText("Generating")).toBeInTheDocument();
  }, 30_000);

  it("says in its own words that the host app did not answer: what did not happen, and when to ask again", async () => {
    const running = job({ status: "running", stage: "generating", prompt: "in flight" });
    let hostDown = false;
    const down = () => apiError(503, "host_unavailable", "The host app did not answer after 3 attempts; try again later.");
    given(
      http.get("/v1/generations", ({ response }) => (hostDown ? down() : response(200).json({ items: [running], next_cursor: null }))),
      http.get("/v1/generations/{generation_id}", ({ response }) => (hostDown ? down() : response(200).json(running))),
      http.post("/v1/generation-batches", () => down()),
    );
    const user = await openAsAlice();
    await screen.findByRole("article", { name: "New image" });
    hostDown = true;
    // Not "try again later" beside "the page keeps trying".
    expect(await screen.findByText(/what you see may be out of date/, {}, { timeout: 8000 })).toHaveTextContent(
      /^The host app is not answering\. The page keeps trying/,
    );
    await addPhoto(user);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const form = screen.getByRole("region", { name: "New generation" });
    expect(await within(form).findByRole("alert")).toHaveTextContent(
      /^Nothing was started: the host app did not answer\. Try again in a few minutes\.$/,
    );
  }, 20_000);

  it("says of a Generate that could not reach the service that nothing started: still true once it is back", async () => {
    let down = true;
    const service = jobService();
    given(
      http.untyped.post(`${API}/v1/generation-batches`, () => (down ? HttpResponse.error() : undefined)),
      ...service.handlers,
    );
    const user = await openAsAlice();
    await addPhoto(user);
    // The browser offline as the press came: the request never went (online, one that fails
    // may have gone: see Connection.test.tsx).
    const offline = vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const form = screen.getByRole("region", { name: "New generation" });
    expect(await within(form).findByRole("alert", {}, { timeout: 8000 })).toHaveTextContent(
      /^Nothing was started: the image service could not be reached\. Try again once the connection is back\.$/,
    );
    expect(service.created).toHaveLength(0);
    offline.mockRestore();
    down = false;
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    await waitFor(() => expect(within(form).queryByRole("alert")).not.toBeInTheDocument());
  }, 20_000);

  it("says once that the session has ended, with the host's way to log in again", async () => {
    let loggedIn = false;
    // An ended session's token is refused by every read the page sends at once.
    const ended = () => HttpResponse.json<never>({ message: "Unauthorized" } as never, { status: 401 });
    given(http.get("/v1/config", ended), http.get("/v1/users", ended));
    const user = userEvent.setup();
    renderImages({ onSessionEnded: () => (loggedIn = true) });
    const notice = await screen.findByRole("alert");
    expect(notice).toHaveTextContent(SESSION_ENDED);
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
    await user.click(within(notice).getByRole("button", { name: "Log in again" }));
    expect(loggedIn).toBe(true);
  });

  it("says so when the browser is offline, and stops saying it when it is back", async () => {
    given();
    const user = await openAsAlice();
    await addPhoto(user);
    const generate = screen.getByRole("button", { name: "Generate" });
    try {
      act(() => onlineManager.setOnline(false));
      expect(await screen.findByRole("alert")).toHaveTextContent("This browser is offline.");
      // A click would wait, unsent, with no word of why: Generate says why it is off.
      expect(generate).toHaveAttribute("aria-disabled", "true");
      expect(generate).toHaveAccessibleDescription(/^This browser is offline\./);
    } finally {
      act(() => onlineManager.setOnline(true));
    }
    await waitFor(() => expect(screen.queryByRole("alert")).not.toBeInTheDocument());
    expect(generate).toHaveAttribute("aria-disabled", "false");
  });

  it("does not offer Generate while the session has ended", async () => {
    given(http.get("/v1/generations", () => HttpResponse.json({ message: "Unauthorized" } as never, { status: 401 })));
    await openAsAlice();
    expect(await screen.findByText("Log in again to go on.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "true");
    // One notice, above the page: not again in the history.
    expect(screen.getAllByText(SESSION_ENDED, { exact: false })).toHaveLength(1);
  });
});
