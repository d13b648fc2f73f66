// The files a command writes. Each is checked before anything is trained or written (a wrong path
// costs at most the reading of the inputs, which names every file an output must not be), never the
// same file as an input, and written whole or not at all: to a temporary file beside it, then
// renamed over it.
import { accessSync, constants, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { BackpropError, fail } from '../errors.js';
import { dropTemporary, fileIdentity, openTemporary, placeTemporary, temporaryFile, writeWhole } from '../io/atomic.js';

export { writeWhole };

export interface Output {
  /** The flag that named it, e.g. '--save'. */
  flag: string;
  /** What it holds, for messages: 'model', 'loss chart'. */
  what: string;
  path: string;
}

/**
 * Refuses an output that would replace an input, that another output also names (through symbolic
 * or hard links too), or that cannot be written: a missing folder, a folder where the file should be,
 * no permission.
 */
export function checkOutputs(outputs: Output[], inputs: string[]): void {
  const taken = new Map(inputs.map((p) => [fileIdentity(p), 'an input of this run (backprop never writes over its input)']));
  for (const o of outputs) {
    if (o.path.trim() === '') fail(o.flag, 'expected a file name');
    // Other tools read '-' as standard output; a file named '-' would surprise (a command that prints does so without the flag)
    if (o.path === '-') fail(o.flag, `expected a file name, got '-' (no command writes its ${o.what} to standard output through ${o.flag}; name a file)`);
    // (a name ending in a separator is a folder's: written to, the rename into place would fail)
    if (o.path.endsWith('/') || o.path.endsWith(sep)) fail(o.flag, `cannot write ${o.path}: a name ending in ${o.path.at(-1)} is a folder's; give the file's name`);
    const id = fileIdentity(o.path);
    const other = taken.get(id);
    if (other) fail(o.flag, `${o.path} is ${other}; choose another file name`);
    taken.set(id, `where ${o.flag} writes the ${o.what}`);
    const folder = dirname(resolve(o.path));
    const stat = statOf(folder);
    if (!stat?.isDirectory()) fail(o.flag, `cannot write ${o.path}: ${stat ? `${folder} is a file, not a folder` : `the folder ${folder} does not exist`}`);
    const existing = statOf(o.path);
    if (existing && !existing.isFile()) fail(o.flag, `cannot write ${o.path}: it is ${existing.isDirectory() ? 'a folder' : 'not a regular file'}`);
    if (existing && !writable(o.path)) fail(o.flag, `cannot write ${o.path}: the file is read-only`);
    // The one sure test of a folder (permissions, a read-only or pseudo file system): create the temporary file the write will use.
    const trial = temporaryFile(o.path);
    try {
      // What is at that name can only be a leftover of a process of this one's id (src/io/atomic.ts openTemporary)
      rmSync(trial, { force: true });
      writeFileSync(trial, '', { flag: 'wx' });
      rmSync(trial);
    } catch (e) {
      fail(o.flag, `cannot write ${o.path}: ${why(e, folder)}`);
    }
  }
}

/** An error of the file system in words. */
function why(e: unknown, folder: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' && !existsSync(folder)) return `the folder ${folder} no longer exists`;
  if (code === 'EACCES' || code === 'EPERM') return `no permission to create files in ${folder}`;
  if (code === 'EROFS') return `${folder} is on a read-only file system`;
  if (code === 'ENOSPC') return 'the disk is full';
  return `files cannot be created in ${folder} (${code ?? (e as Error).message})`;
}

/** A path's stat (through links), or undefined where there is nothing. */
export function statOf(path: string) {
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

/**
 * Writes every output it can; an output that fails (a disk that filled up, a folder removed
 * during training) does not stop the others. Returns what was written and what failed, in words.
 */
export async function writeOutputs(outputs: { output: Output; text: () => string | Iterable<string> }[]): Promise<{ written: string[]; failed: string[] }> {
  const written: string[] = [], failed: string[] = [];
  for (const { output, text } of outputs) {
    try {
      await writeWhole(output.path, text());
      written.push(`${output.what} ${output.path}`);
    } catch (e) {
      failed.push(`${output.flag}: ${writeFailure(output, e)}`);
    }
  }
  return { written, failed };
}

/** Runs `write`, the one write of `output`; a failure (a full disk, a folder removed meanwhile) is refused naming its flag, as writeOutputs names it. */
export async function writeOutput<T>(output: Output, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (e instanceof BackpropError) throw e;
    fail(output.flag, writeFailure(output, e));
  }
}

/** What a failed write of `output` says, after its flag. */
function writeFailure(output: Output, e: unknown): string {
  return `could not write the ${output.what} to ${output.path}: ${why(e, dirname(resolve(output.path)))}`;
}

/** An output written a piece at a time as it is computed (predictions of a large file), whole or not at all. */
export interface OutputStream {
  write(text: string): Promise<void>;
  /** Puts the finished output in place. */
  close(): Promise<void>;
  /** Drops what was written: the path keeps what it held before, or stays absent. */
  abort(): Promise<void>;
}

/**
 * Writes `output` as it is computed: into the temporary file beside it, renamed over it by `close`,
 * so that a run that fails midway leaves nothing half-written. Failures name the flag and why.
 */
export async function outputStream(output: Output): Promise<OutputStream> {
  const failed = (e: unknown): never => fail(output.flag, writeFailure(output, e));
  const { temporary, handle } = await openTemporary(output.path).catch(failed);
  let closed = false;
  const closeHandle = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  const abort = async () => {
    await closeHandle().catch(() => {});
    await dropTemporary(temporary);
  };
  return {
    // writeFile on a handle writes all of the text from the current position (write alone may write part)
    write: (text) => handle.writeFile(text).catch(async (e: unknown) => { await abort(); failed(e); }),
    close: async () => {
      try {
        await closeHandle();
        await placeTemporary(temporary, output.path);
      } catch (e) {
        await abort();
        failed(e);
      }
    },
    abort,
  };
}

/** Standard output as an OutputStream: a write waits while a pipe is full, so memory stays bounded. */
export function stdoutStream(): OutputStream {
  return {
    write: (text) => new Promise((done) => { if (process.stdout.write(text)) done(); else process.stdout.once('drain', done); }),
    close: async () => {},
    abort: async () => {},
  };
}
