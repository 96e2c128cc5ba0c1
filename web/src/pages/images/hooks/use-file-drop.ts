/**
 * The photos' box as a drop target and its hidden file picker, on the platform's own drag and
 * drop and `<input type="file">`. It was react-dropzone's `useDropzone` (with `noClick`,
 * `noKeyboard`, no `accept` of its own): it and `file-selector` weighed 14 kB of the page's
 * gzipped JavaScript, for what these few handlers do.
 *
 * - A drag of files over the box shows it ready to take them (`dragging`) until the drag leaves
 *   the box and all it holds, or is dropped; a drag of a link or text does not.
 * - A drop on the box is the box's (the browser opens nothing); its files, and those of a folder
 *   dropped, go to `onFiles` (see `filesOfDrop`), with what of it could not be read.
 * - `open()` opens the file picker (the "Add photos" button); the files chosen go to `onFiles`.
 * - Disabled (no identity to add photos for), the box takes nothing.
 */
import { useCallback, useRef, useState, type ChangeEvent, type CSSProperties, type DragEvent, type MouseEvent, type RefObject } from "react";

import { carriesFiles, filesOfDrop, type Unread } from "../photos/dropped";

/** Out of sight and of the layout, yet a real file input (a test, or a browser's automation,
 * sets its files). */
const HIDDEN_INPUT: CSSProperties = {
  border: 0,
  clip: "rect(0, 0, 0, 0)",
  clipPath: "inset(50%)",
  height: "1px",
  margin: "0 -1px -1px 0",
  overflow: "hidden",
  padding: 0,
  position: "absolute",
  width: "1px",
  whiteSpace: "nowrap",
};

export interface FileDrop {
  /** Files are dragged over the box. */
  dragging: boolean;
  /** Opens the file picker. */
  open: () => void;
  /** For the box. */
  rootProps: {
    role: "presentation";
    onDragEnter?: (event: DragEvent<HTMLElement>) => void;
    onDragOver?: (event: DragEvent<HTMLElement>) => void;
    onDragLeave?: (event: DragEvent<HTMLElement>) => void;
    onDrop?: (event: DragEvent<HTMLElement>) => void;
  };
  /** For the file input in it. */
  inputProps: {
    ref: RefObject<HTMLInputElement | null>;
    type: "file";
    multiple: true;
    tabIndex: -1;
    style: CSSProperties;
    onChange?: (event: ChangeEvent<HTMLInputElement>) => void;
    onClick: (event: MouseEvent<HTMLInputElement>) => void;
  };
}

/** Files dropped or picked; for a drop, what of it could not be read (a pick has nothing of the
 * kind: the picker gives what it read). */
export type OnFiles = (files: File[], unread?: Unread) => void;

export function useFileDrop(onFiles: OnFiles, disabled: boolean): FileDrop {
  const [dragging, setDragging] = useState(false);
  // The elements in the box the drag has entered and not yet left: a drag from the box onto a
  // tile in it leaves the box (and enters the tile) without leaving the drop target.
  const entered = useRef<EventTarget[]>([]);
  const input = useRef<HTMLInputElement>(null);

  const onDragEnter = useCallback((event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    entered.current = [...entered.current, event.target];
    if (carriesFiles(event.dataTransfer)) setDragging(true);
  }, []);
  const onDragOver = useCallback((event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    if (!carriesFiles(event.dataTransfer)) return;
    try {
      event.dataTransfer.dropEffect = "copy";
    } catch {
      // Some browsers refuse to set it on a drag from elsewhere: the drop is taken all the same.
    }
  }, []);
  const onDragLeave = useCallback((event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    const box = event.currentTarget;
    // Once: Firefox may say it entered an element twice.
    const still = entered.current.filter((target) => target instanceof Node && box.contains(target));
    const left = still.indexOf(event.target);
    if (left !== -1) still.splice(left, 1);
    entered.current = still;
    if (still.length === 0) setDragging(false);
  }, []);
  const onDrop = useCallback(
    (event: DragEvent<HTMLElement>) => {
      event.preventDefault();
      entered.current = [];
      setDragging(false);
      if (!carriesFiles(event.dataTransfer)) return;
      void filesOfDrop(event.dataTransfer).then(({ files, unread }) => onFiles(files, unread));
    },
    [onFiles],
  );
  const onChange = useCallback(
    (event: ChangeEvent<HTMLInputElement>) => {
      onFiles(Array.from(event.target.files ?? []));
    },
    [onFiles],
  );
  const open = useCallback(() => {
    const picker = input.current;
    if (disabled || picker === null) return;
    // Choosing the same file again is a change all the same.
    picker.value = "";
    picker.click();
  }, [disabled]);

  return {
    dragging: dragging && !disabled,
    open,
    rootProps: disabled ? { role: "presentation" } : { role: "presentation", onDragEnter, onDragOver, onDragLeave, onDrop },
    inputProps: {
      ref: input,
      type: "file",
      multiple: true,
      tabIndex: -1,
      style: HIDDEN_INPUT,
      onChange: disabled ? undefined : onChange,
      // The picker's click is its own: not a click on the box nor the page around it.
      onClick: (event) => event.stopPropagation(),
    },
  };
}
