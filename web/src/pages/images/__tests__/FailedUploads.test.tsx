/** A photo whose upload failed: its Retry (one photo or all of them), Generate waiting for it, and the page asking before it is left. */
import { act, screen, waitFor } from "@testing-library/react";
import { onlineManager } from "@tanstack/react-query";
import { HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";

import { http, S3 } from "../../../test/api";
import { file, given, openAsAlice } from "../../../test/render";

describe("an upload that failed", () => {
  it("lets a failed upload be retried", async () => {
    let failures = 1;
    given(http.untyped.post(S3, () =>
        failures-- > 0
          ? new HttpResponse("<Error><Code>AccessDenied</Code></Error>", { status: 403 })
          : new HttpResponse(null, { status: 204 }),
      ),
    );
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    expect(await screen.findByText("The upload form expired or was refused; retry.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "true");
    await user.click(screen.getByRole("button", { name: "Retry front.jpg" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    // Retry went with the new try: the focus stays on the photo's tile, at its Remove.
    expect(screen.getByRole("button", { name: "Remove front.jpg" })).toHaveFocus();
  });

  it("says a photo storage could not be reached for in a few words a narrow tile holds, Retry under them", async () => {
    given(http.untyped.post(S3, () => HttpResponse.error()));
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    // Retry says what to do: the words say what went wrong, and where to look.
    expect(await screen.findByText("Storage could not be reached; check the connection.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Retry front.jpg" })).toBeInTheDocument();
  });

  it("sends a photo that failed as the browser went offline once it is back online, as its tile said", async () => {
    let offline = false;
    const sent: string[] = [];
    given(
      http.untyped.post(S3, async ({ request }) => {
        if (offline) return HttpResponse.error();
        sent.push(String((await request.formData()).get("key")));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = await openAsAlice();
    vi.spyOn(navigator, "onLine", "get").mockImplementation(() => !offline);
    offline = true;
    act(() => onlineManager.setOnline(false));
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    // Said whole, and in the tile's title; seen in the few words a 72 px tile has room for.
    const whole = "Offline: it goes once the connection is back.";
    expect(await screen.findByText(whole)).toBeInTheDocument();
    expect(screen.getByText("Sent once back online")).toHaveAttribute("aria-hidden", "true");
    expect(screen.getByTitle(whole)).toBeInTheDocument();
    expect(sent).toHaveLength(0);
    // Nothing to press: a retry could only fail again.
    expect(screen.queryByRole("button", { name: "Retry front.jpg" })).not.toBeInTheDocument();

    offline = false;
    act(() => onlineManager.setOnline(true));
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    expect(sent).toHaveLength(1);
    expect(screen.queryByText("Offline: it goes once the connection is back.")).not.toBeInTheDocument();
  });

  it("leaves a photo refused while online to its Retry, offered again once the browser is back online", async () => {
    let refusals = 1;
    given(
      http.untyped.post(S3, () =>
        refusals-- > 0 ? new HttpResponse("<Error><Code>AccessDenied</Code></Error>", { status: 403 }) : new HttpResponse(null, { status: 204 }),
      ),
    );
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    expect(await screen.findByText("The upload form expired or was refused; retry.")).toBeInTheDocument();
    act(() => onlineManager.setOnline(false));
    // Offline, its Retry waits with it: it could only fail again.
    expect(screen.queryByRole("button", { name: "Retry front.jpg" })).not.toBeInTheDocument();
    act(() => onlineManager.setOnline(true));
    expect(screen.getByText("The upload form expired or was refused; retry.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Retry front.jpg" })).toBeInTheDocument();
  });

  it("fails a photo the upload forms left out, to retry, rather than leave it uploading", async () => {
    let asked = 0;
    given(
      http.post("/v1/uploads", async ({ request, response }) => {
        asked += 1;
        const files = (await request.json()).files;
        // The first answer has a form for the first photo only.
        const answered = asked === 1 ? files.slice(0, 1) : files;
        return response(201).json({
          upload_id: "u",
          expires_at: new Date(Date.now() + 300_000).toISOString(),
          uploads: answered.map((each, n) => ({
            key: `uploads/1/u/${asked}-${n}.jpg`,
            url: S3,
            fields: { key: `uploads/1/u/${asked}-${n}.jpg` },
            content_type: each.content_type,
            max_bytes: 15 * 1024 * 1024,
          })),
        });
      }),
    );
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), [file("front.jpg", "image/jpeg"), file("side.jpg", "image/jpeg")]);
    expect(await screen.findByText("The upload failed; retry.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "true");
    await user.click(screen.getByRole("button", { name: "Retry side.jpg" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
  });

  it("says the photos that just failed once, in one place, not each tile as an alert", async () => {
    given(http.untyped.post(S3, () => new HttpResponse("<Error><Code>AccessDenied</Code></Error>", { status: 403 })));
    const user = await openAsAlice({ applyAccept: false });
    const said = () => screen.getByRole("region", { name: "New generation" }).querySelector("[aria-live=assertive]");
    expect(said()).toHaveTextContent(/^$/);
    await user.upload(screen.getByLabelText("Reference photos"), [file("notes.txt", "text/plain"), file("empty.jpg", "image/jpeg", 0)]);
    await waitFor(() => expect(said()).toHaveTextContent(/^notes\.txt: .+\. empty\.jpg: .+\.$/));
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    await waitFor(() => expect(said()).toHaveTextContent(/^front\.jpg: The upload form expired or was refused; retry\.$/));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("retries every photo that did not upload with one click", async () => {
    let failures = 2;
    const sent: string[] = [];
    given(
      http.untyped.post(S3, async ({ request }) => {
        if (failures-- > 0) return new HttpResponse("<Error><Code>AccessDenied</Code></Error>", { status: 403 });
        sent.push(String((await request.formData()).get("key")));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), [file("front.jpg", "image/jpeg"), file("side.jpg", "image/jpeg")]);
    await waitFor(() => expect(screen.getAllByText("The upload form expired or was refused; retry.")).toHaveLength(2));
    await user.click(screen.getByRole("button", { name: "Retry the 2 photos that did not upload" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    expect(sent).toHaveLength(2);
    expect(screen.queryByRole("button", { name: /photos that did not upload/ })).not.toBeInTheDocument();
    // The button went: the focus is on the first photo it sent again.
    expect(screen.getByRole("button", { name: "Remove front.jpg" })).toHaveFocus();
  });

  it("does not generate without a photo whose upload failed until it is retried or removed", async () => {
    let failures = 1;
    given(
      http.untyped.post(S3, () =>
        failures-- > 0
          ? new HttpResponse("<Error><Code>AccessDenied</Code></Error>", { status: 403 })
          : new HttpResponse(null, { status: 204 }),
      ),
    );
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), [file("front.jpg", "image/jpeg"), file("side.jpg", "image/jpeg")]);
    expect(await screen.findByText("The upload form expired or was refused; retry.")).toBeInTheDocument();
    // One photo is up, the other is not: Generate says so rather than sending one.
    const generate = screen.getByRole("button", { name: "Generate" });
    await waitFor(() => expect(screen.getByText("A photo did not upload: retry or remove it.")).toBeInTheDocument());
    expect(generate).toHaveAttribute("aria-disabled", "true");
    await user.click(screen.getByRole("button", { name: /^Retry / }));
    await waitFor(() => expect(generate).toHaveAttribute("aria-disabled", "false"));
  });

  it("asks before the page is left while a photo uploads or did not upload, and not once it is uploaded", async () => {
    let answer: (status: number) => void = () => {};
    let posts = 0;
    given(
      http.untyped.post(S3, () => {
        posts += 1;
        return new Promise<Response>((resolve) => (answer = (status) => resolve(new HttpResponse(null, { status }))));
      }),
    );
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    await screen.findByText(/uploading/i);
    const leave = () => {
      const event = new Event("beforeunload", { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    await waitFor(() => expect(posts).toBe(1));
    expect(leave()).toBe(true);
    // Failed, its file is still only here: a reload would lose it all the same.
    answer(500);
    await screen.findByRole("button", { name: "Retry front.jpg" });
    expect(leave()).toBe(true);
    await user.click(screen.getByRole("button", { name: "Retry front.jpg" }));
    await waitFor(() => expect(posts).toBe(2)); // the retry's upload is out
    answer(204);
    await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
    // The page stops asking as its effects run, once it has drawn the photo uploaded.
    await waitFor(() => expect(leave()).toBe(false));
  });
});
