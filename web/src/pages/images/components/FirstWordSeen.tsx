/** Words of which a narrow place shows only the first ("Save", "Saved"): the whole words stay
 * on the page, out of sight, for a screen reader and a search of the page. Which of the two
 * shows is the caller's CSS to say, by the width of its container (`whole` hidden and `first`
 * shown under it): a card four abreast, a narrow column of the Compare dialog. */
export function FirstWordSeen({ words, classes }: { words: string; classes: { whole?: string; first?: string } }) {
  return (
    <>
      <span className={classes.whole}>{words}</span>
      <span className={classes.first} aria-hidden="true">
        {words.split(" ")[0]}
      </span>
    </>
  );
}
