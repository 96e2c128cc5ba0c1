/**
 * Which figures of the Compare dialog take a phone's whole row (see CompareDialog.module.css).
 *
 * A phone compares two a row, half its width each: enough for an upright picture, not for a
 * landscape one (some 170 px wide beside a portrait 300 px tall). So a landscape figure takes
 * the row, and so does an upright one that would be alone on its line (an odd one out between
 * landscape ones, or the last of an odd number), rather than leave half the row empty.
 */
/** A figure's place on a phone: the row for a landscape one (`wide`), the row for an upright one
 * that would be alone on its line (`alone`), or half the row beside another upright (null).
 * Each is a class of CompareDialog.module.css. */
export type PhoneSpan = "wide" | "alone" | null;

export function spansOnPhone(landscape: readonly boolean[]): PhoneSpan[] {
  const spans = landscape.map((wide): PhoneSpan => (wide ? "wide" : null));
  // The uprights since the last landscape figure: they pair up, two a line.
  let run: number[] = [];
  const endRun = () => {
    const last = run.at(-1);
    if (run.length % 2 === 1 && last !== undefined) spans[last] = "alone";
    run = [];
  };
  landscape.forEach((wide, index) => {
    if (wide) endRun();
    else run.push(index);
  });
  endRun();
  return spans;
}
