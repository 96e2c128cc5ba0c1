import styles from "./ViewSwitch.module.css";

/** Two or more ways to show one thing, side by side as pressed buttons: the history's "All
 * generations" or "Results only", Compare's "Side by side" or "Overlaid". */
export function ViewSwitch<View extends string>({
  name,
  views,
  shown,
  onShow,
}: {
  /** What the group is called to a screen reader. */
  name: string;
  views: readonly { view: View; label: string }[];
  shown: View;
  onShow: (view: View) => void;
}) {
  return (
    <div role="group" aria-label={name} className={styles.views}>
      {views.map(({ view, label }) => (
        <button
          key={view}
          type="button"
          className={styles.view}
          aria-pressed={view === shown}
          data-label={label}
          onClick={() => onShow(view)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
