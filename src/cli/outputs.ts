// The files a command writes. Each is checked before any work starts (so a wrong path costs
// nothing), never the same file as an input, and written whole or not at all: to a temporary
// file beside it, then renamed over it.
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fail } from '../errors.js';

export interface Output {
  /** The flag that named it, e.g. '--save'. */
  flag: string;
  /** What it holds, for messages: 'model', 'loss chart'. */
  what: string;
  path: string;
}

/** The same file, whichever way its path is written (through links too, when it exists). */
function identity(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Refuses an output that would replace an input, that another output also names, or that cannot
 * be written: a missing folder, a folder where the file should be, no permission.
 */
export function checkOutputs(outputs: Output[], inputs: string[]): void {
  const taken = new Map(inputs.map((p) => [identity(p), 'an input of this run (backprop never writes over its input)']));
  for (const o of outputs) {
    if (o.path.trim() === '') fail(o.flag, 'expected a file name');
    const id = identity(o.path);
    const other = taken.get(id);
    if (other) fail(o.flag, `${o.path} is ${other}; choose another file name`);
    taken.set(id, `where ${o.flag} writes the ${o.what}`);
    const folder = dirname(resolve(o.path));
    const stat = statOf(folder);
    if (!stat?.isDirectory()) fail(o.flag, `cannot write ${o.path}: the folder ${folder} does not exist`);
    const existing = statOf(o.path);
    if (existing && !existing.isFile()) fail(o.flag, `cannot write ${o.path}: it is ${existing.isDirectory() ? 'a folder' : 'not a regular file'}`);
    if (!writable(folder)) fail(o.flag, `cannot write ${o.path}: no permission to create files in ${folder}`);
    if (existing && !writable(o.path)) fail(o.flag, `cannot write ${o.path}: the file is read-only`);
  }
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes `text` to `path` whole: a temporary file beside it, renamed over it once complete. */
export async function writeWhole(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    throw e;
  }
}

/**
 * Writes every output it can; an output that fails (a disk that filled up, a folder removed
 * during training) does not stop the others. Returns what was written and what failed, in words.
 */
export async function writeOutputs(outputs: { output: Output; text: () => string }[]): Promise<{ written: string[]; failed: string[] }> {
  const written: string[] = [], failed: string[] = [];
  for (const { output, text } of outputs) {
    try {
      await writeWhole(output.path, text());
      written.push(`${output.what} ${output.path}`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'its folder no longer exists' : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the file system is read-only' : (e as Error).message;
      failed.push(`${output.flag}: could not write the ${output.what} to ${output.path}: ${why}`);
    }
  }
  return { written, failed };
}
