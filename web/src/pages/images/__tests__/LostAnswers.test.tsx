/**
 * A change the service took, whose answer a proxy emptied on the way (a 200 or 202 with no
 * body): it went through, so the page says no failure, and shows what it did from its next
 * reads.
 */
import { screen, waitFor, within } from "@testing-library/react";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { http, identities, job, succeeded } from "../../../test/api";
import { given, openAsAlice } from "../../../test/render";

describe("a save whose answer came back empty", () => {
  it("says no failure, and shows the save once it is read", async () => {
    let done: Job = succeeded(job({ prompt: "the one" }));
    given(
      http.post("/v1/generations/{generation_id}/apply", () => {
        done = { ...done, apply: { status: "applied", attempt: 1, error: null, requested_at: done.created_at, applied_at: new Date().toISOString() } };
        return new HttpResponse(null, { status: 202 });
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
    await user.click(within(card).getByRole("button", { name: "Save to identity" }));

    const row = within(screen.getByRole("region", { name: "History" })).getAllByRole("listitem")[0]!;
    await waitFor(() => expect(within(row).getByText("Saved to identity")).toBeInTheDocument());
    // The card too: the job is read again, not left as it was before the save.
    await waitFor(() => expect(within(card).getByText("Saved to identity")).toBeInTheDocument());
    expect(within(card).queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.queryByText(/with nothing where its result belongs/)).not.toBeInTheDocument();
  });
});
