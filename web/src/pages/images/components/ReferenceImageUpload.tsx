import { useCallback, useEffect, useId, useRef, useState, type RefObject } from "react";

import { countOf, type TabConfig } from "../config";
import { useOnline } from "../hooks/use-connection";
import { useFileDrop, type OnFiles } from "../hooks/use-file-drop";
import { usePhotoFailuresSaid } from "../hooks/use-photo-failures-said";
import { useNoFileDropOnPage } from "../hooks/use-no-file-drop-on-page";
import { usePastedPhotos } from "../hooks/use-pasted-photos";
import { usePhotoListFocus } from "../hooks/use-photo-list-focus";
import { useSaidAWhile } from "../hooks/use-said-a-while";
import type { ReferenceUploads } from "../hooks/use-reference-uploads";
import { unreadNote } from "../photos/dropped";
import { bringOutFrom } from "../motion";
import { differently } from "../said";
import ui from "../ui.module.css";
import { photosAsideNote, photosBackNote } from "./UserSelector";
import styles from "./ReferenceImageUpload.module.css";
import { ReferenceTile } from "./ReferenceTile";
import { AddTile, Hint } from "./AddPhotosTile";

interface Props {
  config: TabConfig;
  uploads: ReferenceUploads;
  /** The user chosen has no identities: no photo can be added for them. */
  noIdentities?: boolean;
  /** The photos the identity's last generation kept, offered while the form has none (a new
   * tab, a returning admin): how many, and what takes them into the form. */
  earlier?: EarlierPhotos | null;
  /** The user whose photos these are, when the form's photos serve more than one identity. */
  sharedBy?: PhotosSharedBy | null;
  /** The user whose photos the form holds: another's form says nothing of this one's adds. */
  userId?: string | null;
  /** What stays at the window's foot over the form (Generate's bar): a note an add leaves
   * comes out from under it. */
  cover?: RefObject<HTMLElement | null> | null;
}

/** A user's photos are the form's on each of their identities: who, and for how many. */
export interface PhotosSharedBy {
  name: string;
  identities: number;
}

export interface EarlierPhotos {
  count: number;
  take: () => void;
}

/** Up to `maxFiles` reference photos: drop, pick, or paste; each uploads on its own. */
export function ReferenceImageUpload({
  config,
  uploads,
  noIdentities = false,
  earlier = null,
  sharedBy = null,
  userId = null,
  cover = null,
}: Props) {
  // With no identity to add photos for, none can be added.
  const disabled = noIdentities;
  const hintId = useId();
  const inputId = useId();
  // What was added, said: the focus stays on Add photos (or wherever they were dropped or
  // pasted; goes to the prompt after the last generation's), and the tiles that came are
  // seen, not heard.
  const [added, setAdded] = useState("");
  // The files of the last add the form held already, shown under the photos (no tile came for
  // them) until the next add, while the form still holds them; said with what was added.
  const [already, setAlready] = useState<readonly string[]>([]);
  // What the last drop could not read (a folder, a file the browser may not read), shown under
  // the photos until the next add: nothing else says it, no tile came for it. Still true when
  // the form holds none (a folder that could not be read, dropped on the empty box).
  const [unread, setUnread] = useState("");
  // Either note, once an add leaves one: out from under Generate where it stays at the window's
  // foot (a 1366 by 768 laptop), as little as it takes. Under it, a fourth tile's row pushed
  // "“front.jpg” is in the form already." out of sight, and nothing said why no tile came.
  const heldNote = useRef<HTMLParagraphElement>(null);
  const unreadNoteShown = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    const note = unread ? unreadNoteShown.current : already.length > 0 ? heldNote.current : null;
    if (note && cover?.current) bringOutFrom(cover.current, note);
  }, [already, unread, cover]);
  const { add: addToList } = uploads;
  const say = useCallback((words: string) => setAdded((last) => differently(words, last)), []);
  useSaidAWhile(added, useCallback(() => setAdded(""), []));
  const add = useCallback<OnFiles>(
    (files, notRead) => {
      // The ones refused (at once, or once their first bytes are read) are said by the failures'
      // region, not as added: said once the bytes are read.
      const { added: checked, already: held } = addToList(files);
      const heldNote = held.length === 0 ? null : alreadyNote(held);
      setAlready(held);
      const unreadWords = notRead === undefined ? null : unreadNote(notRead);
      setUnread((last) => (unreadWords === null ? "" : differently(unreadWords, last)));
      void checked.then(({ sending, waiting }) => {
        if (sending + waiting === 0) {
          if (heldNote) say(heldNote);
          return;
        }
        const waits = waiting === 0 ? "" : ` ${waiting === 1 ? "1 waits" : `${waiting} wait`} for a place.`;
        say(`Added ${countOf(sending + waiting, "photo")}.${waits}${heldNote ? ` ${heldNote}` : ""}`);
      });
    },
    [addToList, say],
  );
  const takeEarlier = (photos: EarlierPhotos) => {
    photos.take();
    setAlready([]);
    setUnread("");
    say(`Added ${lastGenerationsPhotos(photos.count)}.`);
  };
  // A photo a reload lost holds its place, and "Add photos" stays to add it again.
  const full = uploads.usable - uploads.lost >= config.maxFiles;
  const refused = uploads.items.filter((item) => item.status === "refused").length;
  const waiting = uploads.items.filter((item) => item.status === "waiting").length;
  // No photo yet: the whole box is "Add photos", what it takes written in it.
  const empty = uploads.items.length === 0;
  // What was added is not left said (where a screen reader's reading of the page would meet
  // it), nor shown, once the form holds another user's photos, or none. The user's photos that
  // came back with them are said there ("Alice Test's 3 photos are back."): their going was.
  const [addsOf, setAddsOf] = useState(userId);
  if (addsOf !== userId || (empty && (added !== "" || already.length > 0))) {
    setAddsOf(userId);
    setAdded(addsOf !== userId && uploads.cameBack ? photosBackNote(uploads.cameBack) : "");
    setAlready([]);
    if (addsOf !== userId) setUnread("");
  }
  const stillHeld = already.filter((name) => uploads.items.some((item) => item.name === name && item.status !== "refused"));
  // The list's actions that take a control away, each leaving the focus where it belongs.
  const { list, addButton, remove, undoRemove, removeRefused, retryAll } = usePhotoListFocus(uploads);

  // The box takes a drop of files, not the document around it: `useNoFileDropOnPage` keeps a
  // photo dropped beside the box from opening in the tab, and leaves the host's page its drops
  // (a link into its editor).
  const { rootProps, inputProps, dragging: isDragActive, open } = useFileDrop(add, disabled);
  const section = useRef<HTMLElement>(null);
  usePastedPhotos(add, disabled, section);
  useNoFileDropOnPage(section);
  const failuresSaid = usePhotoFailuresSaid(uploads.items);
  // Retry, on a tile or for them all, while a retry can go (see `ReferenceTile`).
  const online = useOnline();

  const hint = <Hint id={hintId} config={config} disabled={disabled} dragging={isDragActive} empty={empty} />;
  // Its parts by id, each a phrase of its own: read as one node, the part for touch screens
  // (hidden) took the space between them ("…or paste.Up to 5 photos").
  const describedBy = disabled || isDragActive ? `${hintId}-how` : `${hintId}-how ${hintId}-limits`;

  return (
    <section ref={section} className={styles.section}>
      {/* The photos that just failed, said once, in one region there from the start (see
          `usePhotoFailuresSaid`); each tile shows its own. */}
      <p className={ui.visuallyHidden} aria-live="assertive" aria-atomic="true">
        {failuresSaid}
      </p>
      <p className={ui.visuallyHidden} role="status">
        {added}
      </p>
      <div className={styles.header}>
        <h2 id={`${inputId}-heading`} className={styles.heading}>
          Reference photos
        </h2>
        <span className={styles.count}>
          {uploads.usable} / {config.maxFiles}
        </span>
      </div>
      {/* The identities of a user are the same face: their photos go with the user, and a new
          admin, on another identity of theirs, found the first one's photos in its form. */}
      {sharedBy && (
        <p className={styles.shared}>
          {sharedBy.name}'s, for {sharedBy.identities === 2 ? "both" : `all ${sharedBy.identities}`} of their identities
        </p>
      )}
      <div
        {...rootProps}
        className={`${styles.dropzone} ${isDragActive ? styles.dragging : ""} ${disabled ? styles.disabled : ""} ${empty ? styles.empty : ""}`}
      >
        {/* Reached through "Add photos", drag and drop or paste; hidden from screen readers,
            which would list it as a second button. Still named, for the tests' uploads. */}
        <input {...inputProps} id={inputId} aria-label="Reference photos" aria-hidden="true" accept={acceptOf(config)} />
        <ul ref={list} className={styles.grid} aria-label="Selected photos">
          {uploads.items.map((item) => (
            <ReferenceTile
              key={item.id}
              item={item}
              config={config}
              onRemove={remove}
              onRetry={uploads.retry}
              onUnreadable={uploads.refuseUnreadable}
            />
          ))}
          {!full && <AddTile button={addButton} empty={empty} disabled={disabled} onAdd={open} describedBy={describedBy} hint={hint} />}
        </ul>
        {/* Said once for all the photos that wait, not on each of their tiles. */}
        {waiting > 0 && <WaitingNote waiting={waiting} maxFiles={config.maxFiles} />}
        {refused > 1 && (
          <button type="button" className={ui.linkButton} onClick={removeRefused}>
            Remove the {refused} refused files
          </button>
        )}
        {uploads.notUploaded > 1 && online && (
          <button type="button" className={ui.linkButton} onClick={retryAll}>
            Retry the {uploads.notUploaded} photos that did not upload
          </button>
        )}
        {stillHeld.length > 0 && (
          <p ref={heldNote} className={ui.muted}>
            {alreadyNote(stillHeld)}
          </p>
        )}
        {/* Seen and said: a region there from the start, empty until a drop leaves something out. */}
        <p ref={unreadNoteShown} role="status" className={styles.unreadNote}>
          {unread}
        </p>
        {uploads.removedName !== null && <RemovedNote name={uploads.removedName} onUndo={undoRemove} />}
        {uploads.othersPutAside !== null && (
          <p role="status" className={ui.notice}>
            {photosAsideNote(uploads.othersPutAside)}
          </p>
        )}
        {/* Outside "Add photos" (the empty box's button): the way to the photos used last. */}
        {empty && earlier && !disabled && (
          <button type="button" className={`${ui.linkButton} ${styles.earlier}`} onClick={() => takeEarlier(earlier)}>
            Use {lastGenerationsPhotos(earlier.count)}
          </button>
        )}
        {/* At the limit, nothing more can be added: no how nor how many. */}
        {!empty && !full && <p className={styles.hint}>{hint}</p>}
      </div>
    </section>
  );
}

/** The file picker's types: each accepted type, then its extensions (browsers often give
 * .heic no type). */
function acceptOf(config: TabConfig): string {
  return Object.entries(config.accept)
    .flatMap(([mime, exts]) => [mime, ...exts])
    .join(",");
}

/** "the photo of the last generation", "the 3 photos of the last generation". */
function lastGenerationsPhotos(count: number): string {
  return count === 1 ? "the photo of the last generation" : `the ${count} photos of the last generation`;
}

/** "“front.jpg” is in the form already.", "2 of the photos are in the form already.": not
 * added twice (it would take a place, and be sent and paid for twice). */
function alreadyNote(names: readonly string[]): string {
  return names.length === 1 ? `“${names[0]}” is in the form already.` : `${names.length} of the photos are in the form already.`;
}

/** The photos over the count, shown once for all of them (said as they are added). */
function WaitingNote({ waiting, maxFiles }: { waiting: number; maxFiles: number }) {
  return (
    <p className={styles.waitingNote}>
      {waiting === 1
        ? `1 photo waits: only ${maxFiles} per generation; it is added when you remove one.`
        : `${waiting} photos wait: only ${maxFiles} per generation; one is added for each photo you remove.`}
    </p>
  );
}

/** The photo last removed, and Undo to bring it back. Out of the live region, Undo: the removal
 * is announced, not the button. */
function RemovedNote({ name, onUndo }: { name: string; onUndo: () => void }) {
  return (
    <p className={styles.removedNote}>
      <span role="status">Removed {name}</span>
      {" · "}
      <button type="button" className={ui.linkButton} onClick={onUndo} aria-label={`Undo removing ${name}`}>
        Undo
      </button>
    </p>
  );
}
