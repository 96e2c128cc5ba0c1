import { useState, type CSSProperties, type ReactNode } from "react";

import { previewUrl } from "../job/picture";
import { jobRatio } from "../shape";
import type { Candidate } from "./CompareDialog";
import styles from "./CompareOverlay.module.css";

/** The two results Compare can lay one over the other: exactly two, each with a picture, of
 * one shape (a refinement and what it refined, a re-run and its run, a click's two variants);
 * else null. Pictures of two shapes would not line up. */
export function overlayPair(candidates: readonly Candidate[]): readonly [Candidate, Candidate] | null {
  const [left, right] = candidates;
  if (candidates.length !== 2 || !left || !right) return null;
  if (!previewUrl(left.job) || !previewUrl(right.job)) return null;
  return Math.abs(jobRatio(left.job) / jobRatio(right.job) - 1) < 0.01 ? [left, right] : null;
}

/**
 * Two results of one shape, one over the other, split where the admin puts the divider: what a
 * refinement changed (or one variant from the other) shows in the same place, not a picture's
 * width away. The divider is a slider across the whole picture: dragged, or clicked where it
 * should go, or moved with the arrow keys (Home and End show one picture whole). Under it, each
 * side's own words (`sides`: the left one's first), as wide as the picture.
 */
export function CompareOverlay({ pair: [left, right], sides }: { pair: readonly [Candidate, Candidate]; sides: ReactNode }) {
  const [split, setSplit] = useState(50);
  const style = { "--split": `${split}%`, "--ratio": jobRatio(left.job) } as CSSProperties;
  return (
    <div className={styles.frame} style={style}>
      <div className={styles.overlay}>
        <img src={previewUrl(left.job) ?? undefined} alt={left.label} className={styles.picture} />
        <img src={previewUrl(right.job) ?? undefined} alt={right.label} className={`${styles.picture} ${styles.over}`} />
        <span className={styles.divider} aria-hidden="true" />
        <span className={`${styles.tag} ${styles.start}`} aria-hidden="true">
          {left.label}
        </span>
        <span className={`${styles.tag} ${styles.end}`} aria-hidden="true">
          {right.label}
        </span>
        <input
          type="range"
          className={styles.slider}
          min={0}
          max={100}
          value={split}
          aria-label={`Divider between ${left.label} and ${right.label}`}
          aria-valuetext={`${left.label} ${split}%, ${right.label} ${100 - split}%`}
          onChange={(event) => setSplit(Number(event.target.value))}
        />
      </div>
      <div className={styles.sides}>{sides}</div>
    </div>
  );
}
