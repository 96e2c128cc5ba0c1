import { useId } from "react";

import ui from "../ui.module.css";

interface Props<T extends string | number> {
  label: string;
  value: T;
  options: readonly T[];
  onChange: (value: T) => void;
  /** What an option reads (its value by default); the value is what is sent. */
  labelOf?: (option: T) => string;
}

/** A labelled choice among a few known values: aspect ratio, size, number of variants. */
export function OptionSelect<T extends string | number>({
  label,
  value,
  options,
  onChange,
  labelOf = String,
}: Props<T>) {
  const id = useId();
  return (
    <div className={ui.field}>
      <label htmlFor={id} className={ui.label}>
        {label}
      </label>
      <select
        id={id}
        className={ui.select}
        value={value}
        onChange={(event) => {
          const chosen = options[event.target.selectedIndex];
          if (chosen !== undefined) onChange(chosen);
        }}
      >
        {options.map((option) => (
          <option key={option} value={option}>
            {labelOf(option)}
          </option>
        ))}
      </select>
    </div>
  );
}
