import type { Job } from "../../../api/imageGeneration";
import { askedPhrases, originsIn } from "./names";
import { savedThenReplacedIn } from "./saved";

/**
 * How the history read names its jobs, wherever the page names one: its rows and tiles, the
 * result pane's cards (a card's origin), and Undo's tooltip. Worked out once a read, for the
 * whole page, so that a job has one name everywhere (and a list of a hundred is not named
 * three times over at every render).
 */
export interface HistoryNames {
  /** When each job was asked, as its row says it (see `askedPhrases`). */
  askedAt: (job: Job) => string;
  /** How each job came about, when not a plain generation (see `originsIn`). */
  originOf: (job: Job) => string | null;
  /** What each save says once it was replaced (see `savedThenReplacedIn`). */
  replacedWords: (job: Job) => string;
}

/** The names of `jobs`, the history read (newest first). */
export function historyNames(jobs: readonly Job[]): HistoryNames {
  const askedAt = askedPhrases(jobs);
  return { askedAt, originOf: originsIn(jobs, askedAt), replacedWords: savedThenReplacedIn(jobs) };
}
