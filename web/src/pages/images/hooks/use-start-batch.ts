import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";

import { ApiError, type CreateVariantsRequest, type GenerationBatch, type Job } from "../../../api/imageGeneration";
import { outcomeUnknown } from "../errors";
import { keys, refreshHistory } from "../queryCache";
import { useApi } from "./use-api";

/** One click that starts jobs: new variants, a re-run or a refine. New variants asked from a
 * failed card (`from`: Generate without it) are that card's follow-up, not the form's Generate. */
export type StartRequest =
  | { kind: "generate"; body: CreateVariantsRequest; from?: Job }
  | { kind: "rerun"; parent: Job; count: number }
  | { kind: "refine"; parent: Job; instruction: string; count: number };

/** The identity a start is for. */
export function identityOf(request: StartRequest): string {
  return request.kind === "generate" ? request.body.identity_id : request.parent.identity_id;
}

/** What a start asks the API, as one string: two clicks that ask the same are the same request. */
function requestOf(request: StartRequest): string {
  switch (request.kind) {
    case "generate":
      return JSON.stringify(["generate", request.body]);
    case "rerun":
      return JSON.stringify(["rerun", request.parent.id, request.count]);
    case "refine":
      return JSON.stringify(["refine", request.parent.id, request.instruction, request.count]);
  }
}

/**
 * Starts a batch. One Idempotency-Key per click (`crypto.randomUUID()`; the page's
 * mutations are not retried by TanStack); a new click is a new key, but for one: a click that got
 * no answer (none in time, none at all, the gateway's timeout, or a success whose body was
 * lost on the way) may have started its jobs, so its key goes with the next click that asks
 * the same, whatever was asked in between, and the API answers that one with those jobs
 * instead of starting more (same key, same body: the same answer).
 */
export function useStartBatch() {
  const api = useApi();
  const queryClient = useQueryClient();
  // The key of each request (`requestOf`) that got no answer, until one does.
  const unanswered = useRef(new Map<string, string>());
  const send = (request: StartRequest, idempotencyKey: string): Promise<GenerationBatch> => {
    switch (request.kind) {
      case "generate":
        return api.createBatch(request.body, idempotencyKey);
      case "rerun":
        return api.rerun(request.parent.id, request.count, idempotencyKey);
      case "refine":
        return api.refine(request.parent.id, request.instruction, request.count, idempotencyKey);
    }
  };
  return useMutation({
    mutationFn: async ({ request, idempotencyKey }: { request: StartRequest; idempotencyKey: string }) => {
      const asked = requestOf(request);
      const key = unanswered.current.get(asked) ?? idempotencyKey;
      try {
        const batch = await send(request, key);
        unanswered.current.delete(asked);
        return batch;
      } catch (error) {
        if (mayHaveGoneThrough(error)) unanswered.current.set(asked, key);
        throw error;
      }
    },
    onSuccess: (batch: GenerationBatch) => {
      for (const job of batch.items) queryClient.setQueryData(keys.job(job.id), job);
      const first = batch.items[0];
      if (first) void refreshHistory(queryClient, first.identity_id);
    },
    // It may have started all the same: the history says whether it did (read while
    // offline, it is read once the browser is back: see `useFollowUnknown`).
    onError: (error, { request }) => {
      if (outcomeUnknown(error)) void refreshHistory(queryClient, identityOf(request));
    },
  });
}

/** Whether the request went through is not known (`outcomeUnknown`: no answer in time, one
 * whose body was lost, the connection failed after it went), or it could not be sent at all
 * (the browser offline: it says nothing was started, but the key is kept all the same). */
function mayHaveGoneThrough(error: unknown): boolean {
  return outcomeUnknown(error) || (error instanceof ApiError && error.status === 0);
}
