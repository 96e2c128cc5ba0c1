/**
 * Keyboard and screen-reader behaviour (from an accessibility review): what is announced and
 * when, where the focus goes when the control that had it changes, and that the reason a
 * control is off can be reached. jsdom does not move the focus off a button that becomes
 * `disabled` (browsers do, to the page): a button that must keep the focus is checked to stay
 * enabled, with `aria-disabled`.
 */
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { describe, expect, it, vi } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { historyOf, http, job, succeeded } from "../../../test/api";
import { generateBar } from "../../../test/generateBar";
import { addPhoto, clockLine, file, findThumbnail, given, openAsAlice, thumbnails, timePasses } from "../../../test/render";
import { jobService } from "../../../test/jobService";
import { EditSettingsNotice } from "../components/EditSettingsNotice";
import { GeneratedImageDisplay } from "../components/GeneratedImageDisplay";
import { HistoryResults } from "../components/HistoryResults";
import { JobsElsewhere } from "../components/JobsElsewhere";
import { PromptField } from "../components/PromptField";
import { VariantsGrid, type VariantsGridProps } from "../components/VariantsGrid";
import { historyNames } from "../job/historyNames";

/** Generate can be used (it is never `disabled`: `aria-disabled` says when it is off). */
async function generateIsOn() {
  await waitFor(() => expect(screen.getByRole("button", { name: "Generate" })).toHaveAttribute("aria-disabled", "false"));
}

const noop = () => undefined;

function card(props: Partial<Parameters<typeof GeneratedImageDisplay>[0]> & { job: Job }) {
  return (
    <GeneratedImageDisplay usualSeconds={40} currentJobId={null} onSave={noop} saving={false} {...props} />
  );
}

function grid(jobs: Job[], props: Partial<VariantsGridProps> = {}) {
  return (
    <VariantsGrid
      jobs={jobs}
      usualSecondsAt={() => null}
      currentJobId={null}
      onSave={noop}
      savingIds={[]}
      onCancel={noop}
      {...props}
    />
  );
}

/** The grid's one live region for the results (not a `status` role: each running card has one). */
function resultsRegion(container: HTMLElement): HTMLElement {
  // The grid's own, in its pane (not a card's).
  const regions = container.querySelectorAll<HTMLElement>(':scope > * > [aria-live="polite"]');
  expect(regions).toHaveLength(1);
  return regions[0]!;
}

const failedJob = (base: Job): Job => ({
  ...base,
  status: "failed",
  error: { code: "provider_unavailable", message: "busy", details: {} },
  finished_at: new Date().toISOString(),
});

describe("Accessibility", () => {
  describe("live regions", () => {
    it("announces a running card's stage, not its ticking timer, and keeps Cancel out of the live part", () => {
      vi.useFakeTimers();
      const queued = job({ created_at: new Date(Date.now() - 5000).toISOString() });
      const view = render(card({ job: queued, onCancel: noop }));
      const status = screen.getByRole("status");
      expect(status).toHaveTextContent("Waiting in the queue");
      expect(status).not.toHaveTextContent(/\d+ s/);
      expect(within(status).queryByRole("button")).not.toBeInTheDocument();
      // The time is still on the card, to read; Cancel too.
      expect(screen.getByText(clockLine(/^5 s · usually about 40 s at 1K$/))).toBeInTheDocument();
      expect(screen.getByRole("button", { name: /^Cancel\b/ })).toBeInTheDocument();

      act(() => vi.advanceTimersByTime(3000));
      expect(screen.getByText(clockLine(/^8 s/))).toBeInTheDocument();
      expect(screen.getByRole("status")).toBe(status);
      expect(status).toHaveTextContent(/^Waiting in the queue$/);

      view.rerender(card({ job: { ...queued, status: "running", stage: "generating" } }));
      expect(screen.getByRole("status")).toBe(status);
      expect(status).toHaveTextContent(/^Gemini is generating$/);
    });

    it("counts a running card's time on its own, and stops when the page cannot check on the job", () => {
      vi.useFakeTimers();
      const running = job({ status: "running", stage: "generating", created_at: new Date(Date.now() - 5000).toISOString() });
      const view = render(card({ job: running }));
      expect(screen.getByText(clockLine(/^5 s · usually/))).toBeInTheDocument();
      act(() => vi.advanceTimersByTime(2000));
      expect(screen.getByText(clockLine(/^7 s · usually/))).toBeInTheDocument();

      // Out of touch: the spinner stops, and so does the time (what the card shows is the last read).
      view.rerender(card({ job: running, outOfTouch: true }));
      act(() => vi.advanceTimersByTime(5000));
      expect(screen.getByText(clockLine(/^7 s · usually/))).toBeInTheDocument();
      // Back in touch, it counts on, from the time it is.
      view.rerender(card({ job: running }));
      act(() => vi.advanceTimersByTime(1000));
      expect(screen.getByText(clockLine(/^13 s · usually/))).toBeInTheDocument();
    });

    it("names a card by its job from the queue to the end, and its first stage by what it prepares", () => {
      const refine = job({ kind: "refine", status: "running", stage: "preparing_references", instruction: "darker" });
      const view = render(card({ job: refine }));
      expect(screen.getByRole("article", { name: "Refined image" })).toBeInTheDocument();
      expect(screen.getByRole("status")).toHaveTextContent(/^Preparing the image to refine$/);

      const onePhoto = job({ status: "running", stage: "preparing_references" });
      view.rerender(card({ job: onePhoto }));
      expect(screen.getByRole("status")).toHaveTextContent(/^Preparing the reference photo$/);
      view.rerender(card({ job: { ...onePhoto, reference_keys: [] } }));
      expect(screen.getByRole("status")).toHaveTextContent(/^Preparing the request$/);

      // A failed job's card is not titled as if it had made an image.
      view.rerender(card({ job: failedJob(onePhoto) }));
      const failed = screen.getByRole("article", { name: "New image" });
      expect(within(failed).getByText("Gemini was unavailable")).toBeInTheDocument();
      expect(screen.queryByText(/generated image/i)).not.toBeInTheDocument();
    });

    it("offers no Cancel while the page cannot reach the service, and says the state is the last known", () => {
      const queued = job();
      const view = render(card({ job: queued, onCancel: noop }));
      expect(screen.getByRole("button", { name: /^Cancel\b/ })).toBeInTheDocument();
      view.rerender(card({ job: queued, onCancel: noop, outOfTouch: true }));
      expect(screen.queryByRole("button", { name: /^Cancel\b/ })).not.toBeInTheDocument();
      expect(screen.getByText("Last known state: the page cannot check on it now.")).toBeInTheDocument();
    });

    it("opens the full size from the picture itself: one tab stop, named for what it opens, before Save", async () => {
      const done = succeeded(job());
      render(card({ job: done }));
      const link = screen.getByRole("link", { name: "Open the new image full size (new tab)" });
      expect(link).toHaveAttribute("href", done.output!.url);
      expect(link).toHaveAttribute("target", "_blank");
      expect(within(link).getByRole("img", { name: "New image, 1376×768" })).toBeInTheDocument();
      // No second way to the same place, spelled out under the picture.
      expect(screen.queryByRole("link", { name: /^Open full size/ })).not.toBeInTheDocument();
      const user = userEvent.setup();
      await user.tab();
      expect(link).toHaveFocus();
      await user.tab();
      expect(screen.getByRole("button", { name: /^Save to identity\b/ })).toHaveFocus();
      await user.tab();
      expect(screen.getByRole("link", { name: /^Download\b/ })).toHaveFocus();
    });

    it("names each variant's picture link by its variant, and keeps Save with Download, Refine with Compare", () => {
      const jobs = [0, 1, 2].map((index) => succeeded(job({ batch_id: "b", batch_index: index, batch_size: 3 })));
      const followUps = { onRefine: async () => false, onRerun: noop, onEditSettings: noop, onCompare: noop, busy: false };
      render(grid(jobs, { followUps }));
      const second = screen.getByRole("article", { name: "Variant 2 of 3" });
      expect(within(second).getByRole("link", { name: "Open variant 2 full size (new tab)" })).toBeInTheDocument();
      const rowOf = (element: HTMLElement) => element.parentElement;
      const save = within(second).getByRole("button", { name: /^Save to identity\b/ });
      const refine = within(second).getByRole("button", { name: /^Refine\b/ });
      expect(rowOf(save)).toBe(rowOf(within(second).getByRole("link", { name: /^Download\b/ })));
      expect(rowOf(refine)).toBe(rowOf(within(second).getByRole("button", { name: /^Compare\b/ })));
      expect(rowOf(refine)).not.toBe(rowOf(save));
      // The rows in that order, Save's first.
      expect(rowOf(save)!.compareDocumentPosition(refine) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    });

    it("says a canceled card is canceled, in one word, in the box its picture would have taken", () => {
      const queued = job({ aspect_ratio: "3:4" });
      const view = render(card({ job: queued, onCancel: noop }));
      const frameOf = (text: string) => screen.getByText(text).closest("[class*='frame']");
      const waiting = frameOf("Waiting in the queue");
      expect(waiting).toHaveClass("shaped");
      view.rerender(card({ job: { ...queued, status: "canceled", attempts: 1, canceled_at: new Date().toISOString() } }));
      expect(within(screen.getByRole("article", { name: "New image" })).getByText("Canceled")).toBeInTheDocument();
      expect(screen.queryByText(/It was canceled/)).not.toBeInTheDocument();
      // The same box, in the picture's shape: the card does not collapse under the admin.
      expect(frameOf("Canceled")).toHaveClass("shaped");
      expect(frameOf("Canceled")).toBe(waiting);
      // So does a failure's.
      view.rerender(card({ job: failedJob(queued) }));
      expect(frameOf("Gemini was unavailable")).toHaveClass("shaped");
    });

    it("says how each variant ended in one live region that is there before the first ends", () => {
      const jobs = [0, 1, 2].map((index) => job({ batch_id: "b", batch_index: index, batch_size: 3 }));
      const [one, two, three] = jobs as [Job, Job, Job];
      const { container, rerender } = render(grid(jobs));
      const region = resultsRegion(container);
      expect(region).toHaveAttribute("aria-atomic", "true");
      expect(region).toHaveTextContent(/^$/);

      rerender(grid([one, succeeded(two), three]));
      expect(resultsRegion(container)).toBe(region);
      expect(region).toHaveTextContent(/^Variant 2 of 3 is ready\.$/);

      rerender(grid([failedJob(one), succeeded(two), three]));
      expect(region).toHaveTextContent(/^2 of 3 variants done: 1 ready, 1 failed\.$/);

      // Another render of the same outcome (the timer, a poll) says nothing new.
      rerender(grid([failedJob(one), succeeded(two), three]));
      expect(region).toHaveTextContent(/^2 of 3 variants done: 1 ready, 1 failed\.$/);

      rerender(grid([failedJob(one), succeeded(two), succeeded(three)]));
      expect(region).toHaveTextContent(/^All 3 variants done: 2 ready, 1 failed\.$/);
    });

    it("says several variants started once the grid's region is there, and nothing of a click already under way", () => {
      vi.useFakeTimers();
      const jobs = [0, 1, 2].map((index) => job({ batch_id: "b", batch_index: index, batch_size: 3 }));
      const { container, rerender, unmount } = render(grid(jobs, { identityName: "Alice the chef" }));
      const region = resultsRegion(container);
      expect(region).toHaveTextContent(/^$/);
      act(() => vi.advanceTimersByTime(300));
      expect(region).toHaveTextContent(/^Generating 3 variants for Alice the chef\.$/);
      rerender(grid([jobs[0]!, succeeded(jobs[1]!), jobs[2]!], { identityName: "Alice the chef" }));
      expect(region).toHaveTextContent(/^Variant 2 of 3 is ready\.$/);
      unmount();

      // Running already as it comes into view (another identity's click, the page opened): quiet.
      const running = jobs.map((each) => ({ ...each, status: "running" as const }));
      const again = render(grid(running));
      act(() => vi.advanceTimersByTime(300));
      expect(resultsRegion(again.container)).toHaveTextContent(/^$/);
    });

    it("says 'Both variants' of two, not 'All 2'", () => {
      const jobs = [0, 1].map((index) => job({ batch_id: "b", batch_index: index, batch_size: 2 }));
      const { container, rerender } = render(grid(jobs));
      rerender(grid(jobs.map((each) => succeeded(each))));
      expect(resultsRegion(container)).toHaveTextContent(/^Both variants are ready\.$/);
    });

    it("says 'The image is ready' for a single image, and nothing for a click that was already over when shown", () => {
      const running = job({ status: "running" });
      const { container, rerender } = render(grid([running]));
      const region = resultsRegion(container);
      rerender(grid([succeeded(running)]));
      expect(region).toHaveTextContent(/^The image is ready\.$/);

      // Another click's jobs (or another identity's): quiet until one of them ends.
      const next = job();
      rerender(grid([next]));
      expect(region).toHaveTextContent(/^$/);
      rerender(grid([failedJob(next)]));
      expect(region).toHaveTextContent(/^The generation failed: Gemini was unavailable\.$/);
      // A failure with no name of its own is said once, not twice.
      const other = job();
      rerender(grid([other]));
      rerender(grid([{ ...failedJob(other), error: { code: "internal", message: "It broke.", details: {} } }]));
      expect(region).toHaveTextContent(/^The generation failed\.$/);
      const older = [succeeded(job()), succeeded(job())];
      rerender(grid(older));
      expect(region).toHaveTextContent(/^$/);
    });

    it("says only the notice that changed among the clicks left elsewhere, not the group's others again", () => {
      const click = (key: string, identityName: string, jobs: Job[], moving: boolean) => ({
        key,
        identityId: `id-${key}`,
        userId: "3",
        identityName,
        jobs,
        count: 1,
        moving,
        sameIdentity: false,
      });
      const alice = click("a", "Alice the chef", [job({ id: "a" })], true);
      const notices = (bob: ReturnType<typeof click>, first = alice) => (
        <JobsElsewhere clicks={[first, bob]} label="Other identities" onShow={noop} onDismiss={noop} />
      );
      const { container, rerender } = render(notices(click("b", "Bob the baker", [job({ id: "b" })], true)));
      const region = container.querySelector<HTMLElement>('[aria-live="polite"]')!;
      // There as the page came: read in the group, not announced.
      expect(region).toHaveTextContent(/^$/);
      const group = screen.getByRole("group", { name: "Other identities" });
      expect(within(group).getByText("Still generating for Alice the chef.")).not.toHaveAttribute("aria-hidden");

      rerender(notices(click("b", "Bob the baker", [succeeded(job({ id: "b" }))], false)));
      const bobSaid = within(region).getByText("Ready for Bob the baker: 1 image.");
      // Said there, its visible twin is not read a second time.
      expect(within(group).getByText("Ready for Bob the baker: 1 image.")).toHaveAttribute("aria-hidden", "true");
      expect(region.children).toHaveLength(1);

      // Each sentence its own node: Alice's changed, Bob's is the same node, not read again.
      const aliceReady = click("a", "Alice the chef", [succeeded(job({ id: "a" }))], false);
      rerender(notices(click("b", "Bob the baker", [succeeded(job({ id: "b" }))], false), aliceReady));
      expect(within(region).getByText("Ready for Alice the chef: 1 image.")).toBeInTheDocument();
      expect(within(region).getByText("Ready for Bob the baker: 1 image.")).toBe(bobSaid);
      expect(region.children).toHaveLength(2);
    });

    it("says nothing of the clicks a reload brought back until they change after their first read, and is no empty group", () => {
      const click = (jobs: Job[], moving: boolean) => ({
        key: "a",
        identityId: "id-a",
        userId: "3",
        identityName: "Alice the chef",
        jobs,
        count: 4,
        moving,
        sameIdentity: false,
      });
      const notices = (clicks: ReturnType<typeof click>[]) => (
        <JobsElsewhere clicks={clicks} label="Generations elsewhere" onShow={noop} onDismiss={noop} />
      );
      const { container, rerender } = render(notices([]));
      expect(screen.queryByRole("group")).not.toBeInTheDocument();
      const region = container.querySelector<HTMLElement>('[aria-live="polite"]')!;
      const jobs = [0, 1, 2, 3].map((index) => job({ batch_id: "b", batch_index: index, batch_size: 4 }));
      // As a reload brings it back: not read yet, then read (ready meanwhile).
      rerender(notices([click([], true)]));
      rerender(notices([click(jobs.map((each) => succeeded(each)), false)]));
      expect(screen.getByRole("group", { name: "Generations elsewhere" })).toHaveTextContent("Ready for Alice the chef: 4 images.");
      expect(region).toHaveTextContent(/^$/);
    });

    it("reads no picture or caption of the identity beside its name over the results", async () => {
      given();
      await openAsAlice();
      const pane = screen.getByRole("region", { name: "Result" });
      expect(within(pane).getByText("Alice the chef")).toBeInTheDocument();
      // Seen: a small picture, captioned. Not read: "No image" said above results that have one.
      expect(within(pane).getByText("No image")).toBeInTheDocument();
      expect(within(pane).queryByRole("figure")).toBeNull();
      expect(within(pane).queryByRole("img")).toBeNull();
    });

    it("announces the end of a generation on the page", async () => {
      const service = jobService();
      given(...service.handlers);
      const user = await openAsAlice();
      await addPhoto(user);
      await user.click(screen.getByRole("button", { name: "Generate" }));
      const result = await screen.findByRole("region", { name: "Result" });
      const article = await within(result).findByRole("article", { name: "New image" });
      // The variants' region, said whole (the pane also has one for earlier clicks, said apart).
      const region = result.querySelector<HTMLElement>('[aria-live="polite"][aria-atomic="true"]:not([role])');
      expect(region).not.toBeNull();
      expect(region).toHaveTextContent(/^$/);
      await within(article).findByRole("img", {}, { timeout: 10_000 });
      expect(region).toHaveTextContent("The image is ready.");
      expect(region).toBeInTheDocument();
    });
  });

  describe("focus", () => {
    it("keeps the focus on Save while it saves (aria-disabled, not disabled), then on the card once saved", async () => {
      const done = succeeded(job());
      const onSave = vi.fn();
      const user = userEvent.setup();
      const view = render(card({ job: done, onSave }));
      const save = screen.getByRole("button", { name: /^Save to identity\b/ });
      expect(save).toHaveAttribute("aria-disabled", "false");
      await user.click(save);
      expect(onSave).toHaveBeenCalledTimes(1);

      view.rerender(card({ job: done, onSave, saving: true }));
      expect(save).not.toBeDisabled();
      expect(save).toHaveAttribute("aria-disabled", "true");
      expect(save).toHaveFocus();
      await user.keyboard("{Enter}");
      expect(onSave).toHaveBeenCalledTimes(1);

      const pending: Job = { ...done, apply: { ...done.apply, status: "pending", attempt: 1 } };
      view.rerender(card({ job: pending, onSave }));
      expect(save).not.toBeDisabled();
      const applied: Job = { ...done, apply: { ...done.apply, status: "applied", attempt: 1, applied_at: new Date().toISOString() } };
      view.rerender(card({ job: applied, onSave, currentJobId: applied.id }));
      expect(screen.getByRole("status")).toHaveTextContent("Saved to identity");
      expect(screen.queryByRole("button", { name: /^Save to identity\b/ })).not.toBeInTheDocument();
      expect(screen.getByRole("article", { name: "New image" })).toHaveFocus();
      expect(onSave).toHaveBeenCalledTimes(1);
    });

    it("gives the focus to the card when its focused Cancel goes", async () => {
      const queued = job();
      const onCancel = vi.fn();
      const user = userEvent.setup();
      const view = render(card({ job: queued, onCancel }));
      await user.click(screen.getByRole("button", { name: /^Cancel\b/ }));
      expect(onCancel).toHaveBeenCalledTimes(1);

      // The page takes Cancel away while a cancel is out (onCancel undefined).
      const focus = vi.spyOn(HTMLElement.prototype, "focus");
      view.rerender(card({ job: queued, onCancel: undefined }));
      expect(screen.queryByRole("button", { name: /^Cancel\b/ })).not.toBeInTheDocument();
      expect(screen.getByRole("article", { name: "New image" })).toHaveFocus();
      // Where the focus goes, the page stays: no jump under a mouse user's pointer.
      expect(focus).toHaveBeenCalledWith({ preventScroll: true });
      focus.mockRestore();

      view.rerender(card({ job: { ...queued, status: "canceled", canceled_at: new Date().toISOString() } }));
      expect(screen.getByRole("article", { name: "New image" })).toHaveFocus();
      expect(screen.getByText("Canceled")).toBeInTheDocument();
    });

    it("gives the focus to the prompt after Undo or Close of the Edit settings notice, on the page", async () => {
      const past = succeeded(job({ prompt: "by the sea", image_size: "2K" }));
      given(
        ...historyOf([past]),
      );
      const user = await openAsAlice();
      const history = await screen.findByRole("region", { name: "History" });
      const prompt = screen.getByRole("textbox", { name: "Prompt" });
      for (const action of ["Undo", "Close this notice"]) {
        await user.click(await within(history).findByRole("button", { name: /^Edit settings\b/ }));
        await user.click(screen.getByRole("button", { name: action }));
        expect(screen.queryByRole("button", { name: action })).not.toBeInTheDocument();
        expect(prompt).toHaveFocus();
      }
    });

    describe("after a photo is removed", () => {
      const photos = () => within(screen.getByRole("list", { name: "Selected photos" }));

      async function addPhotos(count: number) {
        given();
        const user = await openAsAlice();
        await user.upload(
          screen.getByLabelText("Reference photos"),
          Array.from({ length: count }, (_, n) => file(`p${n}.jpg`, "image/jpeg")),
        );
        await waitFor(() => expect(photos().getAllByRole("button", { name: /^Remove / })).toHaveLength(count));
        expect(screen.getByText(`${Math.min(count, 5)} / 5`)).toBeInTheDocument();
        await generateIsOn(); // all uploaded
        return user;
      }

      const tile = (name: string) => photos().getByText(name).closest("li");

      it("goes to the tile of the photo that took its place in a full list, not to a Remove", async () => {
        const user = await addPhotos(6); // five, and one waiting for a place
        expect(screen.queryByRole("button", { name: "Add photos" })).not.toBeInTheDocument();
        await user.click(screen.getByRole("button", { name: "Remove p2.jpg" }));
        expect(tile("p3.jpg")).toHaveFocus();
        // The one that waited took the place: still full.
        await waitFor(() => expect(screen.getByText("5 / 5")).toBeInTheDocument());
        expect(screen.queryByRole("button", { name: "Add photos" })).not.toBeInTheDocument();
      });

      it("goes to the next photo's tile, so a second Enter removes nothing more; to Add photos when it comes back in the removed tile's place", async () => {
        const user = await addPhotos(5);
        await user.click(screen.getByRole("button", { name: "Remove p1.jpg" }));
        expect(tile("p2.jpg")).toHaveFocus();
        await user.keyboard("{Enter}");
        expect(photos().getAllByRole("button", { name: /^Remove / })).toHaveLength(4);
        expect(tile("p2.jpg")).toHaveFocus();
        await user.click(screen.getByRole("button", { name: "Remove p4.jpg" }));
        expect(screen.getByRole("button", { name: "Add photos" })).toHaveFocus();
      });

      it("goes to the previous photo's tile when the last tile of a full list goes", async () => {
        const user = await addPhotos(6);
        // The sixth waits in the last tile; removing it leaves the list full.
        await user.click(screen.getByRole("button", { name: "Remove p5.jpg" }));
        expect(tile("p4.jpg")).toHaveFocus();
      });

      it("says which photo went, with an Undo that brings it back in its place, with its upload", async () => {
        const user = await addPhotos(3);
        await user.click(screen.getByRole("button", { name: "Remove p1.jpg" }));
        expect(screen.getByText("Removed p1.jpg")).toHaveAttribute("role", "status");
        expect(screen.getByText("2 / 5")).toBeInTheDocument();
        await user.click(screen.getByRole("button", { name: "Undo removing p1.jpg" }));
        expect(photos().getAllByText(/^p\d\.jpg$/).map((name) => name.textContent)).toEqual(["p0.jpg", "p1.jpg", "p2.jpg"]);
        expect(screen.getByText("3 / 5")).toBeInTheDocument();
        expect(tile("p1.jpg")).toHaveFocus();
        expect(screen.queryByText(/^Removed /)).not.toBeInTheDocument();
        // Uploaded already: Generate sends it, with nothing sent again.
        await generateIsOn();
      });

      it("keeps the last removed photo's Undo as a file that was never sent goes too, and brings it back in its place", async () => {
        const user = await addPhotos(3);
        await user.upload(screen.getByLabelText("Reference photos"), file("empty.jpg", "image/jpeg", 0));
        await user.click(await screen.findByRole("button", { name: "Remove p1.jpg" }));
        await user.click(screen.getByRole("button", { name: "Remove empty.jpg" }));
        await user.click(screen.getByRole("button", { name: "Undo removing p1.jpg" }));
        expect(photos().getAllByText(/^p\d\.jpg$/).map((name) => name.textContent)).toEqual(["p0.jpg", "p1.jpg", "p2.jpg"]);
        expect(tile("p1.jpg")).toHaveFocus();
      });

      it("offers no Undo for a photo that was not uploaded, nor once the photos changed since", async () => {
        const user = await addPhotos(2);
        await user.click(screen.getByRole("button", { name: "Remove p0.jpg" }));
        expect(screen.getByRole("button", { name: "Undo removing p0.jpg" })).toBeInTheDocument();
        await addPhoto(user);
        expect(screen.queryByRole("button", { name: /^Undo removing/ })).not.toBeInTheDocument();
        await user.upload(screen.getByLabelText("Reference photos"), file("empty.jpg", "image/jpeg", 0));
        await user.click(await screen.findByRole("button", { name: "Remove empty.jpg" }));
        expect(screen.queryByRole("button", { name: /^Undo removing/ })).not.toBeInTheDocument();
      });
    });

    it("goes to the first new photo's tile when the photos added through Add photos fill the form and it goes, not to the page", async () => {
      given();
      const user = await openAsAlice();
      const input = screen.getByLabelText("Reference photos");
      await user.upload(input, ["p0.jpg", "p1.jpg", "p2.jpg"].map((name) => file(name, "image/jpeg")));
      await waitFor(() => expect(screen.getAllByRole("button", { name: /^Remove / })).toHaveLength(3));

      const add = screen.getByRole("button", { name: "Add photos" });
      add.focus();
      await user.keyboard("{Enter}");
      // The browser's file dialog closes with two photos chosen; the focus is still on the button.
      fireEvent.change(input, { target: { files: [file("p3.jpg", "image/jpeg"), file("p4.jpg", "image/jpeg")] } });
      await waitFor(() => expect(add).not.toBeInTheDocument());
      const tile = screen.getByText("p3.jpg").closest("li");
      // As the tiles are drawn (React gives the focus in an effect after that).
      await waitFor(() => expect(tile).toHaveFocus());
      // Read out by its name and state.
      await generateIsOn();
      // Its name once (the thumbnail's alt is empty), and that it is uploaded, as its ✓ shows.
      expect(tile).toHaveAccessibleName("p3.jpg 1000 B, uploaded");
      expect(within(tile!).getByRole("presentation")).toHaveAttribute("alt", "");
      // Tab goes on to its own Remove: an Enter pressed again there would take the photo away.
      await user.tab();
      expect(screen.getByRole("button", { name: "Remove p3.jpg" })).toHaveFocus();
    });

    it("says how many photos came, and how many wait for a place, the focus left where it was", async () => {
      given();
      // As a drop does: the file picker's types do not hold a file back.
      const user = await openAsAlice({ applyAccept: false });
      const input = screen.getByLabelText("Reference photos");
      const saying = (words: RegExp) => screen.getAllByRole("status").filter((region) => words.test(region.textContent ?? ""));
      await user.upload(input, ["p0.jpg", "p1.jpg", "p2.jpg"].map((name) => file(name, "image/jpeg")));
      // Once their first bytes are read: a text file named .jpg is not said to be added.
      await waitFor(() => expect(saying(/^Added 3 photos\.$/)).toHaveLength(1));
      await user.upload(input, ["p3.jpg", "p4.jpg", "p5.jpg", "p6.jpg"].map((name) => file(name, "image/jpeg")));
      await waitFor(() => expect(saying(/^Added 4 photos\. 2 wait for a place\.$/)).toHaveLength(1));
      // Refused at once, they were not added: the failures' region says why, this one nothing.
      await user.upload(input, [file("notes.txt", "text/plain")]);
      expect(await screen.findByText(/^Not an accepted image type/)).toBeInTheDocument();
      expect(saying(/^Added/)).toHaveLength(1);
      expect(saying(/^Added 4 photos\. 2 wait for a place\.$/)).toHaveLength(1);
      // Another user's form holds none of them: not left said there.
      await user.selectOptions(screen.getByRole("combobox", { name: "User" }), "1");
      await waitFor(() => expect(thumbnails("p0.jpg")).toHaveLength(0));
      expect(saying(/^Added/)).toHaveLength(0);
    });

    it("keeps the file input out of the accessibility tree and the Tab order; Add photos says the limits", async () => {
      given();
      const user = await openAsAlice();
      const input = screen.getByLabelText("Reference photos");
      expect(input).toHaveAttribute("aria-hidden", "true");
      expect(input).toHaveAttribute("tabindex", "-1");
      expect(screen.getByRole("button", { name: "Add photos" })).toHaveAccessibleDescription(/^Drag photos here/);
      // Uploads through it still work (the browser test sets its files the same way).
      await user.upload(input, file("front.jpg", "image/jpeg"));
      expect(await findThumbnail("front.jpg")).toBeInTheDocument();
    });
  });

  describe("why Generate is off", () => {
    const bar = (props: Parameters<typeof generateBar>[0] = {}) =>
      generateBar({ whyNot: "Add at least one reference photo.", ...props });

    it("keeps Generate in the Tab order and says why it is off; a press goes to the form, which decides", async () => {
      const onPress = vi.fn();
      const user = userEvent.setup();
      const view = render(bar({ onPress }));
      await user.tab();
      const generate = screen.getByRole("button", { name: "Generate" });
      expect(generate).toHaveFocus();
      expect(generate).toHaveAttribute("aria-disabled", "true");
      expect(generate).toHaveAccessibleDescription(/^Add at least one reference photo\. ≈ \$0\.13/);
      await user.keyboard("{Enter}");
      expect(onPress).toHaveBeenCalledTimes(1);

      view.rerender(bar({ onPress, whyNot: null }));
      expect(generate).toHaveAttribute("aria-disabled", "false");
      expect(generate).toHaveAccessibleDescription(/^≈ \$0\.13/);

      // While its click is out: still focused, off, and its reason not said.
      view.rerender(bar({ onPress, whyNot: null, pending: true }));
      expect(generate).toHaveFocus();
      expect(generate).toHaveAttribute("aria-disabled", "true");
      expect(generate).toHaveAccessibleDescription(/^≈ \$0\.13/);
    });

    it("shows its shortcut on Generate, named as a shortcut, not as part of the button's name", () => {
      render(bar({ whyNot: null }));
      const generate = screen.getByRole("button", { name: "Generate" });
      expect(generate).toHaveAccessibleName("Generate");
      expect(generate).toHaveAttribute("aria-keyshortcuts", "Control+Enter");
      expect(generate).toHaveTextContent("Ctrl ↵");
      expect(generate).toHaveAccessibleDescription("≈ $0.134 · 1 image, 3:4 at 1K");
    });

    it("starts nothing on a click or Ctrl+Enter while Generate is off, and says why each time", async () => {
      const service = jobService();
      given(...service.handlers);
      const user = await openAsAlice();
      const generate = screen.getByRole("button", { name: "Generate" });
      expect(generate).not.toBeDisabled();
      expect(generate).toHaveAccessibleDescription(/^Add at least one reference photo\./);
      const said = () => screen.getAllByRole("status").find((region) => region.textContent?.startsWith("Add at least"));
      expect(said()).toBeUndefined();
      await user.click(generate);
      const region = said();
      expect(region).toHaveTextContent("Add at least one reference photo.");
      // Pressed again from the prompt, where the button's description is not read: said again,
      // the region's text changed so that it is.
      const first = region?.textContent;
      await user.click(screen.getByRole("textbox", { name: "Prompt" }));
      await user.keyboard("{Control>}{Enter}{/Control}");
      expect(region?.textContent).not.toBe(first);
      expect(region).toHaveTextContent("Add at least one reference photo.");
      await timePasses(100);
      expect(service.created).toHaveLength(0);

      // No longer the reason: not left in the region, nor said again, unpressed, when the
      // photo goes and it is the reason again.
      await addPhoto(user);
      expect(region).toBeEmptyDOMElement();
      await user.click(screen.getByRole("button", { name: "Remove front.jpg" }));
      await waitFor(() => expect(generate).toHaveAttribute("aria-disabled", "true"));
      expect(region).toBeEmptyDOMElement();
    });

    it("describes an over-long prompt by a message that is there, empty and polite, before it is needed", () => {
      const view = render(<PromptField value="short" maxChars={10} onChange={noop} />);
      const prompt = screen.getByRole("textbox", { name: "Prompt" });
      const ids = prompt.getAttribute("aria-describedby")?.split(" ") ?? [];
      const message = ids.map((id) => document.getElementById(id)).find((el) => el?.getAttribute("aria-live") === "polite");
      expect(message).toBeInstanceOf(HTMLElement);
      expect(message).toBeEmptyDOMElement();
      expect(prompt).toHaveAttribute("aria-invalid", "false");
      // The counter does not start speaking at the moment its text changes.
      expect(screen.getByText("5 / 10")).not.toHaveAttribute("aria-live", "polite");

      view.rerender(<PromptField value="far too long now" maxChars={10} onChange={noop} />);
      expect(prompt).toHaveAttribute("aria-invalid", "true");
      expect(message).toHaveTextContent("Too long: the limit is 10 characters.");
      expect(prompt).toHaveAccessibleDescription("16 / 10 Too long: the limit is 10 characters.");
      expect(screen.getByText("16 / 10")).not.toHaveAttribute("aria-live", "polite");

      // Its words stay the same while the prompt stays too long: said once, not at every key.
      view.rerender(<PromptField value="far too long now!" maxChars={10} onChange={noop} />);
      expect(message).toHaveTextContent(/^Too long: the limit is 10 characters\.$/);
    });
  });

  describe("the Edit settings notice", () => {
    const taken = job({ created_at: "2026-12-04T04:37:00Z" });

    it("says what came into the form in a plain sentence, not its buttons; Close is named for what it closes", () => {
      const view = render(<EditSettingsNotice job={taken} photos={{ used: 2, waiting: 0, refused: 0 }} onUndo={noop} onClose={noop} />);
      expect(screen.getByRole("status")).toHaveTextContent(
        /^The settings and 2 photos from the generation of .+ are in the form\.$/,
      );
      const close = screen.getByRole("button", { name: "Close this notice" });
      // Its name holds the word seen.
      expect(close).toHaveTextContent(/^Close$/);
      expect(screen.getByRole("status")).not.toContainElement(close);

      view.rerender(<EditSettingsNotice job={taken} photos={{ used: 1, waiting: 0, refused: 0 }} onUndo={noop} onClose={noop} />);
      expect(screen.getByRole("status")).toHaveTextContent(/^The settings and 1 photo from the generation of .+ are in the form\.$/);
      view.rerender(<EditSettingsNotice job={taken} photos={null} onUndo={noop} onClose={noop} />);
      expect(screen.getByRole("status")).toHaveTextContent(
        /The settings from the generation of .+ are in the form\. It kept no photos, so yours stay\./,
      );
      // A refinement's words do not go into the prompt: the notice says where they went.
      const refined = { ...taken, kind: "refine" as const, instruction: "darker" };
      view.rerender(<EditSettingsNotice job={refined} photos={{ used: 2, waiting: 0, refused: 0 }} onUndo={noop} onClose={noop} />);
      expect(screen.getByRole("status")).toHaveTextContent(
        /are in the form\. Its refinement \(“darker”\) is not: use Refine on a result for that\./,
      );
    });

    it("counts only the photos the form will send, and the ones that wait or the page refused apart", () => {
      const view = render(<EditSettingsNotice job={taken} photos={{ used: 1, waiting: 0, refused: 1 }} onUndo={noop} onClose={noop} />);
      expect(screen.getByRole("status")).toHaveTextContent(
        /^The settings and 1 photo from the generation of .+ are in the form\. Its other photo cannot be used: its tile says why\.$/,
      );
      view.rerender(<EditSettingsNotice job={taken} photos={{ used: 1, waiting: 0, refused: 2 }} onUndo={noop} onClose={noop} />);
      expect(screen.getByRole("status")).toHaveTextContent(
        /are in the form\. Its 2 other photos cannot be used: their tiles say why\.$/,
      );
      view.rerender(<EditSettingsNotice job={taken} photos={{ used: 0, waiting: 0, refused: 1 }} onUndo={noop} onClose={noop} />);
      expect(screen.getByRole("status")).toHaveTextContent(
        /^The settings from the generation of .+ are in the form\. Its photo cannot be used: its tile says why\.$/,
      );
      // One over the count waits for a place: not sent, and not refused either.
      view.rerender(<EditSettingsNotice job={taken} photos={{ used: 5, waiting: 1, refused: 0 }} onUndo={noop} onClose={noop} />);
      expect(screen.getByRole("status")).toHaveTextContent(
        /^The settings and 5 photos from the generation of .+ are in the form\. Its other photo waits for a place\.$/,
      );
      view.rerender(<EditSettingsNotice job={taken} photos={{ used: 4, waiting: 2, refused: 1 }} onUndo={noop} onClose={noop} />);
      expect(screen.getByRole("status")).toHaveTextContent(
        /are in the form\. Of its other photos, 2 wait for a place and 1 cannot be used: its tile says why\.$/,
      );
      // A refinement's words are said with what is in the form, before what is not used.
      const refined = { ...taken, kind: "refine" as const, instruction: "darker" };
      view.rerender(<EditSettingsNotice job={refined} photos={{ used: 0, waiting: 0, refused: 2 }} onUndo={noop} onClose={noop} />);
      expect(screen.getByRole("status")).toHaveTextContent(
        /are in the form\. Its refinement \(“darker”\) is not: use Refine on a result for that\. Its 2 photos cannot be used: their tiles say why\./,
      );
    });
  });

  it("passes axe on the empty form, Add photos named by its words seen and described by the hint", async () => {
    given();
    await openAsAlice();
    const photos = screen.getByRole("heading", { name: "Reference photos" }).closest("section")!;
    // jsdom draws no text: axe's look for icon fonts (on a canvas) is told, at once, that no
    // font is one (a threshold of 0 answers before anything is drawn).
    const canvas = vi
      .spyOn(HTMLCanvasElement.prototype, "getContext")
      .mockReturnValue({ canvas: document.createElement("canvas") } as unknown as ImageBitmapRenderingContext);
    axe.configure({ checks: [{ id: "label-content-name-mismatch", options: { occurrenceThreshold: 0 } }] });
    try {
      // Not on by default in axe: a voice command says the words it sees.
      const results = await axe.run(photos, { rules: { "label-content-name-mismatch": { enabled: true } } });
      expect(results.violations.map(({ id, nodes }) => `${id}: ${nodes.map((node) => node.html).join(" ")}`)).toEqual([]);
      expect(results.incomplete.filter(({ id }) => id === "label-content-name-mismatch")).toEqual([]);
    } finally {
      axe.reset();
      canvas.mockRestore();
    }
    const add = screen.getByRole("button", { name: "Add photos" });
    expect(add).toHaveTextContent(/^\+Add photos$/);
    // Its parts apart (jsdom shows the touch screens' part too: it has no style sheet).
    expect(add).toHaveAccessibleDescription(/^Drag photos here, choose files, or paste\..* Up to 5 photos, /);
  });

  it("gives the focus to a result tile whose focused Save went once it was saved", () => {
    const done = succeeded(job());
    const saved: Job = { ...done, apply: { ...done.apply, status: "applied", attempt: 1, applied_at: new Date().toISOString() } };
    const tiles = (shown: Job, currentJobId: string | null) => (
      <HistoryResults jobs={[shown]} names={historyNames([shown])} currentJobId={currentJobId} savingIds={[]} onSave={noop} onCompare={null} actionError={null} />
    );
    const { rerender } = render(tiles(done, null));
    screen.getByRole("button", { name: /^Save to identity\b/ }).focus();
    rerender(tiles(saved, done.id));
    expect(screen.queryByRole("button", { name: /^Save to identity\b/ })).not.toBeInTheDocument();
    expect(screen.getByRole("listitem")).toHaveFocus();
    // Told apart as the saved one to a screen reader, as its badge tells it apart seen; its
    // picture's link says where it opens, its picture no second name.
    expect(screen.getByRole("listitem")).toHaveAccessibleName(/^Result of .+, saved to identity$/);
    const picture = screen.getByRole("link", { name: /^Open the result of .+ full size \(new tab\)$/ });
    expect(within(picture).getByRole("presentation")).toHaveAttribute("alt", "");
  });

  it("gives the focus to a history row whose focused Cancel went away", async () => {
    let queued = job({ prompt: "waiting" });
    given(
      // Read again after the cancel: the history answers what the job is then.
      http.get("/v1/generations", ({ response }) => response(200).json({ items: [queued], next_cursor: null })),
      http.get("/v1/generations/{generation_id}", ({ response }) => response(200).json(queued)),
      http.post("/v1/generations/{generation_id}/cancel", ({ response }) => {
        queued = { ...queued, status: "canceled", canceled_at: new Date().toISOString() };
        return response(200).json(queued);
      }),
    );
    const user = await openAsAlice();
    const history = await screen.findByRole("region", { name: "History" });
    const cancel = await within(history).findByRole("button", { name: /^Cancel\b/ });
    cancel.focus();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(within(history).queryByRole("button", { name: /^Cancel\b/ })).not.toBeInTheDocument());
    await waitFor(() => expect(within(history).getByRole("listitem")).toHaveFocus());
  });

});
