/**
 * The files of a drop on the photos' box, as the platform gives them: each file dropped, and
 * each file in a folder dropped (and in its folders), in the order they came. A folder's
 * system files (a Mac's `.DS_Store`, Windows' `Thumbs.db`) are not photos and are left out.
 * (react-dropzone's `file-selector` did this; the page now does it in the platform's words.)
 */

/** Files a folder holds that the admin did not mean to add. */
const SYSTEM_FILES: ReadonlySet<string> = new Set([".DS_Store", "Thumbs.db"]);

/** The files of `data`, read while its drop event lasts (a DataTransfer's items are gone once
 * it ends): the files themselves at once, a folder's as its entries are read. */
export function filesOfDrop(data: DataTransfer | null): Promise<File[]> {
  if (data === null) return Promise.resolve([]);
  const items = Array.from(data.items ?? []).filter((item) => item.kind === "file");
  // A drop with no items (an older browser, a test's event): its files.
  if (items.length === 0) return Promise.resolve(Array.from(data.files ?? []));
  const each = items.map((item): File[] | Promise<File[]> => {
    const entry = typeof item.webkitGetAsEntry === "function" ? item.webkitGetAsEntry() : null;
    if (entry?.isDirectory) return filesIn(entry as FileSystemDirectoryEntry);
    const file = item.getAsFile();
    return file === null ? [] : [file];
  });
  return Promise.all(each).then((lists) => lists.flat());
}

/** Every file in `folder` and its folders, but the system's own. */
async function filesIn(folder: FileSystemDirectoryEntry): Promise<File[]> {
  const files: File[] = [];
  for (const entry of await entriesOf(folder)) {
    if (entry.isDirectory) files.push(...(await filesIn(entry as FileSystemDirectoryEntry)));
    else if (entry.isFile && !SYSTEM_FILES.has(entry.name)) files.push(await fileOf(entry as FileSystemFileEntry));
  }
  return files;
}

/** All of a folder's entries: a reader gives them a batch at a time (100 in Chrome) until an
 * empty one. */
async function entriesOf(folder: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = folder.createReader();
  const entries: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return entries;
    entries.push(...batch);
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Whether a drag carries files (from the desktop, a file manager), not a link or text. */
export function carriesFiles(data: DataTransfer | null): boolean {
  return data?.types.includes("Files") ?? false;
}
