/**
 * Where the focus goes as the reference photos' list changes under it: to what took the place
 * of the focused control, never to the page. The list's actions that take a control away
 * (Remove, Undo, "Remove the N refused files", "Retry the N photos…") are given here, each
 * saying where the focus lands; and "Add photos", which goes once the photos it added fill the
 * form, gives its focus to the first of them. Spread `addButton` on "Add photos"; `list` is
 * the list's ref, its tiles its `li`s.
 */
import { useEffect, useRef, type FocusEvent } from "react";

import type { ReferenceUploads } from "./use-reference-uploads";

export function usePhotoListFocus(uploads: ReferenceUploads) {
  const list = useRef<HTMLUListElement>(null);
  // When the focused control goes with a change of the list, the focus goes to what took its
  // place, never to the page. After a removal: the next photo's tile, or "Add photos" (back
  // when the list was full); the previous photo's tile when the last tile went. After
  // "Remove the N refused files": "Add photos", else the last photo's tile. A tile, not its
  // Remove: a second Enter, as on the Remove a moment before, would take another photo away.
  // After Undo, the photo brought back.
  const focusAfterChange = useRef<{ pick: (tiles: Element[]) => Element | undefined; onTile: boolean } | null>(null);
  // "Add photos" goes once the photos it added fill the form, and the focus it had would fall
  // to the page. It goes to the tile of the first photo just added: where the admin's action
  // landed, read out by its name and state ("front.jpg, uploading, 40%"), and from which Tab
  // goes on to its own Remove. Not to that Remove: an Enter pressed again, as on "Add photos"
  // a moment before, would take away the photo just added.
  const addButton = useRef<HTMLButtonElement>(null);
  const addHadFocus = useRef(false);
  const shownIds = useRef<readonly string[]>(uploads.items.map((item) => item.id));
  useEffect(() => {
    const before = shownIds.current;
    shownIds.current = uploads.items.map((item) => item.id);
    const tiles = Array.from(list.current?.querySelectorAll<HTMLLIElement>(":scope > li") ?? []);
    const after = focusAfterChange.current;
    if (after !== null) {
      focusAfterChange.current = null;
      const tile = after.pick(tiles);
      // "Add photos" is a tile of its own: its button.
      if (after.onTile && tile instanceof HTMLElement && tile.dataset.photoId !== undefined) tile.focus();
      else (tile?.querySelector<HTMLButtonElement>("button[data-remove]") ?? tile?.querySelector("button"))?.focus();
      return;
    }
    const dropped = addButton.current === null && (document.activeElement === null || document.activeElement === document.body);
    if (addHadFocus.current && dropped) {
      addHadFocus.current = false;
      const added = uploads.items.findIndex((item) => !before.includes(item.id));
      (tiles[added] ?? tiles.at(-1))?.focus({ preventScroll: true });
    }
  }, [uploads.items]);
  const remove = (id: string) => {
    const index = uploads.items.findIndex((item) => item.id === id);
    focusAfterChange.current = { pick: (tiles) => tiles[index] ?? tiles[index - 1], onTile: true };
    uploads.remove(id);
  };
  const undoRemove = () => {
    const back = uploads.undoRemove();
    if (back === null) return;
    focusAfterChange.current = { pick: (tiles) => list.current?.querySelector(`[data-photo-id="${back}"]`) ?? tiles[0], onTile: true };
  };
  const removeRefused = () => {
    focusAfterChange.current = { pick: (tiles) => tiles.at(-1), onTile: true };
    uploads.removeRefused();
  };
  const retryAll = () => {
    const first = uploads.items.findIndex((item) => item.status === "failed");
    focusAfterChange.current = { pick: (tiles) => tiles[first], onTile: false };
    uploads.retry();
  };
  return {
    list,
    addButton: {
      ref: addButton,
      onFocus: () => (addHadFocus.current = true),
      // Gone to another control, not removed with the tile: nothing to give on.
      onBlur: (event: FocusEvent<HTMLButtonElement>) => event.relatedTarget && (addHadFocus.current = false),
    },
    remove,
    undoRemove,
    removeRefused,
    retryAll,
  };
}
