/**
 * A service that hangs (the connection open, no answer: its process stopped) is a lost
 * contact, not a page that looks live: a read gives up after `READ_TIMEOUT_MS` and counts
 * as a failed poll; a change gives up after `WRITE_TIMEOUT_MS`, and says it may have gone
 * through rather than that it failed.
 */
import { act, screen, waitFor, within } from "@testing-library/react";
import { onlineManager } from "@tanstack/react-query";
import { HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";

import {
  READ_TIMEOUT_MS,
  WRITE_TIMEOUT_MS,
  type CreateVariantsRequest,
  type GenerationBatch,
  type Job,
} from "../../../api/imageGeneration";
import { API, apiError, http, identities, job, succeeded } from "../../../test/api";
import { batchJobs } from "../../../test/jobService";
import { addPhoto, file, given, openAsAlice } from "../../../test/render";

/** An answer that never comes. */
const hang = () => new Promise<never>(() => undefined);

/**
 * Every request gives up after `ms` instead of its own timeout (the page's are seconds
 * long); returns the timeouts the page asked for.
 */
function shortTimeouts(ms = 300): number[] {
  const asked: number[] = [];
  const timeout = AbortSignal.timeout.bind(AbortSignal);
  vi.spyOn(AbortSignal, "timeout").mockImplementation((wanted) => {
    asked.push(wanted);
    return timeout(ms);
  });
  return asked;
}

const notice = /what you see may be out of date/;

/**
 * The history's read and a job's own, of the jobs `listed()` gives (newest first); the
 * history's fails while the `connection` is down (the browser offline).
 */
function reads(listed: () => Job[], connection = { up: true }) {
  return [
    http.get("/v1/generations", ({ response }) =>
      connection.up ? response(200).json({ items: listed(), next_cursor: null }) : HttpResponse.error(),
    ),
    http.get("/v1/generations/{generation_id}", ({ params, response }) =>
      response(200).json(listed().find((item) => item.id === params.generation_id)!),
    ),
  ];
}

/**
 * A service whose save of "keep me" lands, then answers the save with `answer()` (none, or a
 * failed connection): its job, history and identities say the save landed from then on.
 * Returns the card's Save pressed, and the result pane.
 */
async function saveLandsThen(answer: () => Promise<never> | Response) {
  let done: Job = succeeded(job({ prompt: "keep me" }));
  let imagePath: string | null = null;
  given(
    http.post("/v1/generations/{generation_id}/apply", () => {
      const now = new Date().toISOString();
      done = { ...done, updated_at: now, apply: { status: "applied", attempt: 1, error: null, applied_at: now, requested_at: now } };
      imagePath = done.output!.key;
      return answer();
    }),
    ...reads(() => [done]),
    http.get("/v1/users/{user_id}/identities", ({ params, response }) =>
      response(200).json({
        identities: params.user_id === "1" ? [] : identities.map((each) => (each.id === "id-chef" ? { ...each, image_path: imagePath } : each)),
      }),
    ),
  );
  const user = await openAsAlice();
  const result = screen.getByRole("region", { name: "Result" });
  const card = await within(result).findByRole("article", { name: "New image" });
  await user.click(within(card).getByRole("button", { name: /^Save to identity\b/ }));
  return { result, card };
}

describe("A service that does not answer", () => {
  it("makes a poll with no answer a lost contact: the notice, and the card's last known state", async () => {
    const asked = shortTimeouts();
    const running = job({ status: "running", stage: "generating", prompt: "in flight" });
    let hung = false;
    const unanswered = { history: 0, job: 0 };
    given(
      http.get("/v1/generations", ({ response }) => {
        if (!hung) return response(200).json({ items: [running], next_cursor: null });
        unanswered.history += 1;
        return hang();
      }),
      http.get("/v1/generations/{generation_id}", ({ response }) => {
        if (!hung) return response(200).json(running);
        unanswered.job += 1;
        return hang();
      }),
    );
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(within(card).getByRole("status")).toHaveTextContent("Gemini is generating");
    expect(screen.queryByText(notice)).not.toBeInTheDocument();
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked)).toEqual(new Set([READ_TIMEOUT_MS]));

    hung = true;
    const banner = await screen.findByText(notice, {}, { timeout: 8000 });
    expect(banner).toHaveTextContent("Can't reach the image service: it is not answering.");
    // Said once a read got no answer in time, not after TanStack's retry waited as long again.
    expect(Math.min(unanswered.history || Infinity, unanswered.job || Infinity)).toBe(1);
    // The card says what it read last, and that it cannot check now: no spinner.
    expect(within(card).getByText(/^Last known state/)).toBeInTheDocument();
    expect(card.querySelector(".spinner")).toBeNull();

    hung = false;
    await waitFor(() => expect(screen.queryByText(notice)).not.toBeInTheDocument(), { timeout: 8000 });
    expect(within(card).queryByText(/^Last known state/)).not.toBeInTheDocument();
  }, 20_000);

  it("says a Generate with no answer may have started, shows it if it did, and starts it only once when asked again", async () => {
    const asked = shortTimeouts();
    // The service makes the batch, and (at first) never answers: one batch per key.
    const batches = new Map<string, GenerationBatch>();
    const keys: string[] = [];
    let answers = false;
    given(
      http.post("/v1/generation-batches", async ({ request, response }) => {
        const key = request.headers.get("Idempotency-Key")!;
        keys.push(key);
        const body = await request.json();
        const batch = batches.get(key) ?? {
          batch_id: `b-${batches.size + 1}`,
          items: [job({ identity_id: body.identity_id, prompt: body.prompt, batch_id: `b-${batches.size + 1}` })],
        };
        batches.set(key, batch);
        return answers ? response(202).json(batch) : hang();
      }),
      ...reads(() => [...batches.values()].flatMap((batch) => batch.items).reverse()),
    );
    const user = await openAsAlice();
    await addPhoto(user);
    await user.click(screen.getByRole("button", { name: "Generate" }));

    const form = screen.getByRole("region", { name: "New generation" });
    const alert = await within(form).findByRole("alert", {}, { timeout: 5000 });
    expect(alert).toHaveTextContent(`did not answer in time (at most ${WRITE_TIMEOUT_MS / 1000} s)`);
    expect(alert).toHaveTextContent("may have started");
    expect(alert).not.toHaveTextContent(/Nothing was started|failed/);
    expect(asked).toContain(WRITE_TIMEOUT_MS);
    // It had started: the history, read again, shows it.
    expect(await screen.findByRole("article", { name: "New image" })).toBeInTheDocument();

    answers = true;
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(keys).toHaveLength(2));
    expect(keys[1]).toBe(keys[0]);
    expect(batches.size).toBe(1);
    await waitFor(() => expect(within(form).queryByRole("alert")).not.toBeInTheDocument());
    expect(screen.getAllByRole("article", { name: "New image" })).toHaveLength(1);
  });

  it("takes an answer whose body stalls for no answer", async () => {
    shortTimeouts();
    const running = job({ status: "running", stage: "generating", prompt: "in flight" });
    let stalls = false;
    // The status and headers come, then the first bytes of the body, then nothing more.
    const stalled = () =>
      new HttpResponse(
        new ReadableStream({ start: (body) => body.enqueue(new TextEncoder().encode('{"id": ')) }),
        { headers: { "Content-Type": "application/json" } },
      );
    given(
      http.untyped.get(`${API}/v1/generations`, () => (stalls ? stalled() : HttpResponse.json({ items: [running], next_cursor: null }))),
      http.untyped.get(`${API}/v1/generations/:id`, () => (stalls ? stalled() : HttpResponse.json(running))),
    );
    await openAsAlice();
    await screen.findByRole("article", { name: "New image" });
    stalls = true;
    const banner = await screen.findByText(notice, {}, { timeout: 8000 });
    expect(banner).toHaveTextContent("it is not answering");
  });

  it("says a photo whose upload form came too late did not upload (it was never sent)", async () => {
    shortTimeouts();
    given(http.post("/v1/uploads", () => hang()));
    const user = await openAsAlice();
    await user.upload(screen.getByLabelText("Reference photos"), file("front.jpg", "image/jpeg"));
    expect(await screen.findByText("The upload failed; retry.", {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByText(/may have gone through/)).not.toBeInTheDocument();
  });

  it("keeps the key of a click the gateway timed out for that click's request, whatever is asked in between", async () => {
    const keys: { key: string; prompt: string }[] = [];
    const started: Job[] = [];
    given(
      http.post("/v1/generation-batches", async ({ request, response }) => {
        const body = await request.json();
        keys.push({ key: request.headers.get("Idempotency-Key")!, prompt: body.prompt ?? "" });
        const batch = { batch_id: `b-${keys.length}`, items: [job({ identity_id: body.identity_id, prompt: body.prompt })] };
        // The first: the function went on past the gateway's 29 s, which answered 504 itself.
        if (keys.length === 1)
          return apiError(504, "internal_error", "Internal server error");
        started.push(...batch.items);
        return response(202).json(batch);
      }),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json(started.find((item) => item.id === params.generation_id)!),
      ),
    );
    const user = await openAsAlice();
    await addPhoto(user);
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    const form = screen.getByRole("region", { name: "New generation" });
    await user.type(prompt, "first");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent("may have started");

    await user.clear(prompt);
    await user.type(prompt, "second");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(keys).toHaveLength(2));
    await user.clear(prompt);
    await user.type(prompt, "first");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(keys).toHaveLength(3));
    expect(keys[1]!.key).not.toBe(keys[0]!.key);
    expect(keys[2]).toEqual(keys[0]);
  });

  it("says a save with no answer may have gone through, and reads the identity to show that it did", async () => {
    shortTimeouts();
    // The save lands; its answer never comes.
    const { result, card } = await saveLandsThen(hang);

    const alert = await within(result).findByRole("alert", {}, { timeout: 5000 });
    expect(alert).toHaveTextContent(`did not answer within ${WRITE_TIMEOUT_MS / 1000} s: this may have gone through`);
    expect(alert).not.toHaveTextContent(/failed|not saved/i);
    expect(await within(card).findByText("Saved to identity")).toBeInTheDocument();
    const identityRow = screen.getByRole("combobox", { name: "Identity" }).parentElement!.parentElement!;
    await waitFor(() => expect(identityRow.querySelector("figcaption")).toHaveTextContent("Current"));
  });

  it("still says a request that could not be sent started nothing: the browser was offline before it went", async () => {
    given(http.untyped.post("http://api.test/v1/generation-batches", () => HttpResponse.error()));
    const user = await openAsAlice();
    await addPhoto(user);
    // Offline as the press came (a page that did not hear of it: Generate is on).
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const form = screen.getByRole("region", { name: "New generation" });
    expect(await within(form).findByRole("alert")).toHaveTextContent(/^Nothing was started/);
  });
});

describe("A connection that fails once a start went", () => {
  /**
   * A service that starts each click once per key, whose answer to the first is lost with the
   * connection (the browser goes offline as it comes back: the history cannot be read until
   * it is back online); a later request with the same key is answered.
   */
  function answerLost(make: (body: CreateVariantsRequest, batch: string) => Job[]) {
    const batches = new Map<string, GenerationBatch>();
    const keys: string[] = [];
    const connection = { up: true };
    const listed = () => [...batches.values()].flatMap((batch) => [...batch.items].reverse()).reverse();
    given(
      http.post("/v1/generation-batches", async ({ request, response }) => {
        const key = request.headers.get("Idempotency-Key")!;
        keys.push(key);
        const body = await request.json();
        const batch_id = `b-${batches.size + 1}`;
        const batch = batches.get(key) ?? { batch_id, items: make(body, batch_id) };
        batches.set(key, batch);
        if (keys.length > 1) return response(202).json(batch);
        connection.up = false;
        return HttpResponse.error();
      }),
      ...reads(listed, connection),
    );
    return { batches, keys, connection };
  }

  it("says a Generate may have started, not that nothing was, and shows the click in its place once the history does", async () => {
    const service = answerLost(batchJobs);
    const user = await openAsAlice();
    await addPhoto(user);
    await user.selectOptions(screen.getByRole("combobox", { name: "Size" }), "1K");
    await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "2");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    act(() => onlineManager.setOnline(false));

    const form = screen.getByRole("region", { name: "New generation" });
    const alert = await within(form).findByRole("alert");
    expect(alert).toHaveTextContent(/^The connection failed before the image service's answer came: the generation may have started all the same/);
    expect(alert).toHaveTextContent("Press Generate again to follow it here: the same request starts it only once.");
    expect(service.batches.size).toBe(1);

    service.connection.up = true;
    act(() => onlineManager.setOnline(true));
    // The history, read again as the browser is back, shows the click: the pane follows it,
    // as the answer would have had it, and nothing says it may not have started.
    const pane = screen.getByRole("region", { name: "Result" });
    await waitFor(() => expect(within(pane).getAllByRole("article")).toHaveLength(2));
    await waitFor(() => expect(within(form).queryByRole("alert")).not.toBeInTheDocument());
    expect(screen.queryByText(/may have started|Nothing was started/)).not.toBeInTheDocument();
    const [batch] = service.batches.values();
    expect(within(pane).getAllByRole("article").map((card) => card.dataset.jobId)).toEqual(batch!.items.map((item) => item.id));
    expect(service.keys).toHaveLength(1);
  });

  it("says a Re-run may have started on its card, and shows the re-run beside it once the history does", async () => {
    const done = succeeded(job({ prompt: "again" }));
    const started: Job[] = [];
    const connection = { up: true };
    const listed = () => [...started, done];
    given(
      http.post("/v1/generations/{generation_id}/rerun", () => {
        started.push(job({ kind: "rerun", parent_generation_id: done.id, prompt: "again", batch_id: "rerun-1", batch_index: 0, batch_size: 1 }));
        connection.up = false;
        return HttpResponse.error();
      }),
      ...reads(listed, connection),
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(within(card).getByRole("button", { name: /^Re-run\b/ }));
    act(() => onlineManager.setOnline(false));
    const alert = await within(card).findByRole("alert");
    expect(alert).toHaveTextContent(/^The connection failed before the image service's answer came: the generation may have started all the same/);
    expect(alert).toHaveTextContent("Press Re-run again");

    connection.up = true;
    act(() => onlineManager.setOnline(true));
    expect(await screen.findByRole("article", { name: "Re-run of the new image" })).toBeInTheDocument();
    await waitFor(() => expect(within(card).queryByRole("alert")).not.toBeInTheDocument());
    expect(started).toHaveLength(1);
  });
});

describe("A connection that fails once a change went", () => {
  it("says a save may have gone through, not that it was not saved, and reads the job to show that it did", async () => {
    // The save lands; the connection fails before its answer comes.
    const { result, card } = await saveLandsThen(() => HttpResponse.error());

    const alert = await within(result).findByRole("alert");
    expect(alert).toHaveTextContent(
      "The connection failed before the image service's answer came: this may have gone through all the same. Asking again does no harm.",
    );
    expect(alert).not.toHaveTextContent(/could not be reached|not saved/i);
    expect(await within(card).findByText("Saved to identity")).toBeInTheDocument();
  });

  it("says a cancel may have gone through, and shows the card canceled once its read says so", async () => {
    let waiting: Job = job({ prompt: "stop me" });
    given(
      http.post("/v1/generations/{generation_id}/cancel", () => {
        waiting = { ...waiting, status: "canceled", updated_at: new Date().toISOString(), finished_at: new Date().toISOString() };
        return HttpResponse.error();
      }),
      ...reads(() => [waiting]),
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    await user.click(within(card).getByRole("button", { name: /^Cancel\b/ }));

    expect(await within(card).findByRole("alert")).toHaveTextContent("this may have gone through all the same");
    expect(await within(card).findByText("Canceled")).toBeInTheDocument();
  });
});

describe("A service the page cannot reach as an identity is chosen", () => {
  it("says so above the page, not only in the history below the fold", async () => {
    let reachable = true;
    given(
      http.get("/v1/generations", ({ response }) =>
        reachable ? response(200).json({ items: [], next_cursor: null }) : HttpResponse.error(),
      ),
    );
    const user = await openAsAlice();
    expect(screen.queryByText(notice)).not.toBeInTheDocument();
    reachable = false;
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    const banner = await screen.findByText(notice, {}, { timeout: 8000 });
    expect(banner).toHaveTextContent("Can't reach the image service. Check the connection.");
    reachable = true;
    await waitFor(() => expect(screen.queryByText(notice)).not.toBeInTheDocument(), { timeout: 8000 });
  }, 20_000);
});
