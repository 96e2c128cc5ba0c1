import type { Job } from "../../../api/imageGeneration";
import ui from "../ui.module.css";

/** What the result was asked for: a refinement by what it changed (its prompt is the one of
 * the image it refined, the same on both), else its prompt. */
export function AskedFor({ job }: { job: Job }) {
  if (job.kind === "refine" && job.instruction) return <>Refined: “{job.instruction}”</>;
  if (job.prompt) return <>“{job.prompt}”</>;
  return <span className={ui.muted}>No prompt</span>;
}
