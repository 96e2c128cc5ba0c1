import { useId } from "react";

import ui from "../ui.module.css";
import styles from "./PromptField.module.css";

interface Props {
  value: string;
  maxChars: number;
  onChange: (prompt: string) => void;
}

/** The optional direction for Gemini, with a counter that turns red past the limit. */
export function PromptField({ value, maxChars, onChange }: Props) {
  const id = useId();
  const tooLong = value.length > maxChars;
  return (
    <div className={ui.field}>
      <div className={styles.labelRow}>
        <label htmlFor={id} className={ui.label}>
          Prompt
        </label>
        <span className={`${styles.counter} ${tooLong ? styles.over : ""}`} aria-live={tooLong ? "polite" : "off"}>
          {value.length} / {maxChars}
        </span>
      </div>
      <textarea
        id={id}
        className={ui.textarea}
        value={value}
        rows={3}
        placeholder="Optional: smiling, outdoors, soft light…"
        aria-invalid={tooLong}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
