import { useEffect, useId, useRef, useState, type RefObject } from "react";

import { formatUsd } from "../config";
import type { ActionFailure } from "../hooks/use-job-actions";
import { reveal } from "../motion";
import { differently } from "../said";
import ui from "../ui.module.css";
import styles from "./RefineForm.module.css";

/**
 * The instruction for a refinement, focused when it opens: Enter or Ctrl+Enter sends it
 * (Ctrl+Enter here is this refinement, not the page's new generation), Escape closes it.
 */
export function RefineForm({
  instruction,
  onChange,
  busy,
  onSubmit,
  onClose,
  costUsd = null,
  label = "What should change?",
  picture = null,
  problem = null,
}: {
  /** Kept by the opener: closing the form (Escape) does not throw the words away. */
  instruction: string;
  onChange: (instruction: string) => void;
  busy: boolean;
  onSubmit: (instruction: string) => void;
  onClose: () => void;
  /** What the image being refined cost: a refinement costs about as much (one image more in). */
  costUsd?: number | null;
  /** The question, naming the result when the box is not on it ("… in variant 2?"). */
  label?: string;
  /** The result's small picture, beside the question, when the box is not under it (below
   * a grid of variants: on a phone or two a line, its card may be out of view). */
  picture?: string | null;
  /** Why the API refused these words (a character in them that could hide what they say). */
  problem?: string | null;
}) {
  const inputId = useId();
  const hintId = useId();
  const problemId = useId();
  const offId = useId();
  const input = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  // Why Send is off: Send's description, and said on each press (as Generate's is), shown
  // until the words change (or the reason goes).
  const empty = !instruction.trim();
  const whyOff = empty ? "Write what to change first." : busy ? "A generation is starting: send once it has." : null;
  const [pressed, setPressed] = useState({ said: "", whyOff });
  if (pressed.whyOff !== whyOff) setPressed({ said: "", whyOff });
  const said = pressed.whyOff === whyOff ? pressed.said : "";
  const hinted = said !== "";
  // Opened low on the screen, the box is brought into view whole (its cost line
  // too), and again when the hint grows it: only as far as needed, the card staying in sight.
  const showWhole = () => reveal(form.current);
  useEffect(() => {
    input.current?.focus({ preventScroll: true });
    showWhole();
  }, []);
  useEffect(() => {
    if (hinted) showWhole();
  }, [hinted]);
  const submit = () => {
    if (whyOff === null) onSubmit(instruction.trim());
    else setPressed((last) => ({ said: differently(whyOff, last.said), whyOff }));
  };
  return (
    <form
      ref={form}
      className={styles.refine}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label htmlFor={inputId} className={styles.label}>
        {picture && <img src={picture} alt="" className={styles.picture} />}
        {label}
      </label>
      <input
        ref={input}
        id={inputId}
        className={ui.input}
        value={instruction}
        placeholder="e.g. a darker background"
        aria-invalid={problem !== null}
        aria-describedby={[hinted && hintId, problem !== null && problemId].filter(Boolean).join(" ") || undefined}
        onChange={(event) => {
          setPressed({ said: "", whyOff });
          onChange(event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            // The box's Escape, not the host's too (its own "Escape closes the drawer").
            event.preventDefault();
            event.stopPropagation();
            onClose();
          } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            event.stopPropagation();
            submit();
          }
        }}
      />
      {/* Reachable by Tab while there is nothing to send (a press then says why); "Send", not
          a second "Refine" beside the button that opened the box. */}
      <button
        type="submit"
        className={ui.button}
        aria-disabled={whyOff !== null}
        aria-describedby={whyOff === null ? undefined : offId}
      >
        Send
      </button>
      <span id={offId} hidden>
        {whyOff}
      </span>
      {/* "Close", not "Cancel": on a job's card that word cancels the job. Named for what it
          closes, among the page's other Closes (a notice's, Compare's). */}
      <button type="button" className={ui.linkButton} onClick={onClose} aria-label="Close Refine">
        Close
      </button>
      {costUsd !== null && <p className={styles.cost}>A new image, about {formatUsd(costUsd)}.</p>}
      <p id={hintId} className={styles.hint} role="status">
        {said}
      </p>
      {/* Always there, empty until the API refuses the words: a live region must exist before
          its text changes to be read. */}
      <p id={problemId} className={styles.problem} aria-live="polite">
        {problem ?? ""}
      </p>
    </form>
  );
}

/** Where a job's failure is said, with its Refine box (`open`, holding `words`) beside it: the
 * API's refusal of a refinement's words in the box while it holds them (`box`), anything else
 * on the job's card or row (`card`), the refusal too once the box is closed. */
export function refusedWords(
  failure: ActionFailure | null,
  refine: { open: boolean; words: string },
): { card: ActionFailure | null; box: string | null } {
  if (!failure || failure.instruction === undefined || !refine.open) return { card: failure, box: null };
  return { card: null, box: failure.instruction === refine.words ? failure.message : null };
}

/** A Refine button's part of its box: spread on the button. */
export interface RefineToggle {
  ref: RefObject<HTMLButtonElement | null>;
  "aria-expanded": boolean;
  onClick: () => void;
}

/**
 * A Refine button and the box it opens: spread `toggle` on the button and `box` on the
 * `RefineForm`. The words outlive a close (Escape); a close gives the focus back to the
 * button; `sent()` empties and closes it once its refinement is asked for.
 */
export function useRefineBox() {
  return useRefineBoxes()(ONLY_BOX);
}

/** The key of `useRefineBox`'s one box. */
const ONLY_BOX = "only";

/**
 * Refine boxes by a key (a click's cards, by job), each as `useRefineBox` keeps one: it opens
 * and closes on its own, keeps its words through a close, gives the focus back to its button,
 * and is emptied and closed by `sent()`.
 */
export function useRefineBoxes() {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [words, setWords] = useState<Readonly<Record<string, string>>>({});
  const buttons = useRef(new Map<string, RefineToggle["ref"]>());
  const buttonOf = (id: string): RefineToggle["ref"] => {
    const known = buttons.current.get(id);
    if (known) return known;
    const button: RefineToggle["ref"] = { current: null };
    buttons.current.set(id, button);
    return button;
  };
  const setOpenOf = (id: string, to: (was: boolean) => boolean) =>
    setOpen((was) => {
      const next = new Set(was);
      if (to(was.has(id))) next.add(id);
      else next.delete(id);
      return next;
    });
  return (id: string) => {
    const close = () => {
      setOpenOf(id, () => false);
      buttonOf(id).current?.focus();
    };
    const toggle: RefineToggle = { ref: buttonOf(id), "aria-expanded": open.has(id), onClick: () => setOpenOf(id, (was) => !was) };
    return {
      open: open.has(id),
      toggle,
      box: { instruction: words[id] ?? "", onChange: (text: string) => setWords((was) => ({ ...was, [id]: text })), onClose: close },
      sent: () => {
        setWords((was) => ({ ...was, [id]: "" }));
        close();
      },
    };
  };
}
