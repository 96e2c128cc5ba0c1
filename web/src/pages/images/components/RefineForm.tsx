import { useEffect, useId, useRef } from "react";

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
}: {
  /** Kept by the opener: closing the form (Escape) does not throw the words away. */
  instruction: string;
  onChange: (instruction: string) => void;
  busy: boolean;
  onSubmit: (instruction: string) => void;
  onClose: () => void;
}) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = () => {
    if (!busy && instruction.trim()) onSubmit(instruction.trim());
  };
  return (
    <form
      className={styles.refine}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label htmlFor={inputId} className={ui.visuallyHidden}>
        Refine instruction
      </label>
      <input
        ref={input}
        id={inputId}
        className={ui.input}
        value={instruction}
        placeholder="e.g. a darker background"
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            onClose();
          } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            event.stopPropagation();
            submit();
          }
        }}
      />
      {/* Reachable by Tab while there is nothing to send; a press then does nothing. */}
      <button type="submit" className={ui.button} aria-disabled={!instruction.trim() || busy}>
        Refine
      </button>
    </form>
  );
}
