/**
 * The same identity open in two tabs (or two windows side by side): what one tab starts shows
 * in the other's history, and never takes the other's result pane from under its admin.
 */
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { http, identities, job, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { fakeClock, given, openAsAlice, timePasses } from "../../../test/render";
import { IDLE_REFRESH_MS } from "../hooks/use-history";

describe("another tab's click", () => {
  it("shows in the history, while the pane keeps the result the admin is about to save", async () => {
    const service = jobService({ saves: "in-answer" });
    const shown = succeeded(job({ prompt: "shown here", aspect_ratio: "16:9", batch_id: "b-here" }));
    service.jobs.set(shown.id, shown);
    const listed = [shown];
    given(
      http.get("/v1/generations", ({ response }) =>
        response(200).json({ items: listed.map((each) => service.jobs.get(each.id)!), next_cursor: null }),
      ),
      ...service.handlers,
    );
    const user = await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(card).toHaveTextContent("16:9");

    // Another tab makes a newer result; this tab's save reads the history again.
    const elsewhere = succeeded(job({ prompt: "made in the other tab", aspect_ratio: "1:1", batch_id: "b-there" }));
    service.jobs.set(elsewhere.id, elsewhere);
    listed.unshift(elsewhere);
    await user.click(within(card).getByRole("button", { name: /^Save to identity\b/ }));

    const history = screen.getByRole("region", { name: "History" });
    await waitFor(() => expect(within(history).getAllByRole("listitem")).toHaveLength(2));
    expect(within(history).getAllByRole("listitem")[0]).toHaveTextContent("made in the other tab");
    // The pane still shows the result saved, now the identity's image: not the other tab's.
    const pane = screen.getByRole("article", { name: "New image" });
    expect(pane).toHaveTextContent("16:9");
    await waitFor(() => expect(within(pane).getByText("Saved to identity")).toBeInTheDocument());
    expect(service.applied).toEqual([shown.id]);
  });

  it("shows in a page left open, and its save in the identity's image, without a click there", async () => {
    fakeClock();
    try {
      const service = jobService({ saves: "in-answer" });
      const listed = [succeeded(job({ prompt: "an older one" }))];
      let savedElsewhere = false;
      given(
        http.get("/v1/generations", ({ response }) => response(200).json({ items: listed, next_cursor: null })),
        http.get("/v1/users/{user_id}/identities", ({ params, response }) =>
          response(200).json({
            identities:
              params.user_id === "3"
                ? [
                    {
                      ...identities[0]!,
                      image_path: savedElsewhere ? "generated/there.png" : null,
                      image_url: savedElsewhere ? "http://s3.test/there.png" : null,
                    },
                  ]
                : [],
          }),
        ),
        ...service.handlers,
      );
      await openAsAlice();
      const history = screen.getByRole("region", { name: "History" });
      await within(history).findByText("“an older one”");
      expect(await screen.findByRole("img", { name: "Alice the chef has no image yet" })).toBeInTheDocument();

      // The other tab made a result and saved it to the identity.
      const saved = succeeded(job({ prompt: "made in the other tab" }));
      listed.unshift({
        ...saved,
        apply: { status: "applied", attempt: 1, error: null, applied_at: new Date().toISOString(), requested_at: null },
      });
      savedElsewhere = true;
      await timePasses(IDLE_REFRESH_MS + 1000);
      expect(await within(history).findByText("“made in the other tab”")).toBeInTheDocument();
      expect(await screen.findByRole("img", { name: "Alice the chef, as it looks now" })).toHaveAttribute(
        "src",
        "http://s3.test/there.png",
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows another identity's image as the host has it now once the admin goes to it, saved there since the page read it", async () => {
    let savedElsewhere = false;
    given(
      http.get("/v1/users/{user_id}/identities", ({ params, response }) =>
        response(200).json({
          identities:
            params.user_id === "3"
              ? identities.map((identity) =>
                  identity.id === "id-pilot" && savedElsewhere
                    ? { ...identity, image_path: "generated/there.png", image_url: "http://s3.test/there.png" }
                    : identity,
                )
              : [],
        }),
      ),
    );
    const user = await openAsAlice();
    expect(await screen.findByRole("img", { name: "Alice the chef has no image yet" })).toBeInTheDocument();

    // Another window saves a result to the pilot, seconds after this page read the identities.
    savedElsewhere = true;
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    expect(await screen.findByRole("img", { name: "Alice the pilot, as it looks now" })).toHaveAttribute(
      "src",
      "http://s3.test/there.png",
    );
  });

  it("shows an earlier result saved again there (its Undo) as the identity's image, without a click here", async () => {
    fakeClock();
    try {
      const appliedAt = (job: Job, at: string): Job => ({
        ...job,
        apply: { status: "applied", attempt: 1, error: null, applied_at: at, requested_at: null },
      });
      const earlier = appliedAt(succeeded(job({ prompt: "the earlier one", created_at: "2026-03-14T09:10:00Z" })), "2026-03-14T09:11:00Z");
      const later = appliedAt(succeeded(job({ prompt: "the later one", created_at: "2026-03-14T09:20:00Z" })), "2026-03-14T09:21:00Z");
      const listed = [later, earlier];
      let shown = later;
      given(
        http.get("/v1/generations", ({ response }) => response(200).json({ items: listed, next_cursor: null })),
        http.get("/v1/generations/{generation_id}", ({ params, response }) =>
          response(200).json(listed.find((each) => each.id === params.generation_id)!),
        ),
        http.get("/v1/users/{user_id}/identities", ({ params, response }) =>
          response(200).json({
            identities:
              params.user_id === "3"
                ? [{ ...identities[0]!, image_path: shown.output!.key, image_url: shown.output!.url, image_preview_url: null }]
                : [],
          }),
        ),
      );
      await openAsAlice();
      const picture = () => screen.getByRole("img", { name: "Alice the chef, as it looks now" }).getAttribute("src");
      await waitFor(() => expect(picture()).toBe(later.output!.url));

      // The other tab's Undo saved the earlier one again: the history's next read shows it
      // saved anew, which is news of the identity's image as a first save is.
      listed[1] = appliedAt(earlier, new Date().toISOString());
      shown = earlier;
      await timePasses(IDLE_REFRESH_MS + 1000);
      await waitFor(() => expect(picture()).toBe(earlier.output!.url));
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the latest batch again once the admin comes back to the identity", async () => {
    const first = succeeded(job({ aspect_ratio: "16:9", batch_id: "b-first" }));
    const chef: Job[] = [first];
    given(
      http.get("/v1/generations", ({ request, response }) => {
        const identity = new URL(request.url).searchParams.get("identity_id");
        return response(200).json({ items: identity === "id-chef" ? chef : [], next_cursor: null });
      }),
      http.get("/v1/generations/{generation_id}", ({ params, response }) =>
        response(200).json(chef.find((each) => each.id === params.generation_id)!),
      ),
    );
    const user = await openAsAlice();
    expect(await screen.findByRole("article", { name: "New image" })).toHaveTextContent("16:9");
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-pilot");
    await waitFor(() => expect(screen.queryByRole("article", { name: "New image" })).toBeNull());
    // Meanwhile another tab made a newer one for the chef.
    chef.unshift(succeeded(job({ aspect_ratio: "1:1", batch_id: "b-newer" })));
    await user.selectOptions(screen.getByRole("combobox", { name: "Identity" }), "id-chef");
    await waitFor(() => expect(screen.getByRole("article", { name: "New image" })).toHaveTextContent("1:1"));
  });
});
