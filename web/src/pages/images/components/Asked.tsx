import { useRef, useState } from "react";

import type { Job } from "../../../api/imageGeneration";
import { useCutShort } from "../hooks/use-cut-short";
import ui from "../ui.module.css";
import styles from "./GenerationHistory.module.css";

/** What the job asked, first: a refinement's change (and what it refined), then the prompt it
 * kept; any other job's prompt, then how it came about. */
export function Asked({ job, origin }: { job: Job; origin: string | null }) {
  return job.kind === "refine" && origin ? (
    <>
      <Prompt text={origin} quoted={false} />
      {job.prompt && (
        <p className={styles.origin} title={job.prompt}>
          “{job.prompt}”
        </p>
      )}
    </>
  ) : (
    <>
      {job.prompt ? <Prompt text={job.prompt} /> : <p className={`${styles.prompt} ${ui.muted}`}>No prompt</p>}
      {origin && (
        <p className={styles.origin} title={origin}>
          {origin}
        </p>
      )}
    </>
  );
}

/** A row's prompt (or a refinement's words, `quoted` in its own marks), three lines at most;
 * when it is cut there, "Show all" opens it whole (and "Show less" closes it), so a long
 * prompt can be read without copying it into the form. */
function Prompt({ text, quoted = true }: { text: string; quoted?: boolean }) {
  const ref = useRef<HTMLParagraphElement>(null);
  const [whole, setWhole] = useState(false);
  const cut = useCutShort(ref, { text, whole, direction: "down" });
  return (
    <>
      <p ref={ref} className={`${styles.prompt} ${whole ? styles.whole : ""}`} title={text}>
        {quoted ? `“${text}”` : text}
      </p>
      {(cut || whole) && (
        <button type="button" className={`${ui.linkButton} ${styles.promptToggle}`} onClick={() => setWhole(!whole)} aria-expanded={whole}>
          {whole ? "Show less" : "Show all"}
        </button>
      )}
    </>
  );
}
