import type { Job } from "../../../api/imageGeneration";
import { inSentence } from "../job/names";
import { pictureSources, SHOWN_WIDTH } from "../job/picture";
import styles from "./GeneratedImageDisplay.module.css";
import { ResultPicture } from "./ResultPicture";

/** The result, which opens its full size in a new tab: a click on it, as people expect, or
 * Enter on it (one tab stop, named for what it does, "Open variant 2 full size"). Hovered or
 * focused, a hint says so on the picture. */
export function CardPicture({
  job,
  title,
  opens,
  preview,
  full,
}: {
  job: Job;
  title: string;
  /** The link's name (see `opensName`). */
  opens: string;
  preview: string;
  full: string | null;
}) {
  // Lazily loaded, for the browser to measure the box it fills (`sizes`): it loads at once on
  // screen, and takes the preview or the large rendition as the box and the screen need.
  const picture = (
    <ResultPicture
      className={styles.image}
      {...(pictureSources(job) ?? { src: preview })}
      sizes={SHOWN_WIDTH.card}
      loading="lazy"
      alt={`${title}, ${job.output?.width}×${job.output?.height}`}
    />
  );
  if (!full) return picture;
  return (
    <a className={styles.imageLink} href={full} target="_blank" rel="noreferrer" aria-label={`${opens} (new tab)`}>
      {picture}
      {/* Its words are in the link's name ("Open variant 2 full size"), as a name must hold
          what is seen of it; the arrow is drawn by the style. */}
      <span className={styles.openHint} aria-hidden="true">
        Full size
      </span>
    </a>
  );
}

/** What a click on the picture does, for its link's name: "Open variant 2 full size" among a
 * click's variants (each its own, in a screen reader's list of links), else "Open the new image
 * full size". */
export function opensName(title: string, variant: { index: number; count: number } | undefined): string {
  if (variant && variant.count > 1) return `Open variant ${variant.index} full size`;
  return `Open the ${inSentence(title)} full size`;
}

