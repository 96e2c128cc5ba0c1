import { useState, type CSSProperties, type ReactNode } from "react";

import { pictureSources, SHOWN_WIDTH } from "../job/picture";
import { jobRatio } from "../shape";
import type { Candidate } from "./CompareDialog";
import ui from "../ui.module.css";
import styles from "./CompareOverlay.module.css";

/** A picture Compare can lay over another: which it is (a job's id, or "current"), what it is
 * called (on its side of the divider, and in the divider's name), what it shows to a screen
 * reader, where it is, and its shape (width over height), null while not known. */
export interface OverlaidPicture {
  key: string;
  label: string;
  alt: string;
  src: string;
  /** The picture's renditions with their widths (see `pictureSources`), when it has them. */
  srcSet?: string;
  ratio: number | null;
}

/** The current image's key among the pictures. */
export const CURRENT = "current";

/** What can be overlaid, and the two places in it shown first (left, right). */
export interface Overlaid {
  pictures: readonly OverlaidPicture[];
  first: readonly [number, number];
}

/**
 * What Compare can lay one over the other, in the dialog's order (the current image first):
 * every picture it shows when all are of one shape (the current image's `ratio`, once the
 * browser has read it), else its results when those are (a click's variants, a refinement and what
 * it refined); null when fewer than two are. Pictures of two shapes would not line up. Shown
 * first: its first two results (a refinement's "Before" and "Refined"), or the current image
 * and its one result.
 */
export function overlaidOf(
  candidates: readonly Candidate[],
  current: { src: string; srcSet?: string; alt: string; ratio: number | null; label?: string } | null,
): Overlaid | null {
  const results = candidates.map(({ job, label }): OverlaidPicture => {
    const sources = pictureSources(job);
    return { key: job.id, label, alt: label, src: "", ...sources, ratio: sources ? jobRatio(job) : null };
  });
  const all = current ? [{ key: CURRENT, label: "Current", ...current }, ...results] : results;
  const pictures = ofOneShape(all) ? all : ofOneShape(results) ? results : [];
  if (pictures.length < 2) return null;
  const firstResult = pictures.length - results.length;
  return { pictures, first: results.length >= 2 ? [firstResult, firstResult + 1] : [0, 1] };
}

/** Whether every picture's shape is known, and one. */
function ofOneShape(pictures: readonly OverlaidPicture[]): boolean {
  const shape = pictures[0]?.ratio;
  return pictures.every(({ ratio }) => ratio != null && shape != null && Math.abs(ratio / shape - 1) < 0.01);
}

/**
 * Two pictures of one shape, one over the other, split where the admin puts the divider: what
 * a refinement changed, or a result from the current image, shows in the same place, not a
 * picture's width away. The divider is a slider across the whole picture: dragged, or clicked
 * where it should go, or moved with the arrow keys (Home and End show one picture whole).
 * Under the pictures, each side's own words (`captionOf`: its name, its Save), as wide as the
 * pictures; with more than two to choose from, its name is a list that changes it (choosing
 * the other side's picture swaps the two). A small tag in each top corner says which is where.
 */
export function CompareOverlay({
  overlaid: { pictures, first },
  captionOf,
}: {
  overlaid: Overlaid;
  /** A side's words under its half: its name (`named`: not when the list above says it), its Save. */
  captionOf: (picture: OverlaidPicture, named: boolean) => ReactNode;
}) {
  const [split, setSplit] = useState(50);
  const [chosen, choose] = useState<readonly string[]>([]);
  // The pictures chosen, while they are still to choose from; else those shown first.
  const at = (side: 0 | 1) => pictures.find(({ key }) => key === chosen[side]) ?? pictures[first[side]];
  const [left, right] = [at(0), at(1)];
  if (!left || !right) return null;
  const pick = (side: 0 | 1, key: string) => {
    const next = [left.key, right.key];
    const other = side === 0 ? 1 : 0;
    if (next[other] === key) next[other] = next[side] ?? key; // the other side's: the two swap
    next[side] = key;
    choose(next);
  };
  const style = { "--split": `${split}%`, "--ratio": left.ratio } as CSSProperties;
  // With more than two to choose from, a list under each half that changes it: the same
  // element whichever picture it shows, so the focus stays on it as the admin chooses.
  const list = (side: 0 | 1, picture: OverlaidPicture) => (
    <select
      className={`${ui.select} ${styles.pick}`}
      aria-label={side === 0 ? "Picture on the left" : "Picture on the right"}
      value={picture.key}
      onChange={(event) => pick(side, event.target.value)}
    >
      {pictures.map(({ key, label }) => (
        <option key={key} value={key}>
          {label}
        </option>
      ))}
    </select>
  );
  // Which is on which side, small in its corner (read from the divider's name): the list
  // is under the picture, not over its top, where a face's hair and brow are.
  const tag = (side: 0 | 1, picture: OverlaidPicture) => (
    <span className={`${styles.tag} ${side === 0 ? styles.start : styles.end}`} aria-hidden="true">
      {picture.label}
    </span>
  );
  return (
    <div className={styles.frame} style={style}>
      <div className={styles.overlay}>
        <img {...shown(left)} alt={left.alt} className={styles.picture} />
        <img {...shown(right)} alt={right.alt} className={`${styles.picture} ${styles.over}`} />
        <span className={styles.divider} aria-hidden="true" />
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
        {tag(0, left)}
        {tag(1, right)}
      </div>
      <div className={styles.sides}>
        {([0, 1] as const).map((side) => {
          const picture = side === 0 ? left : right;
          return (
            <div key={side} className={styles.side}>
              {pictures.length > 2 && list(side, picture)}
              {captionOf(picture, pictures.length <= 2)}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** An overlaid picture's sources: the large rendition where the screen needs it (both take the
 * whole overlay's width). */
function shown({ src, srcSet }: OverlaidPicture): { src: string; srcSet?: string; sizes?: string } {
  return srcSet ? { src, srcSet, sizes: SHOWN_WIDTH.compare } : { src };
}
