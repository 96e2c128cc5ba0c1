import { useState, type CSSProperties, type ReactNode } from "react";

import { usePictureRatio } from "../hooks/use-picture-ratio";
import { previewUrl } from "../job/picture";
import { jobRatio } from "../shape";
import type { Candidate } from "./CompareDialog";
import styles from "./CompareOverlay.module.css";

/** A picture laid over another: what it is called (on its side of the divider, and in the
 * divider's name), what it shows to a screen reader, where it is, and its shape (width over
 * height), null while not known. */
interface OverlaidPicture {
  label: string;
  alt: string;
  src: string;
  ratio: number | null;
}

type Pair = readonly [OverlaidPicture, OverlaidPicture];

/**
 * What Compare can lay one over the other: its two results when they are of one shape (a
 * refinement and what it refined, a re-run and its run, a click's two variants), else its one
 * result and the current image (`current`, when Compare shows it) when they are, the current
 * image's shape read once the browser has it; else null. Pictures of two shapes would not line
 * up. `withCurrent`: the current image is one of the two, on the left, as side by side.
 */
export function useOverlayPair(
  candidates: readonly Candidate[],
  current: { src: string; alt: string } | null,
): { pair: Pair | null; withCurrent: boolean } {
  const currentRatio = usePictureRatio(current?.src ?? null);
  const results = candidates.map(({ job, label }): OverlaidPicture => {
    const preview = previewUrl(job);
    return { label, alt: label, src: preview ?? "", ratio: preview ? jobRatio(job) : null };
  });
  const ofResults = ofOneShape(results);
  if (ofResults || current === null || candidates.length !== 1) return { pair: ofResults, withCurrent: false };
  return { pair: ofOneShape([{ label: "Current", ...current, ratio: currentRatio }, ...results]), withCurrent: true };
}

/** Exactly two pictures, of one known shape; else null. */
function ofOneShape(pictures: readonly OverlaidPicture[]): Pair | null {
  const [left, right] = pictures;
  if (pictures.length !== 2 || !left?.ratio || !right?.ratio) return null;
  return Math.abs(left.ratio / right.ratio - 1) < 0.01 ? [left, right] : null;
}

/**
 * Two pictures of one shape, one over the other, split where the admin puts the divider: what
 * a refinement changed, or a result from the current image, shows in the same place, not a
 * picture's width away. The divider is a slider across the whole picture: dragged, or clicked
 * where it should go, or moved with the arrow keys (Home and End show one picture whole).
 * Under it, each side's own words (`sides`: the left one's first), as wide as the picture.
 */
export function CompareOverlay({
  pair: [left, right],
  sides,
}: {
  pair: Pair;
  sides: ReactNode;
}) {
  const [split, setSplit] = useState(50);
  const style = { "--split": `${split}%`, "--ratio": left.ratio } as CSSProperties;
  return (
    <div className={styles.frame} style={style}>
      <div className={styles.overlay}>
        <img src={left.src} alt={left.alt} className={styles.picture} />
        <img src={right.src} alt={right.alt} className={`${styles.picture} ${styles.over}`} />
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
