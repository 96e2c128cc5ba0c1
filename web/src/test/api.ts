/** MSW handlers typed from the API's schema, and fixtures shaped like the API's answers. */
import { HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { createOpenApiHttp } from "openapi-msw";

import type { ApiConfig, HostIdentity, HostUser, Job } from "../api/imageGeneration";
import type { components, paths } from "../api/schema";

export const API = "http://api.test";
export const S3 = "http://s3.test/bucket";
export const http = createOpenApiHttp<paths>({ baseUrl: API });

export const users: HostUser[] = [
  { id: "1", username: "admin", display_name: "Ada Admin", is_test_user: false, is_staff: true, is_active: true },
  { id: "3", username: "test-alice", display_name: "Alice Test", is_test_user: true, is_staff: false, is_active: true },
];

export const identities: HostIdentity[] = [
  { id: "id-chef", user_id: "3", name: "Alice the chef", description: "", image_path: null, image_url: null },
  { id: "id-pilot", user_id: "3", name: "Alice the pilot", description: "", image_path: null, image_url: null },
];

/** The identities, Alice's chef with `changes` (its image, its name), read by any user. */
export function chefWith(changes: Partial<HostIdentity>) {
  return http.get("/v1/users/{user_id}/identities", ({ response }) =>
    response(200).json({ identities: identities.map((identity, index) => (index === 0 ? { ...identity, ...changes } : identity)) }),
  );
}

/** Where the pipeline stores `job`'s image of Alice's chef: the chef showing it shows that job. */
export const chefImageOf = (job: Job): string => `generated/identities/id-chef/${job.id}.png`;

/** Alice's chef already shows an image (to compare a result with). */
export const chefWithAnImage = http.get("/v1/users/{user_id}/identities", ({ response }) =>
  response(200).json({
    identities: [{ ...identities[0]!, image_path: "generated/x.png", image_url: "http://s3.test/current.png" }],
  }),
);

export const apiConfig: ApiConfig = {
  max_reference_files: 5,
  reference_max_bytes: 15 * 1024 * 1024,
  accepted_types: [
    { mime_type: "image/jpeg", extensions: [".jpg", ".jpeg"] },
    { mime_type: "image/png", extensions: [".png"] },
    { mime_type: "image/webp", extensions: [".webp"] },
    { mime_type: "image/heic", extensions: [".heic"] },
    { mime_type: "image/heif", extensions: [".heif"] },
  ],
  prompt_max_chars: 2000,
  aspect_ratios: ["1:1", "3:4", "4:3", "9:16", "16:9"],
  default_aspect_ratio: "16:9",
  image_sizes: ["1K", "2K", "4K"],
  default_image_size: "4K",
  model: "gemini-3-pro-image",
  max_variants: 4,
  prices: [
    { image_size: "1K", estimated_usd: 0.134 },
    { image_size: "2K", estimated_usd: 0.134 },
    { image_size: "4K", estimated_usd: 0.24 },
  ],
  input_image_usd: 0.0011,
  output_url_expiry_s: 900,
  upload_url_expiry_s: 300,
};

let jobCounter = 0;
export function job(overrides: Partial<Job> = {}): Job {
  jobCounter += 1;
  const now = new Date().toISOString();
  return {
    // As the API makes them (32 hex digits), so an image path names its job as a real one does.
    id: jobCounter.toString(16).padStart(32, "0"),
    status: "queued",
    source: "api",
    identity_id: "id-chef",
    user_id: "3",
    created_by: "1",
    reference_keys: ["uploads/1/u/1.jpg"],
    reference_names: [],
    reference_bytes: [],
    prompt: "",
    aspect_ratio: "16:9",
    image_size: "1K",
    model: "gemini-3-pro-image",
    attempts: 0,
    output: null,
    usage: null,
    error: null,
    apply: { status: "not_requested", attempt: 0, error: null, applied_at: null, requested_at: null },
    created_at: now,
    updated_at: now,
    started_at: null,
    finished_at: null,
    canceled_at: null,
    kind: "generate",
    identity_name: "Alice the chef",
    batch_id: null,
    batch_index: null,
    batch_size: null,
    parent_generation_id: null,
    instruction: null,
    edit_source_key: null,
    stage: null,
    stage_started_at: null,
    timings: {
      queued_s: null,
      preparing_references_s: null,
      generating_s: null,
      storing_s: null,
      applying_s: null,
      total_s: null,
    },
    max_attempts: 5,
    last_error: null,
    next_attempt_at: null,
    prepared_references: [],
    ...overrides,
  };
}

export function succeeded(base: Job): Job {
  return {
    ...base,
    status: "succeeded",
    output: {
      key: `generated/identities/${base.identity_id}/${base.id}.png`,
      mime_type: "image/png",
      width: 1376,
      height: 768,
      bytes: 1000,
      filename: `alice-the-chef-2026-11-29-120000.png`,
      small: { key: `generated/identities/${base.identity_id}/${base.id}.small.jpg`, mime_type: "image/jpeg", width: 384, height: 214, bytes: 25_000 },
      preview: { key: `generated/identities/${base.identity_id}/${base.id}.preview.jpg`, mime_type: "image/jpeg", width: 768, height: 429, bytes: 90_000 },
      large: { key: `generated/identities/${base.identity_id}/${base.id}.large.jpg`, mime_type: "image/jpeg", width: 1376, height: 768, bytes: 250_000 },
      url: `http://s3.test/out/${base.id}.png`,
      small_url: `http://s3.test/out/${base.id}.small.jpg`,
      preview_url: `http://s3.test/out/${base.id}.preview.jpg`,
      large_url: `http://s3.test/out/${base.id}.large.jpg`,
      download_url: `http://s3.test/out/${base.id}.png?download`,
    },
    timings: { ...base.timings, queued_s: 1, preparing_references_s: 1, generating_s: 9, storing_s: 1, total_s: 12 },
    usage: {
      prompt_tokens: 1,
      output_tokens: 1,
      thoughts_tokens: 0,
      total_tokens: 2,
      estimated_cost_usd: 0.134,
    },
    finished_at: new Date(Date.parse(base.created_at) + 12_000).toISOString(),
  };
}

/** The handlers every page test needs: users, identities, empty history, uploads, S3. */
export function baseHandlers() {
  let uploadNo = 0;
  return [
    http.get("/v1/config", ({ response }) => response(200).json(apiConfig)),
    http.get("/v1/users", ({ response }) => response(200).json({ users })),
    http.get("/v1/users/{user_id}/identities", ({ params, response }) =>
      response(200).json({ identities: params.user_id === "1" ? [] : identities }),
    ),
    http.get("/v1/generations", ({ response }) => response(200).json({ items: [], next_cursor: null })),
    http.post("/v1/uploads", async ({ request, response }) => {
      const body = await request.json();
      return response(201).json({
        upload_id: "u",
        expires_at: new Date(Date.now() + 300_000).toISOString(),
        uploads: body.files.map((file) => {
          uploadNo += 1;
          return {
            key: `uploads/1/u/${uploadNo}.jpg`,
            url: S3,
            fields: { key: `uploads/1/u/${uploadNo}.jpg`, policy: "p" },
            content_type: file.content_type,
            max_bytes: 15 * 1024 * 1024,
          };
        }),
      });
    }),
    http.untyped.post(S3, () => new HttpResponse(null, { status: 204 })),
  ];
}

export const server = setupServer();

/** Whether a job's image was once saved: what `GET /v1/generations?saved=true` lists. */
const onceSaved = (job: Job) => Boolean(job.apply?.applied_at);

/** The handlers of an identity whose history is `jobs`, each of them readable by its id too. */
export function historyOf(jobs: Job[]) {
  return [
    http.get("/v1/generations", ({ query, response }) =>
      response(200).json({ items: query.get("saved") === "true" ? jobs.filter(onceSaved) : jobs, next_cursor: null }),
    ),
    http.get("/v1/generations/{generation_id}", ({ params, response }) =>
      response(200).json(jobs.find((item) => item.id === params.generation_id)!),
    ),
  ];
}

/**
 * `POST /v1/generation-batches` starting one job per click, the one `make` gives for the
 * request's body, put first in `jobs` (newest first, as `historyOf(jobs)` lists them).
 */
export function batchesMadeBy(jobs: Job[], make: (body: components["schemas"]["CreateVariantsRequest"]) => Job) {
  return http.post("/v1/generation-batches", async ({ request, response }) => {
    const made = make(await request.json());
    jobs.unshift(made);
    return response(202).json({ batch_id: made.id, items: [made] });
  });
}

/**
 * `GET /v1/generations` as the API pages a history: newest first, `limit` at a time, with a
 * keyset cursor (the next page is the jobs older than the one the cursor names, wherever that
 * one stands now). `listed` gives the jobs, newest first, as they are at each read; `reads`
 * holds the cursor of every read of the whole history, in order (null: the first page), and
 * `savedReads` of every read of its saved ones (`saved=true`, the Saved view's).
 */
export function pagedHistory(listed: () => Job[]) {
  const reads: (string | null)[] = [];
  const savedReads: (string | null)[] = [];
  const handler = http.get("/v1/generations", ({ query, response }) => {
    const cursor = query.get("cursor");
    const saved = query.get("saved") === "true";
    (saved ? savedReads : reads).push(cursor);
    const jobs = saved ? listed().filter(onceSaved) : listed();
    const start = cursor === null ? 0 : jobs.findIndex((each) => cursorAfter(each) === cursor) + 1;
    const items = jobs.slice(start, start + Number(query.get("limit")));
    const last = items.at(-1);
    return response(200).json({ items, next_cursor: last && start + items.length < jobs.length ? cursorAfter(last) : null });
  });
  return { reads, savedReads, handler };
}

/** The cursor `pagedHistory` gives for the page after `job`. */
export function cursorAfter(job: Job): string {
  return `after-${job.id}`;
}

/** An error answer of the API, in its one error shape (`{"error": {"code", "message", "details"}}`). */
export function apiError(status: number, code: string, message: string, details?: Record<string, unknown>) {
  return HttpResponse.json<components["schemas"]["ErrorResponse"]>(
    { error: { code, message, ...(details ? { details } : {}) } },
    { status },
  );
}

/** POST /v1/uploads, noting each file asked for in `asked`. */
export function uploadsNoting(asked: { content_type: string; size: number }[]) {
  return http.post("/v1/uploads", async ({ request, response }) => {
    const files = (await request.json()).files;
    asked.push(...files);
    return response(201).json({
      upload_id: "u",
      expires_at: new Date().toISOString(),
      uploads: files.map((_, n) => ({
        key: `uploads/1/u/${n}.jpg`,
        url: S3,
        fields: { key: `uploads/1/u/${n}.jpg` },
        content_type: "image/jpeg" as const,
        max_bytes: 15 * 1024 * 1024,
      })),
    });
  });
}
