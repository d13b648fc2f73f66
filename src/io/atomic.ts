// Writing a file whole or not at all, and telling whether two paths name one file: every file the
// library and the command line write goes through here, so a kill, a full disk or a link never
// leaves a half-written file or writes over another one.
import { realpathSync, rmSync, statSync } from 'node:fs';
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** The temporary file beside `path` that a whole write goes through. */
export function temporaryFile(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/**
 * Creates the temporary file beside `path` for writing, refusing to open anything already there: a
 * link planted at its name is never followed. What is there can only be left by an earlier process
 * of this one's id that died mid-write (the name holds the id), so it is removed and the file created
 * once more; a second clash (something keeps putting it back) is an error.
 */
export async function openTemporary(path: string): Promise<{ temporary: string; handle: FileHandle }> {
  const temporary = temporaryFile(path);
  // listed before it is created: from the moment it exists, an ended process removes it
  writing.add(temporary);
  if (writing.size === 1) onWriting?.(true);
  try {
    return { temporary, handle: await createExclusive(temporary) };
  } catch (e) {
    settled(temporary);
    throw e;
  }
}

async function createExclusive(temporary: string): Promise<FileHandle> {
  try {
    return await open(temporary, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    await rm(temporary, { force: true });
    return await open(temporary, 'wx');
  }
}

/** The temporary files open now: what removeTemporaries removes if the process is ended midway. */
const writing = new Set<string>();
let onWriting: ((writing: boolean) => void) | undefined;

/** Tells `listener` when the first temporary file opens (true) and when the last is put in place or dropped (false). */
export function watchWriting(listener: (writing: boolean) => void): void {
  onWriting = listener;
}

function settled(temporary: string): void {
  if (writing.delete(temporary) && writing.size === 0) onWriting?.(false);
}

/** Puts a complete temporary file in place over `path`. */
export async function placeTemporary(temporary: string, path: string): Promise<void> {
  await rename(temporary, path);
  settled(temporary);
}

/** Removes a temporary file whose write failed or was given up: the path keeps what it held. */
export async function dropTemporary(temporary: string): Promise<void> {
  await rm(temporary, { force: true });
  settled(temporary);
}

/**
 * Removes every temporary file still being written, at once (an 'exit' listener cannot wait): for a
 * process ended midway, as the command line is by Ctrl-C, so that no `.name.PID.tmp` is left behind.
 */
export function removeTemporaries(): void {
  for (const temporary of writing) rmSync(temporary, { force: true });
  writing.clear();
}

/** What a file is written from: its text or bytes, or its pieces, one after another. */
export type FileData = string | Uint8Array | Iterable<string>;

/** Writes `data` to `path` whole: a temporary file beside it, renamed over it once complete. */
export async function writeWhole(path: string, data: FileData): Promise<void> {
  await writeTogether([[path, data]]);
}

/**
 * Writes files that belong together (a TensorFlow.js model.json and its weights) whole: every one to
 * its temporary file first, then all renamed into place, so that a write that fails (a full disk)
 * leaves each path as it was — never a new file beside an old one of another model.
 */
export async function writeTogether(files: readonly (readonly [path: string, data: FileData])[]): Promise<void> {
  const temporaries: string[] = [];
  try {
    for (const [path, data] of files) {
      const { temporary, handle } = await openTemporary(path);
      temporaries.push(temporary);
      try {
        await writeFile(handle, data); // (the handle's own writeFile is not typed for iterables)
      } finally {
        await handle.close();
      }
    }
    for (const [i, [path]] of files.entries()) await placeTemporary(temporaries[i]!, path);
  } catch (e) {
    // (a temporary already put in place is gone: removing it is nothing)
    for (const temporary of temporaries) await dropTemporary(temporary);
    throw e;
  }
}

/**
 * The file a path names, whichever way it is written: an existing file by its device and inode
 * (through symbolic links, and shared by hard links), a new one by its folder's real path and its name.
 */
export function fileIdentity(path: string): string {
  try {
    const { dev, ino } = statSync(path);
    return `${dev}:${ino}`;
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/** Whether two paths name the same file (see fileIdentity). */
export function sameFile(a: string, b: string): boolean {
  return fileIdentity(a) === fileIdentity(b);
}
