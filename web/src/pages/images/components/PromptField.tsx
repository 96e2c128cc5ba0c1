import { useId, type Ref } from "react";

import ui from "../ui.module.css";
import styles from "./PromptField.module.css";

interface Props {
  value: string;
  maxChars: number;
  onChange: (prompt: string) => void;
  /** The text box, e.g. to give it the focus back. */
  ref?: Ref<HTMLTextAreaElement>;
  /** More that describes it, by id (what Edit settings put in the form). */
  describedBy?: string | undefined;
  /** No identity is chosen, whose prompt it would be. */
  readOnly?: boolean;
  /** Why the API refused this prompt (a character in it that could hide what it says). */
  problem?: string | null;
  /** The whole field, its words under the box included (to bring it into view). */
  fieldRef?: Ref<HTMLDivElement>;
}

/** The optional direction for Gemini, with a counter that turns red past the limit. */
export function PromptField({ value, maxChars, onChange, ref, describedBy, readOnly = false, problem = null, fieldRef }: Props) {
  const id = useId();
  const counterId = useId();
  const messageId = useId();
  const tooLong = value.length > maxChars;
  const message = tooLong ? `Too long: the limit is ${maxChars} characters.` : (problem ?? "");
  return (
    <div ref={fieldRef} className={ui.field}>
      <div className={styles.labelRow}>
        <label htmlFor={id} className={ui.label}>
          Prompt
        </label>
        <span id={counterId} className={`${styles.counter} ${tooLong ? styles.over : ""}`}>
          {value.length} / {maxChars}
        </span>
      </div>
      <textarea
        ref={ref}
        id={id}
        className={ui.textarea}
        value={value}
        rows={2}
        readOnly={readOnly}
        placeholder={readOnly ? "For the identity chosen above" : "Optional: smiling, outdoors, soft light…"}
        aria-invalid={message !== ""}
        aria-describedby={[describedBy, counterId, messageId].filter(Boolean).join(" ")}
        onChange={(event) => onChange(event.target.value)}
      />
      {/* Always there, empty until the prompt is too long or the API refused it: a live region
          must exist before its text changes to be read. Its words stay the same while the
          prompt stays too long, so it is said once, not at every key. */}
      <p id={messageId} className={styles.message} aria-live="polite">
        {message}
      </p>
    </div>
  );
}
