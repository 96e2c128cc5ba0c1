/**
 * How the page comes back once what went wrong is over, and what it says meanwhile: a read
 * that failed is read again, a change asked offline is not sent later on its own, a session
 * that comes back as another admin's gets that admin's draft, an ended session is said once.
 */
import { onlineManager } from "@tanstack/react-query";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";

import { SESSION_ENDED, type HostUser } from "../../../api/imageGeneration";
import { apiConfig, apiError, historyOf, http, identities, job, succeeded, users } from "../../../test/api";
import { addPhoto, file, given, openAsAlice, pickAlice, renderImages, thumbnails, timePasses } from "../../../test/render";

/** Opens the page on Alice, the user last chosen in this browser. */
function onAlice() {
  localStorage.setItem("identity-images.user", JSON.stringify("3"));
}

describe("identities that could not be read", () => {
  it("are read again until they are, with Generate saying why it waits meanwhile", async () => {
    let asked = 0;
    let answers = false;
    given(
      http.get("/v1/users/{user_id}/identities", ({ response }) => {
        asked += 1;
        // No focus or reconnect comes to read them again: only the page's own re-reads.
        return answers ? response(200).json({ identities }) : apiError(503, "host_unavailable", "The host app did not answer.");
      }),
    );
    onAlice();
    renderImages();
    const identity = await screen.findByRole("combobox", { name: "Identity" });
    const alert = await screen.findByRole("alert", {}, { timeout: 6000 });
    expect(alert).toHaveTextContent("The host app is not answering.");
    expect(identity).toHaveDisplayValue("Could not load identities");
    expect(screen.getByRole("button", { name: "Generate" })).toHaveAccessibleDescription(/^The identities could not be read\./);
    const failedReads = asked;
    answers = true;
    await waitFor(() => expect(identity).toHaveValue("id-chef"), { timeout: 6000 });
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(asked).toBe(failedReads + 1);
  }, 15_000);

  it("say why once while they are read again and again: the alert stays, and so does Generate's reason", async () => {
    let asked = 0;
    let answers = false;
    given(
      http.get("/v1/users/{user_id}/identities", ({ response }) => {
        asked += 1;
        return answers ? response(200).json({ identities }) : apiError(503, "host_unavailable", "The host app did not answer.");
      }),
    );
    onAlice();
    renderImages();
    const identity = await screen.findByRole("combobox", { name: "Identity" });
    const alert = await screen.findByRole("alert", {}, { timeout: 6000 });
    const generate = screen.getByRole("button", { name: "Generate" });
    const firstTries = asked;
    // Each re-read (every 2 s, with its one retry) shows as a first load: nothing of it flickers.
    while (asked < firstTries + 4) {
      await timePasses(200);
      expect(screen.getAllByRole("alert")).toEqual([alert]);
      expect(alert).toHaveTextContent("The host app is not answering.");
      expect(identity).toHaveDisplayValue("Could not load identities");
      expect(generate).toHaveAccessibleDescription(/^The identities could not be read\./);
    }
    answers = true;
    await waitFor(() => expect(identity).toHaveValue("id-chef"), { timeout: 6000 });
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(generate).not.toHaveAccessibleDescription(/identities could not be read/);
  }, 20_000);

});

describe("a change asked while the browser is offline", () => {
  it("fails at once and says so where it was asked; it is not sent later on its own", async () => {
    let offline = false;
    const sent = { rerun: 0, apply: 0 };
    const done = succeeded(job({ prompt: "keep me" }));
    given(
      ...historyOf([done]),
      // What a browser does with a request while it is offline.
      http.post("/v1/generations/{generation_id}/rerun", ({ response }) => {
        sent.rerun += 1;
        return offline ? HttpResponse.error() : response(202).json({ batch_id: "r", items: [job({ kind: "rerun" })] });
      }),
      http.post("/v1/generations/{generation_id}/apply", ({ response }) => {
        sent.apply += 1;
        return offline ? HttpResponse.error() : response(202).json(done);
      }),
    );
    const user = await openAsAlice();
    const [row] = await within(screen.getByRole("region", { name: "History" })).findAllByRole("listitem");
    // What the browser says of itself while it is offline: a request it could not send never went.
    const onLine = vi.spyOn(navigator, "onLine", "get").mockImplementation(() => !offline);
    try {
      offline = true;
      act(() => onlineManager.setOnline(false));
      await user.click(within(row!).getByRole("button", { name: /^Re-run\b/ }));
      expect(await within(row!).findByRole("alert")).toHaveTextContent(/^Nothing was started: the image service could not be reached\./);
      expect(screen.getByRole("button", { name: "Generate" })).toHaveAccessibleDescription(/^This browser is offline\./);
      await user.click(within(row!).getByRole("button", { name: /^Save to identity\b/ }));
      await waitFor(() =>
        expect(within(row!).getByRole("alert")).toHaveTextContent(/^Not saved: the image service could not be reached\./),
      );
      expect(within(row!).getByRole("button", { name: /^Save to identity\b/ })).toHaveAttribute("aria-disabled", "false");
      expect(sent).toEqual({ rerun: 1, apply: 1 });
    } finally {
      offline = false;
      onLine.mockRestore();
      act(() => onlineManager.setOnline(true));
    }
    // Back online: nothing the admin asked offline goes out by itself.
    await timePasses(500);
    expect(sent).toEqual({ rerun: 1, apply: 1 });
    expect(screen.getAllByRole("article")).toHaveLength(1);
  });
});

describe("a read of a finished job that failed", () => {
  it("stops saying the service cannot be reached as soon as the job is read again", async () => {
    const done = succeeded(job({ prompt: "done" }));
    let failures = 0;
    given(
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [done], next_cursor: null })),
      http.get("/v1/generations/{generation_id}", ({ response }) => {
        if (failures === 0) return response(200).json(done);
        failures -= 1;
        return apiError(502, "bad_gateway", "The service had a blip.");
      }),
    );
    await openAsAlice();
    await screen.findByRole("article", { name: "New image" });
    // The laptop wakes: the page reads again what it shows, and a blip fails the job's read and its retry.
    failures = 2;
    act(() => void window.dispatchEvent(new Event("visibilitychange")));
    const notice = await screen.findByText(/^The service had a blip\. .*what you see may be out of date/, {}, { timeout: 5000 });
    // Read again within seconds, not when a finished job's URLs near their end (minutes).
    await waitFor(() => expect(notice).not.toBeInTheDocument(), { timeout: 5000 });
    expect(failures).toBe(0);
  }, 15_000);
});

describe("a session that comes back as another admin's", () => {
  it("gives that admin their own draft, not the one of the admin before", async () => {
    let token = "ada";
    const bob: HostUser = { id: "2", username: "bob", display_name: "Bob Admin", is_test_user: false, is_staff: true, is_active: true };
    const refused = (request: Request) => request.headers.get("Authorization") === "Bearer expired";
    const unauthorized = () => HttpResponse.json<never>({ message: "Unauthorized" } as never, { status: 401 });
    given(
      // The caller is the first of the users.
      http.get("/v1/users", ({ request, response }) =>
        refused(request)
          ? unauthorized()
          : response(200).json({ users: request.headers.get("Authorization") === "Bearer bob" ? [bob, ...users.slice(1)] : users }),
      ),
      http.get("/v1/generations", ({ request, response }) =>
        refused(request) ? unauthorized() : response(200).json({ items: [], next_cursor: null }),
      ),
    );
    const user = userEvent.setup();
    renderImages({ getToken: () => token });
    await pickAlice(user);
    await addPhoto(user);
    await user.type(screen.getByRole("textbox", { name: "Prompt" }), "Ada's prompt");

    // Ada's session ends: the next read (another identity's history) is refused.
    token = "expired";
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    expect(await screen.findByText(SESSION_ENDED)).toBeInTheDocument();
    // The host logs Bob in without unmounting the page: the history, read again, answers.
    token = "bob";
    await waitFor(() => expect(screen.queryByText(SESSION_ENDED)).not.toBeInTheDocument(), { timeout: 5000 });
    await waitFor(() => expect(localStorage.getItem("identity-images.owner")).toBe(JSON.stringify("2")));
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Prompt" })).toHaveValue(""));
    expect(thumbnails("front.jpg")).toHaveLength(0);
    expect(screen.getByRole("combobox", { name: "User" })).toHaveValue("2");
  }, 15_000);
});

describe("older generations asked for while the history is read again", () => {
  it("still come: the history is read again once they are in", async () => {
    const newest = succeeded(job({ prompt: "newest" }));
    const oldest = succeeded(job({ prompt: "oldest" }));
    const reads: (string | null)[] = [];
    let answerOlder = () => {};
    const olderHeld = new Promise<void>((resolve) => (answerOlder = resolve));
    let saved = false;
    given(
      http.get("/v1/generations", async ({ query, response }) => {
        reads.push(query.get("cursor"));
        if (query.get("cursor") !== "page-2") return response(200).json({ items: [newest], next_cursor: "page-2" });
        await olderHeld;
        return response(200).json({ items: [oldest], next_cursor: null });
      }),
      http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(newest)),
      http.post("/v1/generations/{generation_id}/apply", ({ response }) => {
        saved = true;
        return response(202).json({ ...newest, apply: { ...newest.apply, status: "pending", attempt: 1 } });
      }),
    );
    const user = await openAsAlice();
    const history = screen.getByRole("region", { name: "History" });
    await user.click(await within(history).findByRole("button", { name: "Show older generations" }));
    await waitFor(() => expect(reads).toContain("page-2"));
    // A save asks for the history whole while its older page is on its way.
    await user.click(within(screen.getByRole("article", { name: "New image" })).getByRole("button", { name: /^Save to identity\b/ }));
    await waitFor(() => expect(saved).toBe(true));
    await timePasses(100);
    answerOlder();
    expect(await within(history).findByText("“oldest”", {}, { timeout: 3000 })).toBeInTheDocument();
    // Then read whole, the older page too.
    await waitFor(() => expect(reads.slice(reads.indexOf("page-2") + 1).slice(0, 2)).toEqual([null, "page-2"]));
  });
});

describe("an ended session", () => {
  it("is not said again under the Identity select: its own notice says it, once", async () => {
    given(
      http.get("/v1/users/{user_id}/identities", () => HttpResponse.json({ message: "Unauthorized" } as never, { status: 401 })),
    );
    onAlice();
    renderImages();
    const notice = await screen.findByRole("alert");
    expect(notice).toHaveTextContent(SESSION_ENDED);
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Identity" })).toHaveDisplayValue("Could not load identities"));
    expect(screen.getAllByRole("alert")).toEqual([notice]);
    expect(screen.getAllByText(SESSION_ENDED, { exact: false })).toHaveLength(1);
  });

  it("is not said again on a photo whose upload it stopped: the photo did not upload, to retry", async () => {
    given(http.post("/v1/uploads", () => HttpResponse.json({ message: "Unauthorized" } as never, { status: 401 })));
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    expect(await screen.findByText("The upload failed; retry.")).toBeInTheDocument();
    expect(screen.getAllByText(SESSION_ENDED, { exact: false })).toHaveLength(1);
  });
});

describe("Try again", () => {
  it("keeps the focus while it reads again (aria-disabled, not disabled), and sends one read for two presses", async () => {
    let asked = 0;
    let answer = () => {};
    given(
      http.get("/v1/config", async ({ response }) => {
        asked += 1;
        if (asked <= 2) return HttpResponse.error(); // the first read and its retry
        await new Promise<void>((resolve) => (answer = resolve));
        return response(200).json(apiConfig);
      }),
    );
    const user = userEvent.setup();
    renderImages();
    const retry = await screen.findByRole("button", { name: "Try again" }, { timeout: 6000 });
    retry.focus();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(retry).toHaveAttribute("aria-disabled", "true"));
    expect(asked).toBe(3);
    expect(retry).toBeEnabled();
    expect(retry).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(asked).toBe(3);
    answer();
    expect(await screen.findByRole("combobox", { name: "User" })).toBeInTheDocument();
    expect(asked).toBe(3);
  });
});
