import type { Job } from "../../../api/imageGeneration";
import { GeneratedImageDisplay } from "./GeneratedImageDisplay";
import styles from "./VariantsGrid.module.css";

export interface VariantsGridProps {
  jobs: Job[];
  now: number;
  usualSeconds: number | null;
  currentJobId: string | null;
  onSave: (job: Job) => void;
  savingId: string | null;
  onCancel: (job: Job) => void;
  canCancel: boolean;
}

/** The candidates of one click, side by side; save the one you like. */
export function VariantsGrid({ jobs, now, usualSeconds, currentJobId, onSave, savingId, onCancel, canCancel }: VariantsGridProps) {
  const count = jobs.length;
  return (
    <div className={`${styles.grid} ${count === 1 ? styles.single : ""}`}>
      {jobs.map((job, index) => (
        <GeneratedImageDisplay
          key={job.id}
          job={job}
          variant={{ index: index + 1, count }}
          now={now}
          usualSeconds={usualSeconds}
          currentJobId={currentJobId}
          onSave={onSave}
          saving={savingId === job.id}
          onCancel={canCancel ? onCancel : undefined}
        />
      ))}
    </div>
  );
}
