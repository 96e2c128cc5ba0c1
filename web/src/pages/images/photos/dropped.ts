/**
 * The files of a drop on the photos' box, as the platform gives them: each file dropped, and
 * each file in a folder dropped (and in its folders), in the order they came. A folder's
 * system files (a Mac's `.DS_Store`, Windows' `Thumbs.db`) are not photos and are left out.
 * (react-dropzone's `file-selector` did this; the page now does it in the platform's words.)
 *
 * A folder or file the platform cannot read (its reader calls back with an error: no
 * permission, a file moved or deleted since it was dropped) is left out and named in `unread`:
 * the drop brings what it could read, and the page says what it could not. One such entry made
 * the whole drop come to nothing, and nothing was said.
 */

/** Files a folder holds that the admin did not mean to add. */
const SYSTEM_FILES: ReadonlySet<string> = new Set([".DS_Store", "Thumbs.db"]);

/** What a drop could not read. */
export interface Unread {
  /** The folders whose entries could not be read: none of them (`partly` false), or not all
   * (a later batch failed: those read before it are in the drop). */
  folders: { name: string; partly: boolean }[];
  /** The names of the files that could not be read. */
  files: string[];
}

export interface Dropped {
  files: File[];
  unread: Unread;
}

const nothingUnread = (): Unread => ({ folders: [], files: [] });

/** The files of `data`, read while its drop event lasts (a DataTransfer's items are gone once
 * it ends): the files themselves at once, a folder's as its entries are read. */
export function filesOfDrop(data: DataTransfer | null): Promise<Dropped> {
  const unread = nothingUnread();
  if (data === null) return Promise.resolve({ files: [], unread });
  const items = Array.from(data.items ?? []).filter((item) => item.kind === "file");
  // A drop with no items (an older browser, a test's event): its files.
  if (items.length === 0) return Promise.resolve({ files: Array.from(data.files ?? []), unread });
  const each = items.map((item): File[] | Promise<File[]> => {
    const entry = typeof item.webkitGetAsEntry === "function" ? item.webkitGetAsEntry() : null;
    if (entry?.isDirectory) return filesIn(entry as FileSystemDirectoryEntry, unread);
    const file = item.getAsFile();
    return file === null ? [] : [file];
  });
  return Promise.all(each).then((lists) => ({ files: lists.flat(), unread }));
}

/** Every file in `folder` and its folders, but the system's own and those that could not be
 * read (noted in `unread`). */
async function filesIn(folder: FileSystemDirectoryEntry, unread: Unread): Promise<File[]> {
  const { entries, whole } = await entriesOf(folder);
  if (!whole) unread.folders.push({ name: folder.name, partly: entries.length > 0 });
  const files: File[] = [];
  for (const entry of entries) {
    if (entry.isDirectory) files.push(...(await filesIn(entry as FileSystemDirectoryEntry, unread)));
    else if (entry.isFile && !SYSTEM_FILES.has(entry.name)) {
      const file = await fileOf(entry as FileSystemFileEntry);
      if (file === null) unread.files.push(entry.name);
      else files.push(file);
    }
  }
  return files;
}

/** All of a folder's entries: a reader gives them a batch at a time (100 in Chrome) until an
 * empty one. Not `whole` when a batch could not be read: the entries are those read before. */
async function entriesOf(folder: FileSystemDirectoryEntry): Promise<{ entries: FileSystemEntry[]; whole: boolean }> {
  const reader = folder.createReader();
  const entries: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[] | null>((resolve) => reader.readEntries(resolve, () => resolve(null)));
    if (batch === null) return { entries, whole: false };
    if (batch.length === 0) return { entries, whole: true };
    entries.push(...batch);
  }
}

/** The entry's file; null if it could not be read. */
function fileOf(entry: FileSystemFileEntry): Promise<File | null> {
  return new Promise((resolve) => entry.file(resolve, () => resolve(null)));
}

/** What a drop could not read, in words; null if it read all it was given.
 * "The folder “Trip” could not be read: its photos were not added." "2 files could not be read." */
export function unreadNote({ folders, files }: Unread): string | null {
  const notes: string[] = [];
  const [folder] = folders;
  if (folders.length === 1 && folder !== undefined) {
    notes.push(
      folder.partly
        ? `The folder “${folder.name}” could not be read in full: some of its photos were not added.`
        : `The folder “${folder.name}” could not be read: its photos were not added.`,
    );
  } else if (folders.length > 1) {
    notes.push(
      folders.some((each) => each.partly)
        ? `${folders.length} folders could not be read in full: some of their photos were not added.`
        : `${folders.length} folders could not be read: their photos were not added.`,
    );
  }
  if (files.length === 1) notes.push(`“${files[0]}” could not be read.`);
  else if (files.length > 1) notes.push(`${files.length} files could not be read.`);
  return notes.length === 0 ? null : notes.join(" ");
}

/** Whether a drag carries files (from the desktop, a file manager), not a link or text. */
export function carriesFiles(data: DataTransfer | null): boolean {
  return data?.types.includes("Files") ?? false;
}
