import { useId, useState } from "react";

import type { HostIdentity } from "../../../api/imageGeneration";
import { shownError } from "../errors";
import { identityImageUrl, identityPictureSources, type PictureSources } from "../job/picture";
import { useIdentities } from "../hooks/use-users";
import ui from "../ui.module.css";
import styles from "./IdentitySelector.module.css";

interface Props {
  userId: string | null;
  value: string | null;
  /** Why the identities could not be read, while they never were (see `useSubject`). */
  unreadable: Error | null;
  onChange: (identityId: string) => void;
  /** What a user with no identities is told, and the way out: to the User select. */
  noIdentities: NoIdentitiesNote;
  onChooseUser: () => void;
  /** To the history's row or tile of the identity's image (see `CurrentImage`); null when the
   * history read does not hold its generation. */
  onShowCurrent: (() => void) | null;
}

export interface NoIdentitiesNote {
  /** "You have no identities.", "Bob Test has no identities." */
  text: string;
  /** The button's words ("Choose a test user"); null when there is no other user to choose. */
  action: string | null;
}

/** That user's identities; the chosen one's current image beside the select (its cells are
 * the picker card's: see `.row`). A user with none (often "Me", the page's first) is no dead
 * end: under the selects, that they have none, and a button to the User select. */
export function IdentitySelector({ userId, value, unreadable, onChange, noIdentities, onChooseUser, onShowCurrent }: Props) {
  const id = useId();
  const identities = useIdentities(userId);
  const list = identities.data ?? [];
  const chosen = list.find((identity) => identity.id === value) ?? null;
  // Why they could not be read, until they are (they are read again every few seconds), said
  // once, not again at each try. Not an ended session, which its own notice says.
  const why = unreadable ? shownError(unreadable) : null;
  return (
    <div className={styles.row}>
      <div className={ui.field}>
        <label htmlFor={id} className={ui.label}>
          Identity
        </label>
        <select
          id={id}
          className={ui.select}
          value={value ?? ""}
          disabled={!identities.data || list.length === 0}
          onChange={(event) => onChange(event.target.value)}
        >
          {userId === null && <option value="">Choose a user first</option>}
          {userId !== null && identities.isPending && !unreadable && <option value="">Loading identities…</option>}
          {unreadable && <option value="">Could not load identities</option>}
          {identities.data && list.length === 0 && <option value="">This user has no identities</option>}
          {identities.data && list.length > 0 && value === null && <option value="">Choose an identity</option>}
          {list.map((identity) => (
            <option key={identity.id} value={identity.id}>
              {identity.name}
            </option>
          ))}
        </select>
        {why !== null && (
          <span role="alert" className={ui.alert}>
            {why}
          </span>
        )}
      </div>
      {/* A user with no identities has no image to show: no empty frame that says "Nothing chosen". */}
      {identities.data && list.length === 0 ? (
        <p className={styles.none}>
          {noIdentities.text}{" "}
          {noIdentities.action !== null && (
            <button type="button" className={ui.button} onClick={onChooseUser}>
              {noIdentities.action}
            </button>
          )}
        </p>
      ) : (
        <div className={styles.thumb}>
          <CurrentImage identity={chosen} onShow={onShowCurrent} />
        </div>
      )}
    </div>
  );
}

export function CurrentImage({
  identity,
  size = 64,
  decorative = false,
  onShow = null,
}: {
  identity: HostIdentity | null;
  size?: number;
  /** Its generation's row or tile in the history, when the history read holds it: "Current"
   * is a link there (which result it was, and when it was saved, are said there); the image
   * alone said neither. */
  onShow?: (() => void) | null;
  /** Beside the identity's name already: hidden from screen readers, picture and caption (a
   * "No image" read out above the results would say what is not so of them). */
  decorative?: boolean;
}) {
  // Its renditions when it has them (the image itself can be a 4K file of several MB): the
  // browser takes the smallest that covers the box at the screen's density, the 384 px one on
  // any screen up to 3x; the image itself when there are none, or when they fail to load.
  const full = identity ? identityImageUrl(identity) : null;
  const preview = identity?.image_preview_url ?? null;
  const [missing, setMissing] = useState<string | null>(null);
  const sources: PictureSources | null =
    identity && preview && preview !== missing ? identityPictureSources(identity) : full ? { src: full } : null;
  const url = sources?.src ?? null;
  const initials = identity ? initialsOf(identity.name) : "";
  return (
    <figure className={styles.current} style={{ width: size }} aria-hidden={decorative || undefined}>
      {url ? (
        <img
          className={styles.image}
          {...sources}
          // Loaded at once (it is at the page's top), so the box's width is said, not measured.
          sizes={sources?.srcSet ? `${size}px` : undefined}
          onError={() => url === preview && setMissing(preview)}
          alt={decorative ? "" : `${identity?.name}, as it looks now`}
          style={{ height: size }}
        />
      ) : (
        <div
          className={styles.empty}
          style={{ height: size }}
          role={decorative ? undefined : "img"}
          aria-label={decorative ? undefined : identity ? `${identity.name} has no image yet` : "Nothing chosen yet"}
        >
          {initials}
        </div>
      )}
      <figcaption className={styles.caption}>
        {!identity ? (
          "Nothing chosen"
        ) : !identity.image_path ? (
          "No image"
        ) : onShow && !decorative ? (
          <button
            type="button"
            className={`${ui.linkButton} ${styles.toCurrent}`}
            onClick={onShow}
            aria-label="Current image: show its generation in the history"
            title="Show its generation in the history"
          >
            Current
          </button>
        ) : (
          "Current"
        )}
      </figcaption>
    </figure>
  );
}

/** "Alice the chef" → "AC": the first and the last word, as people write initials; each a
 * whole character as seen ("🧑‍🚀", not half of its first code point, drawn as "�"). */
export function initialsOf(name: string): string {
  const words = name.split(/\s+/).filter(Boolean);
  const first = words[0];
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  return [first, last].map((word) => (word ? firstCharacter(word).toUpperCase() : "")).join("");
}

const GRAPHEMES = typeof Intl.Segmenter === "function" ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

/** The first character of `word` as a reader sees it: an emoji with its joiners and skin tone,
 * a letter with its accent; else its first code point. */
function firstCharacter(word: string): string {
  const first = GRAPHEMES?.segment(word)[Symbol.iterator]().next().value;
  return first?.segment ?? Array.from(word)[0] ?? "";
}
