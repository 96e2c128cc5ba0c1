import { useId, type ReactNode } from "react";

import { countOf, formatBytes, typeName, type TabConfig } from "../config";
import type { usePhotoListFocus } from "../hooks/use-photo-list-focus";
import ui from "../ui.module.css";
import styles from "./ReferenceImageUpload.module.css";

/** "Add photos", a tile of its own after the photos', which opens the file picker; in the empty
 * box, the whole box, the hint under its words (once there are photos, the hint is under them).
 * The hint is not in the button: a button's name holds the words seen on it (a voice command
 * says them), and the hint is its description, not its name. */
export function AddTile({
  button,
  empty,
  disabled,
  onAdd,
  describedBy,
  hint,
}: {
  /** Its ref and focus handlers (see `usePhotoListFocus`). */
  button: ReturnType<typeof usePhotoListFocus>["addButton"];
  empty: boolean;
  disabled: boolean;
  onAdd: () => void;
  /** The ids of the hint's parts, which describe the button wherever the hint is. */
  describedBy: string;
  hint: ReactNode;
}) {
  const addId = useId();
  return (
    <li className={styles.addTile}>
      <button
        type="button"
        {...button}
        className={empty ? styles.dropButton : styles.addButton}
        onClick={() => {
          if (!disabled) onAdd();
        }}
        aria-disabled={disabled}
        aria-labelledby={addId}
        aria-describedby={describedBy}
      >
        <span aria-hidden="true" className={styles.plus}>
          +
        </span>
        <span id={addId}>Add photos</span>
      </button>
      {empty && <p className={styles.dropHint}>{hint}</p>}
    </li>
  );
}

/** How to add photos, and how many of what: in the empty box, and under the photos once there
 * are some. Without an identity, why none can be added; while photos are dragged over the box,
 * to drop them. */
export function Hint({
  id,
  config,
  disabled,
  dragging,
  empty,
}: {
  /** Its parts' ids start with it: `${id}-how`, `${id}-limits`. */
  id: string;
  config: TabConfig;
  disabled: boolean;
  dragging: boolean;
  empty: boolean;
}) {
  if (disabled) return <span id={`${id}-how`}>No identity to add photos for.</span>;
  if (dragging) return <span id={`${id}-how`}>Drop the photos to add them.</span>;
  return (
    <>
      {/* A touch screen has nothing to drag from nor paste with. Once photos are in, said to a
          screen reader only: the Add tile is the way seen, and the line under the photos keeps
          to one line of how many (at 1440 by 900, two lines put the options under Generate). */}
      <span id={`${id}-how`} className={empty ? undefined : ui.visuallyHidden}>
        <span className={`${styles.how} ${styles.pointerOnly}`}>Drag photos here, choose files, or paste.</span>
        <span className={`${styles.how} ${styles.touchOnly}`}>Choose photos.</span>
      </span>{" "}
      {/* In full in the empty box; once photos are in, under them, only the limits: the types
          were read, and a refused file says why on its tile. */}
      <span id={`${id}-limits`} className={styles.limits}>
        {empty
          ? `Up to ${countOf(config.maxFiles, "photo")}, ${formatBytes(config.maxBytes)} each: ${typesIn(config)} (a larger JPEG, PNG or WEBP is made smaller).`
          : `Up to ${countOf(config.maxFiles, "photo")}, ${formatBytes(config.maxBytes)} each.`}
      </span>
    </>
  );
}

/** "JPEG, PNG, WEBP, HEIC or HEIF": each accepted type once, by its name (not each of its
 * extensions: ".jpg" and ".jpeg" are one type). */
function typesIn(config: TabConfig): string {
  const names = Object.keys(config.accept).map(typeName);
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : (names[0] ?? "");
}
