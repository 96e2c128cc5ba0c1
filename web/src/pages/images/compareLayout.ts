/**
 * Which figures of the Compare dialog take a phone's whole row (see CompareDialog.module.css).
 *
 * A phone compares two a row, half its width each: enough for an upright picture, not for a
 * landscape one (some 170 px wide beside a portrait 300 px tall). So a landscape figure takes
 * the row, and so does an upright one that would be alone on its line (an odd one out between
 * landscape ones, or the last of an odd number), rather than leave half the row empty.
 */
export function spansOnPhone(landscape: readonly boolean[]): boolean[] {
  const spans = [...landscape];
  // The uprights since the last landscape figure: they pair up, two a line.
  let run: number[] = [];
  const endRun = () => {
    const last = run.at(-1);
    if (run.length % 2 === 1 && last !== undefined) spans[last] = true;
    run = [];
  };
  landscape.forEach((wide, index) => {
    if (wide) endRun();
    else run.push(index);
  });
  endRun();
  return spans;
}
