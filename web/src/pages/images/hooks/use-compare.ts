/**
 * What the Compare dialog shows, and the ways to open it: from a result card or its history
 * row, the click's finished variants side by side, or a refinement (or re-run) beside the
 * result it came from, else the result beside the identity's current image. The dialog adds the current image whenever the identity has one.
 *
 * The choice is held as job ids, for one identity: the dialog shows each job as last read
 * (a save in progress, then "current"), and another identity's choice is not shown.
 */
import { useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import type { Candidate } from "../components/CompareDialog";
import type { ActionPlace } from "./use-job-actions";
import { cardTitle, clickVariant, joinedTitles, variantLabel } from "../job/names";

interface Chosen {
  identityId: string | null;
  /** Where it was opened from: a card of the pane, or the history (a row or a tile). */
  from: ActionPlace;
  title: string;
  /** The click whose variants it sets side by side: said under the title, by its time and
   * what it asked (opened from an older history tile, nothing else on screen said which). */
  about?: Job;
  items: { id: string; label: string; saveText: string }[];
}

export function useCompare({
  identityId,
  hasImage,
  currentJobId,
  paneJobs,
  jobsById,
}: {
  identityId: string | null;
  /** The job whose image the identity shows now. */
  currentJobId: string | null;
  /** The identity shows an image: a single result can be set beside it. */
  hasImage: boolean;
  /** The result pane's jobs, in their order (variant 1 first). */
  paneJobs: Job[];
  /** Every job the page has read (the pane's and the history's), each as last read. */
  jobsById: ReadonlyMap<string, Job>;
}) {
  const [chosen, choose] = useState<Chosen | null>(null);
  // A result saved from the dialog when it was alone beside the current image: once it is
  // the current image, nothing is left to choose and the dialog closes (on a failure it
  // stays, saying why).
  const [saving, setSaving] = useState<string | null>(null);
  if (saving !== null && (saving === currentJobId || chosen === null)) {
    setSaving(null);
    if (saving === currentJobId) choose(null);
  }
  const open = chosen !== null && chosen.identityId === identityId ? chosen : null;
  const candidates: Candidate[] = (open?.items ?? []).flatMap(({ id, label, saveText }) => {
    const job = jobsById.get(id);
    return job ? [{ job, label, saveText }] : [];
  });

  const withCurrent = hasImage
    ? (job: Job, from: ActionPlace) =>
        choose({
          identityId,
          from,
          title: "Compare with the current image",
          items: [{ id: job.id, label: "This result", saveText: "Save this result to identity" }],
        })
    : null;

  // Each named as its card is: a re-run or refinement that joined the click by the card it
  // came from ("Refinement of variant 3"), not as one more variant.
  const joined = joinedTitles(paneJobs, (job) => clickVariant(job, paneJobs));
  const variants = paneJobs
    .map((job, index) => ({
      job,
      label:
        joined.get(job.id) ?? variantLabel(job) ?? (joined.size > 0 ? cardTitle(job) : `Variant ${index + 1} of ${paneJobs.length}`),
    }))
    .filter(({ job }) => job.status === "succeeded");
  const compareVariants = (of: { job: Job; label: string }[], from: ActionPlace) =>
    choose({
      identityId,
      from,
      title: "Compare the variants",
      ...(of[0] ? { about: of[0].job } : {}),
      items: of.map(({ job, label }) => ({ id: job.id, label, saveText: `Save ${label.toLowerCase()} to identity` })),
    });
  const sourceOf = (job: Job): Job | undefined => {
    const parent = job.parent_generation_id ? jobsById.get(job.parent_generation_id) : undefined;
    return parent?.status === "succeeded" ? parent : undefined;
  };
  const withSource = (job: Job, source: Job, from: ActionPlace) => {
    const refined = job.kind === "refine";
    choose({
      identityId,
      from,
      title: refined ? "Before and after refining" : "Compare with the earlier run",
      items: [
        { id: source.id, label: "Before", saveText: "Save the earlier image to identity" },
        refined
          ? { id: job.id, label: "Refined", saveText: "Save the refined image to identity" }
          : { id: job.id, label: "Re-run", saveText: "Save the re-run image to identity" },
      ],
    });
  };
  const single = variants.length === 1 ? variants[0]?.job : undefined;
  const source = single && sourceOf(single);

  // A card of the pane: the click's variants, or the one result beside what it refined or
  // re-ran; else beside the current image (when it is not that); null when there is nothing
  // to set it beside.
  const forCard = (job: Job): (() => void) | null => {
    if (variants.length > 1) return () => compareVariants(variants, "pane");
    if (single && source) return () => withSource(single, source, "pane");
    return withCurrent && job.id !== currentJobId ? () => withCurrent(job, "pane") : null;
  };

  // From the history, a result as its card would be compared: with its click's other
  // finished variants (the pane may show a later click by now), or with what it refined or
  // re-ran; else beside the current image (when it is not that); null when there is
  // nothing to set it beside.
  const forRow = (job: Job): (() => void) | null => {
    const click = siblingsOf(job, jobsById);
    const before = sourceOf(job);
    if (click.length > 1)
      return () => compareVariants(click.map((each) => ({ job: each, label: variantLabel(each) ?? "" })), "history");
    if (before) return () => withSource(job, before, "history");
    return withCurrent && job.id !== currentJobId ? () => withCurrent(job, "history") : null;
  };

  return {
    /** What the dialog shows now; empty while it is closed. */
    candidates,
    title: open?.title ?? "",
    /** The click compared, when it is one click's variants (see `Chosen`). */
    about: open?.about ?? null,
    /** Where the open dialog was opened from; null while it is closed (see `useUndoSave`). */
    openedFrom: open?.from ?? null,
    /** The history's Compare, for the jobs `comparesInHistory` says have something to set
     * them beside; the cards' likewise. */
    fromHistory: (job: Job) => forRow(job)?.(),
    comparesInHistory: (job: Job) => forRow(job) !== null,
    fromCard: (job: Job) => forCard(job)?.(),
    comparesOnCard: (job: Job) => forCard(job) !== null,
    close: () => choose(null),
    /** A save asked from the dialog: one result beside the current image leaves nothing to
     * choose once saved (the dialog closes then); several stay side by side, the saved one
     * becoming "current". */
    saving: (job: Job) => {
      if (candidates.length === 1) setSaving(job.id);
    },
  };
}

/** The finished variants of `job`'s click, in their order (`job` among them), as read. */
function siblingsOf(job: Job, jobsById: ReadonlyMap<string, Job>): Job[] {
  if (!job.batch_id || (job.batch_size ?? 1) < 2) return [job];
  return [...jobsById.values()]
    .filter((each) => each.batch_id === job.batch_id && each.status === "succeeded")
    .sort((a, b) => (a.batch_index ?? 0) - (b.batch_index ?? 0));
}
