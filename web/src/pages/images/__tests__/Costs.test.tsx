/** What a generation costs and how long it usually takes: the form's estimate, each card's, and the history's. */
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { apiConfig, http, historyOf, job, succeeded } from "../../../test/api";
import { addPhoto, clockLine, given, openAsAlice, spaced } from "../../../test/render";

describe("costs and times", () => {
  it("keeps each of a result's facts whole, its \"·\" starting it: a narrow card wraps between them", async () => {
    const done = { ...succeeded(job({ image_size: "1K", attempts: 2 })), timings: { ...job().timings, total_s: 38 } };
    given(...historyOf([done]));
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    const cost = within(card).getByText(/^· \$0\.\d{3}$/);
    const pieces = [...cost.parentElement!.children].map((piece) => spaced(piece.textContent ?? ""));
    expect(pieces).toEqual([expect.stringMatching(/^\d+×\d+$/), "· 38 s (2 attempts)", expect.stringMatching(/^· \$/)]);
    expect(spaced(cost.parentElement!.textContent ?? "")).toMatch(/^\d+×\d+ · 38 s \(2 attempts\) · \$0\.\d{3}$/);
  });

  it("gives each card the usual time at its own size, not the form's", async () => {
    const at = (size: "1K" | "4K", seconds: number, attempts = 1) =>
      ({ ...succeeded(job({ image_size: size, attempts })), timings: { ...job().timings, total_s: seconds } });
    const rerun = job({ status: "running", image_size: "1K", started_at: new Date().toISOString() });
    // A 1K run that sat through two retries says nothing of the usual time.
    given(...historyOf([rerun, at("1K", 2), at("1K", 3), at("1K", 106, 3), at("1K", 95, 2), at("4K", 31), at("4K", 104)]));
    await openAsAlice();
    expect(screen.getByRole("combobox", { name: "Size" })).toHaveValue("4K");
    const card = await screen.findByRole("article", { name: "New image" });
    expect(within(card).getByText(clockLine(/usually about 2 s at 1K$/))).toBeInTheDocument();
    // The form's, at 4K: of two runs the quicker (the other may have waited out retries).
    expect(screen.getByText(/usually 31 s/)).toBeInTheDocument();
  });

  it("says a card takes longer than the usual time once it does, not that it usually takes less", async () => {
    const at = (seconds: number) => ({ ...succeeded(job({ image_size: "1K" })), timings: { ...job().timings, total_s: seconds } });
    const since = new Date(Date.now() - 9000).toISOString();
    const running = job({ status: "running", stage: "generating", image_size: "1K", created_at: since, started_at: since });
    given(...historyOf([running, at(4), at(5)]));
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(await within(card).findByText(clockLine(/^\d+ s · longer than the usual 4 s at 1K$/))).toBeInTheDocument();
    expect(within(card).queryByText(/usually about/)).toBeNull();
  });

  it("says a card still queued past the usual time waits its turn, not that it runs long", async () => {
    const at = (seconds: number) => ({ ...succeeded(job({ image_size: "1K" })), timings: { ...job().timings, total_s: seconds } });
    const waiting = job({ status: "queued", image_size: "1K", created_at: new Date(Date.now() - 9000).toISOString() });
    given(...historyOf([waiting, at(4), at(5)]));
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });
    expect(await within(card).findByText(clockLine(/^\d+ s · waiting its turn$/))).toBeInTheDocument();
    expect(within(card).queryByText(/longer than|usually about/)).toBeNull();
  });

  it("takes the admin from what a click makes to the options it comes from", async () => {
    given(...historyOf([]));
    const user = await openAsAlice();
    await addPhoto(user);
    // On a laptop's first screen the options are under the bar: the estimate leads to them.
    const made = screen.getByRole("button", { name: "1 image, 16:9 at 4K" });
    expect(made).toHaveAttribute("title", "Change the aspect ratio, size or variants");
    await user.click(made);
    const ratio = screen.getByRole("combobox", { name: "Aspect ratio" });
    expect(ratio).toHaveFocus();
    await user.selectOptions(ratio, "3:4");
    expect(screen.getByRole("button", { name: "1 image, 3:4 at 4K" })).toBeInTheDocument();
    // Generate's description is still the line's words alone.
    expect(screen.getByRole("button", { name: "Generate" })).toHaveAccessibleDescription(/^≈ \$[\d.]+ · 1 image, 3:4 at 4K$/);
  });

  it("says no usual time from a single run: one is not usually", async () => {
    given(...historyOf([{ ...succeeded(job({ image_size: "4K" })), timings: { ...job().timings, total_s: 31 } }]));
    const user = await openAsAlice();
    await addPhoto(user);
    expect(screen.getByRole("button", { name: "Generate" })).toHaveAccessibleDescription(/^≈ \$[\d.]+ · 1 image, 16:9 at 4K$/);
    expect(screen.queryByText(/usually/)).not.toBeInTheDocument();
  });

  it("writes every cost alike, to a tenth of a cent, and no time for a canceled job", async () => {
    const done = succeeded(job());
    const canceled = job({ status: "canceled", canceled_at: new Date().toISOString(), finished_at: new Date().toISOString() });
    given(...historyOf([{ ...done, usage: { ...done.usage!, estimated_cost_usd: 0.24 } }, canceled]));
    const user = await openAsAlice();
    const [saved, stopped] = await within(screen.getByRole("region", { name: "History" })).findAllByRole("listitem");
    expect(saved).toHaveTextContent("12 s · $0.240");
    expect(within(screen.getByRole("article", { name: "New image" })).getByText(/· \$0\.240$/)).toBeInTheDocument();
    expect(stopped).not.toHaveTextContent(/\d s\b/);
    await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "2");
    expect(screen.getByText(/^≈ \$\d\.\d{3}$/)).toBeInTheDocument();
  });

  it("offers only the sizes the model makes, at its own price", async () => {
    const flash = {
      ...apiConfig,
      model: "gemini-2.5-flash-image",
      image_sizes: ["1K" as const],
      default_image_size: "1K" as const,
      prices: [{ image_size: "1K" as const, estimated_usd: 0.039 }],
      input_image_usd: 0.0003,
    };
    given(http.get("/v1/config", ({ response }) => response(200).json(flash)));
    const user = await openAsAlice();
    const size = screen.getByRole("combobox", { name: "Size" });
    expect(within(size).getAllByRole("option").map((o) => o.textContent)).toEqual(["1K"]);
    await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "2");
    expect(screen.getByText("≈ $0.078")).toBeInTheDocument();
  });

  it("shows no estimate when the model's price is not known", async () => {
    const done = succeeded(job({ model: "gemini-9-image" }));
    given(
      http.get("/v1/config", ({ response }) =>
        response(200).json({ ...apiConfig, model: "gemini-9-image", prices: null, input_image_usd: null }),
      ),
      ...historyOf([{ ...done, usage: { ...done.usage!, estimated_cost_usd: null } }]),
    );
    const user = await openAsAlice();
    await addPhoto(user);
    const cost = screen.getByText(/^1 image, 16:9 at 4K/);
    expect(cost.textContent).not.toMatch(/\$|≈|NaN/);
    const [row] = await within(screen.getByRole("region", { name: "History" })).findAllByRole("listitem");
    expect(row).toHaveTextContent("12 s");
    expect(row!.textContent).not.toMatch(/\$|NaN/);
    expect(screen.getByRole("article", { name: "New image" }).textContent).not.toMatch(/\$|NaN/);
  });
});
