/**
 * A success (2xx) whose body broke on the way: a proxy emptied it, the connection cut it
 * short of the length it claims, or it is not JSON at all. A change so answered went
 * through: the page says no failure (a start says it was taken, and keeps its key), and
 * shows what it did from its next reads. A read so answered is a failed read: tried again,
 * and said as lost contact only once the retry failed too.
 */
import { screen, waitFor, within } from "@testing-library/react";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { http, identities, job, succeeded } from "../../../test/api";
import { addPhoto, given, openAsAlice } from "../../../test/render";

/** The ways a success's body can break on the way, each as the answer `status` would give
 * with `body`. */
const BROKEN: { answer: string; response: (status: number, body: unknown) => Response }[] = [
  { answer: "emptied", response: (status) => new HttpResponse(null, { status }) },
  {
    answer: "cut short of its length",
    response: (status, body) => {
      const whole = JSON.stringify(body);
      return new HttpResponse(whole.slice(0, whole.length / 2), {
        status,
        headers: { "Content-Type": "application/json", "Content-Length": String(whole.length) },
      });
    },
  },
  {
    answer: "not JSON",
    response: (status) => new HttpResponse("<html><body>Request accepted</body></html>", { status, headers: { "Content-Type": "text/html" } }),
  },
];

describe.each(BROKEN)("a change whose answer came $answer", ({ response: broken }) => {
  it("a save says no failure, and shows the save once it is read", async () => {
    let done: Job = succeeded(job({ prompt: "the one" }));
    given(
      http.post("/v1/generations/{generation_id}/apply", () => {
        done = { ...done, apply: { status: "applied", attempt: 1, error: null, requested_at: done.created_at, applied_at: new Date().toISOString() } };
        return broken(202, done);
      }),
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [done], next_cursor: null })),
      http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(done)),
      // The host's side: the identity's image is the save's once it landed.
      http.get("/v1/users/{user_id}/identities", ({ response }) =>
        response(200).json({
          identities: identities.map((identity) => ({
            ...identity,
            image_path: done.apply?.status === "applied" ? done.output!.key : null,
          })),
        }),
      ),
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(within(card).getByRole("button", { name: /^Save to identity\b/ }));

    const row = within(screen.getByRole("region", { name: "History" })).getAllByRole("listitem")[0]!;
    await waitFor(() => expect(within(row).getByText("Saved to identity")).toBeInTheDocument());
    // The card too: the job is read again, not left as it was before the save.
    await waitFor(() => expect(within(card).getByText("Saved to identity")).toBeInTheDocument());
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("a cancel says no failure, and shows the job canceled", async () => {
    let queued = job({ prompt: "to cancel" });
    given(
      http.post("/v1/generations/{generation_id}/cancel", () => {
        queued = { ...queued, status: "canceled", canceled_at: new Date().toISOString() };
        return broken(200, queued);
      }),
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [queued], next_cursor: null })),
      http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(queued)),
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(within(card).getByRole("button", { name: /^Cancel\b/ }));
    expect(await within(card).findByText("Canceled")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("a Generate says it was taken, shows the jobs from the history, and starts them only once when asked again", async () => {
    const keys: string[] = [];
    const started: Job[] = [];
    given(
      http.post("/v1/generation-batches", async ({ request, response }) => {
        const body = await request.json();
        const key = request.headers.get("Idempotency-Key")!;
        keys.push(key);
        // The service starts the batch once per key, and answers the same key with it again.
        if (started.length === 0) started.push(job({ identity_id: body.identity_id, prompt: body.prompt, batch_id: "b-1" }));
        const batch = { batch_id: "b-1", items: started };
        return keys.length === 1 ? broken(202, batch) : response(202).json(batch);
      }),
      http.get("/v1/generations", ({ response }) => response(200).json({ items: started, next_cursor: null })),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json(started.find((item) => item.id === params.generation_id)!),
      ),
    );
    const user = await openAsAlice();
    await addPhoto(user);
    const form = screen.getByRole("region", { name: "New generation" });
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const alert = await within(form).findByRole("alert");
    expect(alert).toHaveTextContent("took the request");
    expect(alert).toHaveTextContent("Press Generate again");
    // The history is read again: the job it started shows there.
    const history = screen.getByRole("region", { name: "History" });
    await waitFor(() => expect(within(history).getAllByRole("listitem")).toHaveLength(1));

    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(keys).toHaveLength(2));
    expect(keys[1]).toBe(keys[0]);
    expect(started).toHaveLength(1);
  });

  it("a Re-run from the history says it was taken on its row until the history shows it, then shows it beside its result", async () => {
    const done = succeeded(job({ prompt: "again" }));
    const keys: string[] = [];
    const started: Job[] = [];
    const listed = () => [...started, done];
    // The history's read after the re-run comes when the test lets it.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    given(
      http.post("/v1/generations/{generation_id}/rerun", ({ request, response }) => {
        keys.push(request.headers.get("Idempotency-Key")!);
        if (started.length === 0) started.push(job({ kind: "rerun", parent_generation_id: done.id, prompt: "again", batch_id: "rerun-1" }));
        const batch = { batch_id: "rerun-1", items: started };
        return keys.length === 1 ? broken(202, batch) : response(202).json(batch);
      }),
      http.get("/v1/generations", async ({ response }) => {
        if (started.length > 0) await held;
        return response(200).json({ items: listed(), next_cursor: null });
      }),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json(listed().find((item) => item.id === params.generation_id)!),
      ),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    // The result re-run: the oldest row, once the re-run shows above it.
    const row = () => within(history).getAllByRole("listitem").at(-1)!;
    await user.click(await within(history).findByRole("button", { name: /^Re-run\b/ }));
    const alert = await within(row()).findByRole("alert");
    expect(alert).toHaveTextContent("took the request");
    expect(alert).toHaveTextContent("Press Re-run again");

    release();
    await waitFor(() => expect(within(history).getAllByRole("listitem")).toHaveLength(2));
    // Beside the result it re-runs, which the pane shows, as its answer would have had it;
    // and its row no longer asks for a second press.
    expect(await screen.findByRole("article", { name: "Re-run of the new image" })).toBeInTheDocument();
    await waitFor(() => expect(within(row()).queryByRole("alert")).not.toBeInTheDocument());

    // Pressed again all the same: the same key, and the same re-run.
    await user.click(within(row()).getByRole("button", { name: /^Re-run\b/ }));
    await waitFor(() => expect(screen.getByRole("article", { name: "Re-run of the new image" })).toHaveFocus());
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(started).toHaveLength(1);
    expect(screen.getAllByRole("article", { name: "Re-run of the new image" })).toHaveLength(1);
  });
});

describe.each(BROKEN.filter(({ answer }) => answer !== "emptied"))("a read whose answer came $answer", ({ response: broken }) => {
  it("is tried again, said as lost contact once the retry failed too, and no longer once reads come whole", async () => {
    const running = job({ status: "running", stage: "generating", prompt: "in flight" });
    let breaking = false;
    let brokenReads = 0;
    const read = (answer: unknown, whole: () => Response) => {
      if (!breaking) return whole();
      brokenReads += 1;
      return broken(200, answer);
    };
    given(
      http.get("/v1/generations", ({ response }) => read({ items: [running], next_cursor: null }, () => response(200).json({ items: [running], next_cursor: null }))),
      http.get("/v1/generations/{generation_id}", ({ response }) => read(running, () => response(200).json(running))),
    );
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(within(card).getByRole("status")).toHaveTextContent("Gemini is generating");

    breaking = true;
    const banner = await screen.findByText(/what you see may be out of date/, {}, { timeout: 8000 });
    expect(banner).toHaveTextContent("The image service answered (HTTP 200), but its answer came empty, cut short or unreadable");
    expect(brokenReads).toBeGreaterThanOrEqual(2); // the read, and its retry

    breaking = false;
    await waitFor(() => expect(screen.queryByText(/what you see may be out of date/)).not.toBeInTheDocument(), { timeout: 8000 });
  }, 20_000);
});
