import { useId } from "react";

import type { ImageSize } from "../../../api/imageGeneration";
import { countOf, formatUsd } from "../config";
import { formatDuration } from "../jobView";
import ui from "../ui.module.css";
import styles from "./GenerateBar.module.css";

const MAC = /Mac|iPhone|iPad/.test(globalThis.navigator?.userAgent ?? "");
/** The modifier a Mac user presses is ⌘ (the page takes Cmd+Enter as Ctrl+Enter). */
const SHORTCUT = MAC ? "⌘ ↵" : "Ctrl ↵";
/** The shortcut in words, for a sentence. */
export const SHORTCUT_NAME = MAC ? "⌘+Enter" : "Ctrl+Enter";
/** The shortcut as `aria-keyshortcuts` names it. */
const KEY_SHORTCUTS = MAC ? "Meta+Enter" : "Control+Enter";

interface Props {
  onGenerate: () => void;
  /** Why Generate is off, in words; null when it is on. */
  whyNot: string | null;
  pending: boolean;
  /** What a click costs; null when the model's price is not known (then no estimate is shown). */
  costUsd: number | null;
  variants: number;
  imageSize: ImageSize;
  usualSeconds: number | null;
}

/** The Generate button, its shortcut on it, and under or beside it, quieter, what a click
 * costs and how long it usually takes. When it cannot be used it says why, and stays
 * reachable by Tab (`aria-disabled`) with the reason as part of its description; a click then
 * does nothing (nor does Ctrl+Enter: the page checks it too). */
export function GenerateBar({ onGenerate, whyNot, pending, costUsd, variants, imageSize, usualSeconds }: Props) {
  const costId = useId();
  const whyId = useId();
  const off = whyNot !== null || pending;
  const why = whyNot !== null && !pending ? whyNot : null;
  return (
    <>
      <div className={styles.row}>
        <button
          type="button"
          className={`${ui.primary} ${ui.large}`}
          onClick={() => {
            if (!off) onGenerate();
          }}
          aria-disabled={off}
          aria-describedby={why === null ? costId : `${whyId} ${costId}`}
          aria-keyshortcuts={KEY_SHORTCUTS}
        >
          {pending && <span className={ui.spinner} aria-hidden="true" />}
          Generate
          {/* On the button it starts: seen there, said by aria-keyshortcuts, not in its name. */}
          <kbd className={styles.shortcut} aria-hidden="true">
            {SHORTCUT}
          </kbd>
        </button>
        {/* The estimate, to a tenth of a cent as every cost on the page is, in the weight of
            the words beside it: Generate is what the eye goes to. */}
        <p id={costId} className={styles.cost}>
          {costUsd !== null && (
            <>
              <span className={styles.costValue}>≈ {formatUsd(costUsd)}</span>
              {" · "}
            </>
          )}
          {`${countOf(variants, "image")} at ${imageSize}`}
          {usualSeconds !== null ? ` · usually ${formatDuration(usualSeconds)}` : ""}
        </p>
      </div>
      {why !== null && (
        <p id={whyId} className={styles.why}>
          {why}
        </p>
      )}
    </>
  );
}
