/**
 * What a running job's clock renders: its own time, not the page. The form under the admin's
 * fingers (and the history, and every other card) renders again only when something they
 * show changed.
 */
import { screen } from "@testing-library/react";
import { createElement } from "react";
import { describe, expect, it, vi } from "vitest";

import { historyOf, job } from "../../../test/api";
import { fakeClock, given, openAsAlice, timePasses } from "../../../test/render";
import { POLL_MS } from "../queryCache";

const renders = vi.hoisted(() => ({ form: 0 }));

vi.mock("../components/ComposeForm", async (importOriginal) => {
  const real = await importOriginal<typeof import("../components/ComposeForm")>();
  return {
    ...real,
    ComposeForm: (props: Parameters<typeof real.ComposeForm>[0]) => {
      renders.form += 1;
      return createElement(real.ComposeForm, props);
    },
  };
});

describe("a running job's clock", () => {
  it("ticks on its card without rendering the form again each second", async () => {
    fakeClock();
    const running = job({ status: "running", stage: "generating", created_at: new Date(Date.now() - 5000).toISOString() });
    given(...historyOf([running]));
    await openAsAlice();
    const card = await screen.findByRole("article", { name: "New image" });

    const before = renders.form;
    const shown = card.textContent;
    for (let second = 0; second < 10; second += 1) await timePasses(1000);
    expect(card.textContent).not.toBe(shown); // the card's time moved on
    // The polls (every POLL_MS) render the page; the clock (every second) does not. Under
    // StrictMode each render calls the component twice.
    const polls = 10_000 / POLL_MS;
    expect(renders.form - before).toBeLessThanOrEqual(2 * polls);
  });
});
