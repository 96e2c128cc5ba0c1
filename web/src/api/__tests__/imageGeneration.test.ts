/**
 * An answer with no body (a 204, a 304, an empty 200: no route of the API sends one, but a
 * proxy on the way might) is an answer: never "Can't reach the image service". So is a
 * success whose body broke on the way (cut short of the length it claims, or not JSON): its
 * status says the service did what was asked, whatever became of its result.
 */
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { ApiError, createImageGenerationApi, LOST_ANSWER, UNREACHABLE, uploadToS3 } from "../imageGeneration";
import { API, http, S3, server } from "../../test/api";

const api = createImageGenerationApi({ apiBaseUrl: `${API}/v1`, getToken: () => "test-token" });

/** What a call's failure says, or "answered" when it did not fail. */
async function failureOf(call: Promise<unknown>): Promise<{ status: number; code: string; message: string } | "answered"> {
  try {
    await call;
    return "answered";
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, code: error.code, message: error.message };
  }
}

/** A body the connection drops after its first bytes, as a browser reads one shorter than its
 * Content-Length: the read fails. */
function droppedAfter(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.error(new TypeError("network error"));
    },
  });
}

const JOB_START = '{"id": "job-1", "status": "succeeded", "identity_id": "id-ch';

describe("An answer with no body, or a broken one", () => {
  it.each([
    { answer: "a 204", response: () => new HttpResponse(null, { status: 204 }), status: 204, code: LOST_ANSWER },
    { answer: "an empty 200", response: () => new HttpResponse(null, { status: 200 }), status: 200, code: LOST_ANSWER },
    { answer: "an empty 200 that says its length", response: () => new HttpResponse("", { status: 200, headers: { "Content-Length": "0" } }), status: 200, code: LOST_ANSWER },
    { answer: "an empty 200 that claims a length", response: () => new HttpResponse("", { status: 200, headers: { "Content-Length": "180" } }), status: 200, code: LOST_ANSWER },
    {
      answer: "a 200 cut short of the length it claims",
      response: () => new HttpResponse(JOB_START, { status: 200, headers: { "Content-Type": "application/json", "Content-Length": "180" } }),
      status: 200,
      code: LOST_ANSWER,
    },
    {
      answer: "a 200 whose connection dropped mid-body",
      response: () => new HttpResponse(droppedAfter(JOB_START), { status: 200, headers: { "Content-Type": "application/json" } }),
      status: 200,
      code: LOST_ANSWER,
    },
    {
      answer: "a 200 that is not JSON (a proxy's page)",
      response: () => new HttpResponse("<html><body>Welcome</body></html>", { status: 200, headers: { "Content-Type": "text/html" } }),
      status: 200,
      code: LOST_ANSWER,
    },
    { answer: "a 304", response: () => new HttpResponse(null, { status: 304 }), status: 304, code: "http_error" },
    {
      answer: "a 500 whose connection dropped mid-body",
      response: () => new HttpResponse(droppedAfter('{"error": {"co'), { status: 500 }),
      status: 500,
      code: "http_error",
    },
  ])("fails a read or a change that expects a result, as $answer, not as unreachable", async ({ response, status, code }) => {
    // Not the API's own answers (its schema has none such for these routes): a proxy's.
    server.use(
      http.untyped.get(`${API}/v1/generations/:id`, response),
      http.untyped.post(`${API}/v1/generations/:id/apply`, response),
    );
    for (const call of [api.getGeneration("job-1"), api.applyGeneration("job-1")]) {
      const failure = await failureOf(call);
      expect(failure).toMatchObject({ status, code });
      expect(failure).not.toMatchObject({ message: UNREACHABLE });
    }
  });
});

describe("uploadToS3", () => {
  it("sends nothing when stopped before it started, and says it was canceled", async () => {
    let posted = 0;
    server.use(
      http.untyped.post(S3, () => {
        posted += 1;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const stop = new AbortController();
    stop.abort();
    const sent = uploadToS3({ url: S3, fields: { key: "uploads/1/u/0.jpg" } }, new Blob(["x"]), () => undefined, stop.signal);
    await expect(sent).rejects.toMatchObject({ code: "upload_aborted" });
    expect(posted).toBe(0);
  });
});
