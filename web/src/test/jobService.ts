/** A stand-in for the pipeline's job API, for the page's tests. */
import type { CreateVariantsRequest, Job } from "../api/imageGeneration";
import { apiError, http, identities, job, succeeded } from "./api";

/**
 * When the worker lands a save the apply asked for: on the job's next read (the default),
 * at once (before the page reads anything again, as a worker nearby does: the 202 still
 * says pending), or before the 202 itself (which then says applied).
 */
export type SaveLanding = "on-next-read" | "at-once" | "in-answer";

/** The queued jobs the service makes for a click's `body`, as the batch `batch`. */
export function batchJobs(body: CreateVariantsRequest, batch: string): Job[] {
  return Array.from({ length: body.count }, (_, index) =>
    job({
      identity_id: body.identity_id,
      user_id: body.user_id,
      reference_keys: body.reference_keys,
      prompt: body.prompt,
      image_size: body.image_size ?? "4K",
      aspect_ratio: body.aspect_ratio ?? "16:9",
      batch_id: batch,
      batch_index: index,
      batch_size: body.count,
    }),
  );
}

/** A job service: POST creates queued jobs; each GET moves one step, then succeeds. */
export function jobService({ saves = "on-next-read" }: { saves?: SaveLanding } = {}) {
  const jobs = new Map<string, Job>();
  const created: { body: unknown; key: string | null }[] = [];
  const applied: string[] = [];
  // The host's side of a save: the identity's image path names the job whose save landed.
  const imagePaths = new Map<string, string>();
  return {
    jobs,
    created,
    applied,
    /** Each identity's image path, as the host has it: the output of the save that landed last. */
    imagePaths,
    handlers: [
      http.get("/v1/users/{user_id}/identities", ({ params, response }) =>
        response(200).json({
          identities:
            params.user_id === "1"
              ? []
              : identities.map((identity) => ({ ...identity, image_path: imagePaths.get(identity.id) ?? null })),
        }),
      ),
      http.post("/v1/generation-batches", async ({ request, response }) => {
        const body = await request.json();
        created.push({ body, key: request.headers.get("Idempotency-Key") });
        const batch = `batch-${created.length}`;
        const items = batchJobs(body, batch);
        for (const item of items) jobs.set(item.id, item);
        return response(202).json({ batch_id: batch, items });
      }),
      http.post("/v1/generations/{generation_id}/rerun", async ({ params, request, response }) => {
        const body = await request.json();
        created.push({ body: { ...body, parent: params.generation_id }, key: request.headers.get("Idempotency-Key") });
        // `count` re-runs of the parent, one batch (the history's Re-run all of a click).
        const count = body.count ?? 1;
        const items = Array.from({ length: count }, (_, index) =>
          job({ kind: "rerun", parent_generation_id: params.generation_id, batch_id: "rerun-1", batch_index: index, batch_size: count }),
        );
        for (const item of items) jobs.set(item.id, item);
        return response(202).json({ batch_id: "rerun-1", items });
      }),
      http.post("/v1/generations/{generation_id}/cancel", ({ params, response }) => {
        const current = jobs.get(params.generation_id)!;
        const canceled: Job = { ...current, status: "canceled", canceled_at: new Date().toISOString() };
        jobs.set(canceled.id, canceled);
        return response(200).json(canceled);
      }),
      http.get("/v1/generations/{generation_id}", ({ params, response }) => {
        const current = jobs.get(params.generation_id);
        if (!current) return apiError(404, "generation_not_found", "No.");
        const next: Job =
          current.status === "queued"
            ? { ...current, status: "running", started_at: new Date().toISOString() }
            : current.status === "running"
              ? succeeded(current)
              : current.apply?.status === "pending"
                ? { ...current, apply: { ...current.apply, status: "applied", attempt: 1, applied_at: new Date().toISOString() } }
                : current;
        if (next.apply?.status === "applied" && current.apply?.status === "pending" && next.output) {
          imagePaths.set(next.identity_id, next.output.key);
        }
        jobs.set(next.id, next);
        return response(200).json(current);
      }),
      http.post("/v1/generations/{generation_id}/apply", ({ params, response }) => {
        const current = jobs.get(params.generation_id)!;
        applied.push(current.id);
        // As the API does: a save asked again keeps when the last one landed.
        const applied_at = current.apply?.applied_at ?? null;
        const pending: Job = { ...current, apply: { status: "pending", attempt: 1, error: null, applied_at, requested_at: new Date().toISOString() } };
        if (saves === "on-next-read") {
          jobs.set(pending.id, pending);
          return response(202).json(pending);
        }
        const landed: Job = { ...pending, apply: { ...pending.apply, status: "applied", applied_at: new Date().toISOString() } };
        jobs.set(landed.id, landed);
        if (landed.output) imagePaths.set(landed.identity_id, landed.output.key);
        return response(202).json(saves === "in-answer" ? landed : pending);
      }),
    ],
  };
}
