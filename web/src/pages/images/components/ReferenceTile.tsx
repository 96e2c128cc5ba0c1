import { useId, useRef, useState } from "react";

import { formatBytes, isHeicType, typeName, type TabConfig } from "../config";
import { useOnline } from "../hooks/use-connection";
import { beingMadeSmaller } from "../photos/checks";
import { LOST_IN_RELOAD, LOST_IN_RELOAD_SHORT, type ReferenceItem, type UploadingPhoto } from "../photos/photo";
import ui from "../ui.module.css";
// A part of the reference photos' section (`ReferenceImageUpload`): its styles are the section's.
import styles from "./ReferenceImageUpload.module.css";

/** One photo of the form: its thumbnail, what it is and what became of it, and what can be
 * done with it. */
export function ReferenceTile({
  item,
  config,
  onRemove,
  onRetry,
  onUnreadable,
}: {
  item: ReferenceItem;
  config: TabConfig;
  onRemove: (id: string) => void;
  onRetry: (id: string) => void;
  onUnreadable: (id: string) => void;
}) {
  // Nothing of it is sent while the browser makes it smaller: no percentage, a bar that only moves.
  const shrinking = item.status === "uploading" && beingMadeSmaller(item, config);
  const nameId = useId();
  const stateId = useId();
  return (
    // Focusable for when "Add photos" goes as this photo fills the form (see `usePhotoListFocus`).
    <li className={`${styles.tile} ${tileClass(item)}`} tabIndex={-1} aria-labelledby={`${nameId} ${stateId}`} data-photo-id={item.id}>
      <TileThumb item={item} shrinking={shrinking} onUnreadable={onUnreadable} />
      <TileText item={item} shrinking={shrinking} nameId={nameId} stateId={stateId} />
      <TileActions item={item} onRemove={onRemove} onRetry={onRetry} />
    </li>
  );
}

/** A photo that waits for a place is greyed and dashed; one the next Generate cannot send (refused,
 * failed, lost) is edged and worded in red. */
function tileClass(item: ReferenceItem): string {
  if (item.status === "waiting") return styles.tileWaiting ?? "";
  return item.status === "refused" || item.status === "failed" || item.status === "lost" ? (styles.tileError ?? "") : "";
}

/** A tile's picture: the photo's thumbnail, or its `Placeholder` without one; its upload's bar
 * while it goes, and a tick once it is in S3. */
function TileThumb({
  item,
  shrinking,
  onUnreadable,
}: {
  item: ReferenceItem;
  /** The browser is making it smaller (see `ReferenceTile`). */
  shrinking: boolean;
  onUnreadable: (id: string) => void;
}) {
  // A file the browser cannot draw is refused; a kept photo's URL that expired only loses
  // its thumbnail (the photo is in S3 all the same), and so does a photo waiting for a place,
  // judged once it has one, when its tile draws it again from a new URL.
  const [undrawn, setUndrawn] = useState<string | null>(null);
  return (
    <div className={styles.thumb}>
      {item.thumbnailUrl && item.status !== "refused" && undrawn !== item.thumbnailUrl ? (
        // Named by the tile's text: its name again, read a second and third time.
        <img
          src={item.thumbnailUrl}
          alt=""
          className={styles.thumbImage}
          onError={() => {
            if (item.file && item.status !== "waiting") onUnreadable(item.id);
            else setUndrawn(item.thumbnailUrl);
          }}
        />
      ) : (
        <Placeholder item={item} />
      )}
      {item.status === "uploading" && (
        <div className={styles.progressTrack}>
          {shrinking ? (
            <progress className={styles.progress} aria-label={`Making ${item.name} smaller`} />
          ) : (
            <progress className={styles.progress} max={100} value={percentOf(item)} aria-label={`Uploading ${item.name}`} />
          )}
        </div>
      )}
      {/* Seen; its words are the state's (see `TileText`). A photo the browser could not check
          (a HEIC outside Safari) is sent, not known good: no green tick. */}
      {item.status === "uploaded" &&
        (item.unchecked ? (
          <span className={styles.sentUnchecked} aria-hidden="true">
            ↑
          </span>
        ) : (
          <span className={styles.done} aria-hidden="true">
            ✓
          </span>
        ))}
    </div>
  );
}

/** A tile's words: the photo's name and what became of it (its two ids name the tile); then,
 * where they apply, that the page made it smaller and that it has few pixels. */
function TileText({
  item,
  shrinking,
  nameId,
  stateId,
}: {
  item: ReferenceItem;
  shrinking: boolean;
  nameId: string;
  stateId: string;
}) {
  // Said of a photo that is sent, or on its way: not of one refused, waiting or lost.
  const shrunkFrom =
    item.status === "uploading" || item.status === "uploaded" || item.status === "failed" ? item.shrunkFrom : undefined;
  const pixels = item.status === "uploaded" ? item.pixels : undefined;
  const unchecked = item.status === "uploaded" && item.unchecked === true;
  return (
    <div className={styles.meta}>
      <span id={nameId} className={styles.name} title={item.name}>
        {item.name}
      </span>
      {item.status === "lost" ? (
        <ShortState id={stateId} short={LOST_IN_RELOAD_SHORT} whole={LOST_IN_RELOAD} />
      ) : item.status === "refused" && item.shortError !== undefined ? (
        <ShortState id={stateId} short={item.shortError} whole={item.error} />
      ) : item.status === "failed" && item.offline ? (
        // The whole sentence took five lines of a laptop's 72 px tile.
        <ShortState id={stateId} short={OFFLINE_SHORT} whole={item.error} />
      ) : (
        <span id={stateId} className={styles.state}>
          {shrinking ? "Making it smaller…" : stateOf(item)}
          {/* What the thumbnail's mark shows. */}
          {item.status === "uploaded" && (unchecked || item.size > 0) && (
            <span className={ui.visuallyHidden}>
              {unchecked ? (item.size > 0 ? ", sent, checked when you generate" : ", checked when you generate") : ", uploaded"}
            </span>
          )}
        </span>
      )}
      {/* Sent all the same: a note, not a warning (said with its state, above). */}
      {unchecked && (
        <span className={styles.unchecked} aria-hidden="true" title={UNCHECKED_WHY}>
          {UNCHECKED_WORDS}
        </span>
      )}
      {/* Generate goes without it: the tile stays to say why, until it is removed. */}
      {item.status === "refused" && <span className={styles.notSent}>Not sent</span>}
      {shrunkFrom !== undefined && (
        <span className={styles.shrunk}>Made smaller to fit, from {formatBytes(shrunkFrom)}, as a JPEG</span>
      )}
      {/* Used all the same: a warning, not a refusal. */}
      {pixels && (
        <span className={styles.lowResolution}>
          Only {pixels.width}×{pixels.height} px: Gemini sees little in it
        </span>
      )}
    </div>
  );
}

/** Why a photo is sent unchecked, on hover of its note. */
const UNCHECKED_WHY = "This browser cannot open a HEIC to check it. The generation does: if it cannot use the photo, its tile says so.";

/** What a photo sent unchecked says under its size, or under "Uploaded earlier" (an earlier
 * generation's upload): its mark (↑) says it is sent, these words when it is checked. Short, as
 * a tile's line is: "Sent · checked when you generate" took four lines of a laptop's 73 px
 * tile, and made its row 40 px taller than the others'. Said whole to a screen reader (above). */
const UNCHECKED_WORDS = "Checked at Generate";

/** What an offline photo's tile says of it (see `ShortState`): it goes by itself. */
const OFFLINE_SHORT = "Sent once back online";

/** What became of a photo, in the few words its tile has room for; the whole sentence (what to
 * do next) said to a screen reader, and in its title. */
function ShortState({ id, short, whole }: { id: string; short: string; whole: string }) {
  return (
    <span id={id} className={styles.state} title={whole}>
      <span aria-hidden="true">{short}</span>
      <span className={ui.visuallyHidden}>{whole}</span>
    </span>
  );
}

/** What can be done with a photo: Retry, once its upload failed, while the browser is online
 * (offline it could only fail again; one that failed as the browser went offline goes again
 * by itself once it is back); Remove, always. */
function TileActions({
  item,
  onRemove,
  onRetry,
}: {
  item: ReferenceItem;
  onRemove: (id: string) => void;
  onRetry: (id: string) => void;
}) {
  // Retry goes as the upload starts again: its tile's Remove takes the focus.
  const removeButton = useRef<HTMLButtonElement>(null);
  const online = useOnline();
  return (
    <div className={styles.actions}>
      {item.status === "failed" && online && (
        <button
          type="button"
          className={styles.linkButton}
          onClick={() => {
            removeButton.current?.focus();
            onRetry(item.id);
          }}
          aria-label={`Retry ${item.name}`}
        >
          Retry
        </button>
      )}
      <button
        type="button"
        ref={removeButton}
        data-remove
        className={styles.linkButton}
        onClick={() => onRemove(item.id)}
        aria-label={`Remove ${item.name}`}
      >
        Remove
      </button>
    </div>
  );
}

/** How much of the photo S3 has, in percent. */
function percentOf(item: UploadingPhoto): number {
  return Math.round(item.progress * 100);
}

/** What became of the photo, under its name (a lost one's tile says it in two lengths). */
function stateOf(item: Exclude<ReferenceItem, { status: "lost" }>): string {
  switch (item.status) {
    case "waiting":
      return "Waiting for a place";
    case "uploading":
      return `uploading, ${percentOf(item)}%`;
    case "uploaded":
      // An upload an earlier job sent, in S3, whose size it did not record (a job from before
      // `reference_bytes`): its size is not known here.
      return item.size > 0 ? formatBytes(item.size) : "Uploaded earlier";
    case "failed":
    case "refused":
      return item.error;
  }
}

/** A tile without a thumbnail: HEIC (only Safari draws it), a photo from before a reload with no
 * small copy, a kept photo whose URL expired, a refused file. */
function Placeholder({ item }: { item: ReferenceItem }) {
  const heic = isHeicType(item.contentType);
  // From before a reload: its file is not here, its type is known.
  const type = heic ? "HEIC" : item.file === null && item.contentType ? typeName(item.contentType) : "?";
  // In S3 (a lost photo's tile says what became of it).
  const kept = item.file === null && item.status !== "lost";
  const earlier = "earlier" in item && item.earlier;
  const note = earlier
    ? "from an earlier generation"
    : kept
      ? "uploaded before the reload"
      : heic
        ? "no preview in this browser"
        : "no preview";
  return (
    <div className={styles.placeholder} role="img" aria-label={`${item.name} (no preview)`}>
      <span className={styles.placeholderType}>{type}</span>
      <span className={styles.placeholderNote}>{note}</span>
    </div>
  );
}
