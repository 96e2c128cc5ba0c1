/**
 * When the identities were read, for `currentImageJobId`: as the read went, not as its answer
 * came. A save that landed while a slow read was on its way is not in that read's answer, and
 * its job stays the identity's image (the page said the image the save replaced again, for
 * as long as the next read took).
 */
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";

import type { HostIdentity, ImageGenerationApi } from "../../../api/imageGeneration";
import { identities } from "../../../test/api";
import { identitiesAskedAt, identitiesRead } from "../hooks/use-users";

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
