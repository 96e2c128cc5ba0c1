/**
 * When the identities were read, for `currentImageJobId`: as the read went, not as its answer
 * came. A save that landed while a slow read was on its way is not in that read's answer, and
 * its job stays the identity's image (the page said the image the save replaced again, for
 * as long as the next read took).
 */
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";

import type { HostIdentity, ImageGenerationApi, Job } from "../../../api/imageGeneration";
import { identities, job, succeeded } from "../../../test/api";
import { identitiesRead } from "../hooks/use-users";
import { identitiesAsked, identitiesAskedAt, keys, showSaved } from "../queryCache";

describe("identitiesAskedAt", () => {
  it("is when the read went, not when its answer came", async () => {
    let now = 1_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    let answer: ((list: HostIdentity[]) => void) | undefined;
    const api = {
      listIdentities: () => new Promise<HostIdentity[]>((resolve) => (answer = resolve)),
    } as unknown as ImageGenerationApi;
    const queryClient = new QueryClient();
    const read = queryClient.fetchQuery(identitiesRead(api, queryClient, "3"));
    await vi.waitFor(() => expect(answer).toBeDefined());
    now = 5_000;
    answer?.([...identities]);
    await read;
    expect(identitiesAskedAt(queryClient, "3")).toBe(1_000);
    expect(queryClient.getQueryState(["identity-images", "identities", "3"])?.dataUpdatedAt).toBe(5_000);
  });

  it("is not known for identities no read of the page's answered", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(["identity-images", "identities", "3"], [...identities]);
    expect(identitiesAskedAt(queryClient, "3")).toBeUndefined();
    expect(identitiesAskedAt(queryClient, null)).toBeUndefined();
  });
});

describe("showSaved", () => {
  const savedAt = (at: string): Job => ({
    ...succeeded(job({ identity_id: "id-chef" })),
    apply: { status: "applied", attempt: 1, error: null, applied_at: at, requested_at: null },
  });
  /** Alice's identities, the chef's image `path`, asked for at `askedAt`. */
  function aliceIdentities(path: string, askedAt: string): QueryClient {
    const queryClient = new QueryClient();
    queryClient.setQueryData(keys.identities("3"), [{ ...identities[0]!, image_path: path }]);
    identitiesAsked(queryClient, "3", Date.parse(askedAt));
    return queryClient;
  }
  const chefPath = (queryClient: QueryClient) => queryClient.getQueryData<HostIdentity[]>(keys.identities("3"))?.[0]?.image_path;

  it("shows a save that landed after the identities were asked for at once", () => {
    const queryClient = aliceIdentities("generated/before.png", "2026-03-14T09:00:00Z");
    const landed = savedAt("2026-03-14T09:00:05Z");
    showSaved(queryClient, landed);
    expect(chefPath(queryClient)).toBe(landed.output!.key);
  });

  it("leaves identities asked for after the save landed as they say: it, or the save that replaced it", () => {
    // The Undo put the earlier image back; a read of the undone save, seen ending late, is old news.
    const queryClient = aliceIdentities("generated/earlier.png", "2026-03-14T09:00:10Z");
    showSaved(queryClient, savedAt("2026-03-14T09:00:05Z"));
    expect(chefPath(queryClient)).toBe("generated/earlier.png");
  });
});
