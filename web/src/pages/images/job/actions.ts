/** What a job offers where it shows: its card in the result pane, or its row in the history. */
import type { Job } from "../../../api/imageGeneration";
import { failsAgain } from "./failure";
import { isFinal } from "./state";

/** What a job's card (in the result pane) or row (in the history) offers. */
export interface OfferedActions {
  save: boolean;
  refine: boolean;
  compare: boolean;
  rerun: boolean;
  editSettings: boolean;
  cancel: boolean;
}

/**
 * The actions a job offers where it shows. A result's card offers what follows it: Save,
 * Refine, Compare, and Re-run (another take with the same settings and photos, as its
 * history row offers it: a card had no way to it but down the history); a failed or canceled
 * card, how to try again: Re-run (when the same job could end otherwise) and Edit settings.
 * A history row offers both kinds on any finished job, its way back to each; and Edit
 * settings once per click, on its first row, whatever its state (a click's settings are
 * known from the start; the rows under it, `sameClick`, have the same). A queued job can be canceled in both. Compare shows only where the page
 * finds something to set the result beside (`comparesOnCard`, `comparesInHistory`): its
 * click's other variants, what it came from, or the current image when it is not that.
 * A failed or canceled job re-run since (`rerunSince`: its re-run is in the history) offers
 * no Re-run of its own: the re-run's row offers another try, and in the pane the re-run
 * stands in its place (`foldTries`); pressed again, it paid for a second re-run of one try
 * that showed as a second card of its variant.
 */
export function offeredActions(
  job: Job,
  place: "card" | "row",
  { savedNow, sameClick = false, rerunSince = false }: { savedNow: boolean; sameClick?: boolean; rerunSince?: boolean },
): OfferedActions {
  const succeeded = job.status === "succeeded";
  const ended = job.status === "failed" || job.status === "canceled";
  return {
    save: succeeded && !savedNow,
    refine: succeeded,
    compare: succeeded,
    rerun: isFinal(job) && !failsAgain(job) && !(ended && rerunSince),
    editSettings: place === "row" ? !sameClick : ended,
    cancel: job.status === "queued",
  };
}
