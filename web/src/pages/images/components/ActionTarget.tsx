import ui from "../ui.module.css";

/**
 * Which job an action acts on, after its seen words and heard only (", variant 2 of 3",
 * ", generation of today, 9:14 PM"): every card and history row has its Save to identity,
 * Download, Compare…, and a screen reader's list of buttons, or a voice command, must tell
 * them apart. The name still starts with the words seen, as a voice command says them.
 */
export function ActionTarget({ of }: { of: string }) {
  return <span className={ui.visuallyHidden}>, {of.charAt(0).toLowerCase() + of.slice(1)}</span>;
}
