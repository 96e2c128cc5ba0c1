/** Failed clicks in the history: a click whose variants all failed alike as one row, its reason and way on said once; Hide failed; the focus as rows go. */
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { historyOf, identities, job, succeeded } from "../../../test/api";
import { jobService } from "../../../test/jobService";
import { jobRows } from "../../../test/history";
import { cardsInPane, pane } from "../../../test/pane";
import { given, openAsAlice } from "../../../test/render";
import { GenerationHistory } from "../components/GenerationHistory";
import { createdPhrase } from "../job/time";
import { historyNames } from "../job/historyNames";

const REFUSED = { code: "content_blocked", message: "Gemini blocked the prompt (PROHIBITED_CONTENT).", details: {} };
const BUSY = { code: "provider_unavailable", message: "Gemini did not answer in time.", details: {} };

/** A click of `size` variants, each as `end` makes it from a queued one. */
function click(size: number, end: (queued: Job, index: number) => Job, batch = `batch-${size}-${Math.random()}`): Job[] {
  const at = new Date(Date.now() - 60_000).toISOString();
  return Array.from({ length: size }, (_, index) =>
    end(job({ prompt: "a chef at the pass", batch_id: batch, batch_index: index, batch_size: size, created_at: at }), index),
  );
}

const failedWith =
  (error: Job["error"], cost: number | null = null) =>
  (queued: Job): Job => ({
    ...queued,
    status: "failed",
    error,
    finished_at: new Date().toISOString(),
    usage: cost === null ? null : { prompt_tokens: 1, output_tokens: 0, thoughts_tokens: 0, total_tokens: 1, estimated_cost_usd: cost },
  });

async function openHistory(jobs: Job[], handlers: Parameters<typeof given> = []) {
  given(...historyOf(jobs), ...handlers);
  const user = await openAsAlice();
  const history = await screen.findByRole("region", { name: "History" });
  await within(history).findAllByRole("listitem");
  return { user, history, list: within(history).getAllByRole("list")[0]! };
}

const rowsOf = jobRows;

describe("a click whose variants all failed alike", () => {
  it("says a click of two as the result pane does, \"Both variants\"", async () => {
    const { list } = await openHistory(click(2, failedWith(REFUSED)));
    expect(rowsOf(list)[0]).toHaveTextContent("Both variants");
  });

  it("gives its time to the second when another click was asked that minute, as a row of results does", async () => {
    const { list } = await openHistory([...click(2, failedWith(REFUSED)), ...click(3, failedWith(REFUSED))]);
    for (const row of rowsOf(list)) expect(within(row).getByText(/^(Today|Yesterday), \d+:\d\d:\d\d/)).toBeInTheDocument();
  });

  it("is one row that says how many, why once and its way on once", async () => {
    const refused = click(4, failedWith(REFUSED, 0.006));
    const { history, list } = await openHistory(refused);

    const rows = rowsOf(list);
    expect(rows).toHaveLength(1);
    // Its name says how many and why, to a screen reader's list of rows.
    expect(rows[0]).toHaveAccessibleName(`Generation of ${createdPhrase(refused[0]!)}, 4 variants, all failed: Gemini refused the prompt`);
    expect(within(history).getAllByText("Gemini refused the prompt")).toHaveLength(1);
    expect(within(history).getAllByText("Rephrase the prompt and try again.")).toHaveLength(1);
    expect(rows[0]).toHaveTextContent("All 4 variants");
    expect(rows[0]).toHaveTextContent("$0.024 in all");
    // The same prompt would be refused again: no Re-run; Edit settings, once.
    expect(within(history).queryByRole("button", { name: /^Re-run/ })).not.toBeInTheDocument();
    expect(within(history).getAllByRole("button", { name: /^Edit settings\b/ })).toHaveLength(1);
  });

  it("shows each variant's time and bill behind Each variant", async () => {
    const refused = click(2, failedWith(REFUSED, 0.006));
    const { user, history } = await openHistory(refused);
    const each = within(history).getByRole("button", { name: /^Each variant\b/ });
    expect(each).toHaveAttribute("aria-expanded", "false");
    expect(within(history).queryByText(/^Variant 2 of 2 · /)).not.toBeVisible();
    await user.click(each);
    expect(each).toHaveAttribute("aria-expanded", "true");
    expect(within(history).getByText(/^Variant 2 of 2 · .* · \$0\.0060$/)).toBeVisible();
  });

  it("re-runs the whole click in one request when it could end otherwise", async () => {
    const service = jobService();
    const busy = click(3, failedWith(BUSY));
    const { user, history } = await openHistory(busy, service.handlers);
    await user.click(within(history).getByRole("button", { name: `Re-run all 3, generation of ${createdPhrase(busy[0]!)}` }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({ parent: busy[0]!.id, count: 3 });
    // A click again, that takes the pane, as it will after a reload (`joinedInHistory`): not
    // three cards beside the first variant of the click the pane showed.
    await waitFor(() => expect(cardsInPane()).toEqual(["Variant 1 of 3", "Variant 2 of 3", "Variant 3 of 3"]));
    expect(pane().getAllByRole("article").map((card) => within(card).queryByText("Failed"))).toEqual([null, null, null]);
  });

  it("says Canceled once for a click canceled whole", async () => {
    const canceled = click(3, (queued) => ({ ...queued, status: "canceled", canceled_at: new Date().toISOString() }));
    const { list } = await openHistory(canceled);
    const rows = rowsOf(list);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveAccessibleName(`Generation of ${createdPhrase(canceled[0]!)}, 3 variants, all canceled`);
    expect(within(rows[0]!).getAllByText("Canceled")).toHaveLength(1);
    expect(within(rows[0]!).getByRole("button", { name: /^Re-run all 3\b/ })).toBeInTheDocument();
  });

  it("keeps a row each for a click with a result, or with failures of different reasons", async () => {
    const mixed = click(3, (queued, index) => (index === 1 ? succeeded(queued) : failedWith(REFUSED)(queued)));
    const different = click(2, (queued, index) => failedWith(index === 0 ? REFUSED : BUSY)(queued));
    const { list } = await openHistory([...mixed, ...different]);
    expect(rowsOf(list)).toHaveLength(5);
  });
});

describe("a click with a result, some of whose variants failed alike", () => {
  it("says the reason once, on the first that failed for it; the others say Failed", async () => {
    const mixed = click(4, (queued, index) => (index === 2 ? succeeded(queued) : failedWith(REFUSED)(queued)));
    const { history, list } = await openHistory(mixed);
    const rows = rowsOf(list);
    expect(rows).toHaveLength(4);
    // Seen once, on variant 1's row: variants 2 and 4 said it again, a row under the other.
    expect(within(history).getAllByText("Rephrase the prompt and try again.")).toHaveLength(1);
    expect(within(rows[0]!).getByText("Rephrase the prompt and try again.")).toBeVisible();
    for (const row of [rows[1]!, rows[3]!]) {
      expect(within(row).getByText("Failed")).toBeVisible();
      expect(within(row).queryByText("Rephrase the prompt and try again.")).toBeNull();
      // Its title still read with its row, which a screen reader reads on its own.
      expect(row).toHaveTextContent("Gemini refused the prompt");
    }
  });

  it("says each reason where it first comes: two reasons, each once", async () => {
    const mixed = click(4, (queued, index) =>
      index === 0 ? succeeded(queued) : failedWith(index === 2 ? BUSY : REFUSED)(queued),
    );
    const { history, list } = await openHistory(mixed);
    const rows = rowsOf(list);
    expect(within(history).getAllByText("Rephrase the prompt and try again.")).toHaveLength(1);
    expect(within(rows[1]!).getByText("Rephrase the prompt and try again.")).toBeVisible();
    // Another reason between them is said where it comes; the refusal is not said again after it.
    expect(within(rows[2]!).getByText("Gemini was unavailable")).toBeVisible();
    expect(within(rows[3]!).queryByText("Rephrase the prompt and try again.")).toBeNull();
  });
});

describe("a failed variant re-run since", () => {
  it("offers no Re-run of its own: its re-run's row does, a second press paid for one try twice", async () => {
    // Variants 1 and 2 failed (Gemini busy: a re-run could end otherwise); variant 1 re-run since.
    const two = click(3, (queued, index) => (index === 2 ? succeeded(queued) : failedWith(BUSY)(queued)));
    const rerun = succeeded(
      job({ kind: "rerun", parent_generation_id: two[0]!.id, batch_id: "again", batch_index: 0, batch_size: 1, prompt: "a chef at the pass" }),
    );
    const { list } = await openHistory([rerun, ...two]);
    const [again, first, second] = rowsOf(list) as [HTMLElement, HTMLElement, HTMLElement];
    expect(again).toHaveAttribute("data-job-id", rerun.id);
    expect(within(again).getByRole("button", { name: /^Re-run\b/ })).toBeInTheDocument();
    expect(first).toHaveAttribute("data-job-id", two[0]!.id);
    expect(within(first).queryByRole("button", { name: /^Re-run\b/ })).toBeNull();
    // Said dealt with: alone, it read as a failure still to see to.
    expect(first).toHaveTextContent("Re-run since; see above.");
    expect(second).not.toHaveTextContent("Re-run since");
    // Its click's Edit settings stays (in the click's row, above its variants); the variant not
    // re-run keeps its Re-run.
    const clickRow = first.parentElement!.closest("li")!;
    expect(clickRow).toHaveAccessibleName(/, 3 variants$/);
    expect(within(clickRow).getAllByRole("button", { name: /^Edit settings\b/ })).toHaveLength(1);
    expect(within(first).queryByRole("button", { name: /^Edit settings\b/ })).toBeNull();
    expect(within(second).getByRole("button", { name: /^Re-run\b/ })).toBeInTheDocument();
  });
});

describe("a click that failed alike, some of its variants re-run since", () => {
  const rerunOf = (parent: Job, batch: string, index = 0, size = 1): Job =>
    succeeded(job({ kind: "rerun", parent_generation_id: parent.id, batch_id: batch, batch_index: index, batch_size: size, prompt: "a chef at the pass" }));

  it("says how many and offers only the others: Re-run all 4 paid again for what was re-run", async () => {
    const service = jobService();
    const busy = click(4, failedWith(BUSY));
    // Variants 1 and 2 re-run one by one, from the pane's cards.
    const reruns = [rerunOf(busy[1]!, "again-2"), rerunOf(busy[0]!, "again-1")];
    const { user, list } = await openHistory([...reruns, ...busy], service.handlers);
    const clickRow = rowsOf(list).find((row) => row.getAttribute("data-job-id") === busy[0]!.id)!;
    expect(clickRow).toHaveTextContent("2 of 4 re-run since: their re-runs are above.");
    expect(within(clickRow).queryByRole("button", { name: /^Re-run all\b/ })).toBeNull();
    await user.click(within(clickRow).getByRole("button", { name: `Re-run the other 2, generation of ${createdPhrase(busy[0]!)}` }));
    await waitFor(() => expect(service.created).toHaveLength(1));
    expect(service.created[0]!.body).toMatchObject({ parent: busy[0]!.id, count: 2 });
  });

  it("offers none once all were re-run, one by one or all at once", async () => {
    const oneByOne = click(2, failedWith(BUSY));
    const atOnce = click(3, failedWith(BUSY));
    const { list } = await openHistory([
      ...[0, 1, 2].map((index) => rerunOf(atOnce[0]!, "all-3", index, 3)),
      ...atOnce,
      rerunOf(oneByOne[1]!, "again-b"),
      rerunOf(oneByOne[0]!, "again-a"),
      ...oneByOne,
    ]);
    const rowOf = (first: Job) => rowsOf(list).find((row) => row.getAttribute("data-job-id") === first.id)!;
    expect(rowOf(atOnce[0]!)).toHaveTextContent("All 3 re-run since: their re-runs are above.");
    expect(rowOf(oneByOne[0]!)).toHaveTextContent("All 2 re-run since: their re-runs are above.");
    for (const first of [atOnce[0]!, oneByOne[0]!]) {
      expect(within(rowOf(first)).queryByRole("button", { name: /^Re-run\b/ })).toBeNull();
      expect(within(rowOf(first)).getByRole("button", { name: /^Edit settings\b/ })).toBeInTheDocument();
    }
  });
});

describe("Hide failed", () => {
  it("hides the jobs that failed or were canceled, says how many, and is kept for the next visit", async () => {
    const mixed = click(3, (queued, index) => (index === 1 ? succeeded(queued) : failedWith(REFUSED)(queued)));
    const refused = click(2, failedWith(REFUSED));
    const canceled = job({ status: "canceled", canceled_at: new Date().toISOString(), prompt: "never mind" });
    const { user, history, list } = await openHistory([...mixed, canceled, ...refused]);
    expect(rowsOf(list)).toHaveLength(5);

    await user.click(within(history).getByRole("checkbox", { name: "Hide failed" }));
    const rows = rowsOf(list);
    expect(rows).toHaveLength(1);
    // The one result left says what its click asked: the row above it that said so is hidden.
    expect(rows[0]).toHaveTextContent("“a chef at the pass”");
    expect(rows[0]).toHaveTextContent("Variant 2 of 3");
    // What it shows, and how many it hides: not the totals read, which counted the hidden.
    expect(within(history).getByRole("status")).toHaveTextContent(/^Showing 1 generation · 5 failed hidden\.$/);

    // A reload (or the next visit) keeps it, as the view is kept.
    cleanup();
    sessionStorage.clear();
    const again = await openHistory([...mixed, canceled, ...refused]);
    expect(within(again.history).getByRole("checkbox", { name: "Hide failed" })).toBeChecked();
    expect(rowsOf(again.list)).toHaveLength(1);
  });

  it("says so when every generation read failed", async () => {
    const { user, history } = await openHistory(click(2, failedWith(REFUSED)));
    await user.click(within(history).getByRole("checkbox", { name: "Hide failed" }));
    expect(within(history).queryByRole("listitem")).not.toBeInTheDocument();
    expect(within(history).getByText(/^Every generation read so far failed or was canceled/)).toBeInTheDocument();
    expect(within(history).getByRole("status")).toHaveTextContent("Showing 0 generations · 2 failed hidden.");
  });

  it("is offered in the list only: Results only and Saved show results alone already", async () => {
    const { user, history } = await openHistory([succeeded(job({ prompt: "done" }))]);
    expect(within(history).getByRole("checkbox", { name: "Hide failed" })).not.toBeChecked();
    await user.click(within(history).getByRole("button", { name: "Results only" }));
    expect(within(history).queryByRole("checkbox", { name: "Hide failed" })).not.toBeInTheDocument();
  });
});

describe("the focus, as a history's rows go", () => {
  const noop = () => undefined;
  const history = (jobs: Job[], hidesFailed = false) => {
    localStorage.setItem("identity-images.historyHidesFailed", JSON.stringify(hidesFailed));
    return (
      <GenerationHistory
        jobs={jobs}
        names={historyNames(jobs)}
        older={null}
        view="all"
        onView={noop}
        saves={null}
        loading={false}
        error={null}
        identity={identities[0]!}
        noIdentities={false}
        onRerunAll={noop}
        currentJobId={null}
        onSave={noop}
        savingIds={[]}
        onCancel={noop}
        cancelingIds={[]}
        outOfTouch={false}
        actionError={null}
        onRefine={() => Promise.resolve(false)}
        onRerun={noop}
        onEditSettings={noop}
        onCompare={null}
        busy={false}
      />
    );
  };

  it("goes to the click's one row when its last variant fails as the others did", async () => {
    const [first, second] = click(2, (queued, index) => (index === 0 ? failedWith(REFUSED)(queued) : queued));
    const view = render(history([first!, second!]));
    const user = userEvent.setup();
    const rows = rowsOf(within(screen.getByRole("region", { name: "History" })).getAllByRole("list")[0]!);
    expect(rows).toHaveLength(2);
    await user.click(within(rows[1]!).getByRole("button", { name: /^Cancel\b/ }));
    expect(within(rows[1]!).getByRole("button", { name: /^Cancel\b/ })).toHaveFocus();

    view.rerender(history([first!, failedWith(REFUSED)(second!)]));
    const [row] = within(screen.getByRole("region", { name: "History" })).getAllByRole("listitem");
    expect(row).toHaveAccessibleName(/, 2 variants, all failed: Gemini refused the prompt$/);
    expect(row).toHaveFocus();
  });

  it("goes to the row now in its place when Hide failed hides the one that had it", async () => {
    const queued = job({ prompt: "waiting" });
    const done = succeeded(job({ prompt: "done" }));
    const view = render(history([queued, done], true));
    const user = userEvent.setup();
    const region = screen.getByRole("region", { name: "History" });
    await user.click(within(region).getByRole("button", { name: /^Cancel\b/ }));

    view.rerender(history([{ ...queued, status: "canceled", canceled_at: new Date().toISOString() }, done], true));
    const rows = within(region).getAllByRole("listitem");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveFocus();
    // The count changes, unsaid: the row the focus went to is said.
    expect(within(region).getByText("1 generation · 1 failed hidden")).toBeInTheDocument();
    expect(within(region).getByRole("status")).toBeEmptyDOMElement();
  });
});
