import { useId, useRef } from "react";

import type { AspectRatio, ImageSize, Job } from "../../../api/imageGeneration";
import { countOf, formatUsd } from "../config";
import { useFocusGoesTo } from "../hooks/use-focus-goes-to";
import { useNow } from "../hooks/use-now";
import { elapsedSeconds, formatDuration, retryingAt, retryingBecause } from "../job/progress";
import { alreadyOnItsWay } from "../sameClick";
import ui from "../ui.module.css";
import styles from "./GenerateBar.module.css";

const MAC = /Mac|iPhone|iPad/.test(globalThis.navigator?.userAgent ?? "");
/** The modifier a Mac user presses is ⌘ (the page takes Cmd+Enter as Ctrl+Enter). */
const SHORTCUT = MAC ? "⌘ ↵" : "Ctrl ↵";
/** The shortcut in words, for a sentence. */
export const SHORTCUT_NAME = MAC ? "⌘+Enter" : "Ctrl+Enter";
/** The shortcut as `aria-keyshortcuts` names it. */
const KEY_SHORTCUTS = MAC ? "Meta+Enter" : "Control+Enter";

/** As much of a prompt as the bar's one line could ever show (the rest is cut by its width). */
const PROMPT_SHOWN = 160;

interface Props {
  /** Generate pressed, on or off: the form decides whether a generation starts or the page
   * says why not (Ctrl+Enter in the form is the same press). */
  onPress: () => void;
  /** Why Generate is off, in words; null when it is on. */
  whyNot: string | null;
  pending: boolean;
  /** What a click costs; null when the model's price is not known (then no estimate is shown). */
  costUsd: number | null;
  variants: number;
  imageSize: ImageSize;
  /** Named with the count and the size: what a click makes, said where it is pressed (the
   * options may be under the bar as the form scrolls). */
  aspectRatio: AspectRatio;
  usualSeconds: number | null;
  /** The jobs of the click in the result pane: while one of them waits out Gemini or runs
   * past the usual time, "usually 2 s" would not be true now, and is not said. */
  clickJobs?: readonly Job[];
  /** Brings the options that the count, the shape and the size come from into view, the
   * first of them focused: on a laptop's first screen they are under the bar. */
  onShowOptions?: () => void;
  /** The prompt, while it is hidden under the bar (see `useHiddenUnder`): named on the bar, a
   * press on it (`onShow`) brings it out, focused. */
  hiddenPrompt?: { text: string; onShow: () => void } | null;
  /** A press held back: the click it would start again is on its way (since `startedAt`), and
   * `onPress` starts it anyway. */
  again?: { startedAt: string; onPress: () => void } | null;
}

/** The Generate button, its shortcut on it, and under or beside it, quieter, what a click
 * costs and how long it usually takes. When it cannot be used it says why, and stays
 * reachable by Tab (`aria-disabled`) with the reason as part of its description; what a
 * press then does (nothing, or say why) is the form's to decide (`onPress`). */
export function GenerateBar({
  onPress,
  whyNot,
  pending,
  costUsd,
  variants,
  imageSize,
  aspectRatio,
  usualSeconds,
  clickJobs = [],
  onShowOptions,
  hiddenPrompt = null,
  again = null,
}: Props) {
  const costId = useId();
  const slow = useSlowNow(clickJobs, usualSeconds);
  const whyId = useId();
  const off = whyNot !== null || pending;
  const why = whyNot !== null && !pending ? whyNot : null;
  const button = useRef<HTMLButtonElement>(null);
  const againFocus = useFocusGoesTo(button);
  const now = useNow(again !== null);
  // The reason, or the click on its way, then the estimate.
  const noted = why !== null || again !== null;
  const made = `${countOf(variants, "image")}, ${aspectRatio} at ${imageSize}`;
  return (
    <div className={styles.bar}>
      <div className={styles.row}>
        <button
          type="button"
          className={`${ui.primary} ${ui.large}`}
          ref={button}
          onClick={onPress}
          aria-disabled={off}
          aria-describedby={noted ? `${whyId} ${costId}` : costId}
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
          {/* A line that wraps breaks before a "·", never after it: each dot starts its piece.
              On a phone, under the button, the usual time has a line of its own (see the CSS). */}
          {costUsd !== null && (
            <>
              <span className={`${styles.costValue} ${styles.piece}`}>≈ {formatUsd(costUsd)}</span>{" "}
            </>
          )}
          <span className={styles.piece}>
            {costUsd !== null && "· "}
            {onShowOptions ? (
              <button
                type="button"
                className={`${ui.linkButton} ${styles.options}`}
                title="Change the aspect ratio, size or variants"
                onClick={onShowOptions}
              >
                {made}
              </button>
            ) : (
              made
            )}
          </span>
          {usualSeconds !== null && !slow && (
            <>
              {" "}
              <span className={`${styles.piece} ${styles.usual}`}>
                <span className={styles.dot}>·</span> usually {formatDuration(usualSeconds)}
              </span>
            </>
          )}
        </p>
      </div>
      {hiddenPrompt !== null && (
        <p className={styles.prompt}>
          <span className={styles.promptLabel}>Prompt</span>{" "}
          <button type="button" className={`${ui.linkButton} ${styles.promptWords}`} title="Show the prompt" onClick={hiddenPrompt.onShow}>
            {hiddenPrompt.text.slice(0, PROMPT_SHOWN)}
          </button>
        </p>
      )}
      {why !== null && (
        <p id={whyId} className={styles.why}>
          {why}
        </p>
      )}
      {/* Said as it was pressed (the form's status); here, the way on, one press away. */}
      {why === null && again !== null && (
        <p className={`${styles.why} ${styles.again}`}>
          <span id={whyId}>{alreadyOnItsWay(again.startedAt, now)}</span>{" "}
          <button
            type="button"
            {...againFocus}
            className={ui.linkButton}
            onClick={() => {
              button.current?.focus();
              again.onPress();
            }}
          >
            Generate again
          </button>
        </p>
      )}
    </div>
  );
}

/** Whether a job of the click on screen, still on its way, waits to retry (or runs again after
 * a failed try) or has taken longer than `usualSeconds`: the usual time is not today's. Its
 * own clock, ticking only while a job is on its way. */
function useSlowNow(jobs: readonly Job[], usualSeconds: number | null): boolean {
  const onItsWay = jobs.filter((job) => job.status === "queued" || job.status === "running");
  const now = useNow(onItsWay.length > 0 && usualSeconds !== null);
  if (usualSeconds === null) return false;
  return onItsWay.some(
    (job) => retryingAt(job) !== null || retryingBecause(job) !== null || elapsedSeconds(job, now) > usualSeconds,
  );
}
