// The native ceiling beside the engines: the C programs in ../shared/anchors/ (per-row.c: per-row
// SGD; batched.c: Adam on mini-batches), compiled here with the C compiler into a temporary
// directory and run as bench engines for about as long as the engines' timed runs. Node only.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchEngine, BenchMode, BenchNetwork } from './benchmark.js';
import { fail } from '../errors.js';
import { checkSpec } from '../spec.js';

const run = promisify(execFile);

/**
 * shared/anchors beside the package (CI checks shared/ out next to the repository), or beside the
 * nearest parent directory that has one (a git worktree's checkout sits deeper); the package root is
 * one level up from src/ and from the bundle in dist/ alike.
 */
export function defaultAnchorDir(): string {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'shared', 'anchors', 'per-row.c'))) return join(dir, 'shared', 'anchors');
    if (dirname(dir) === dir) return join(dirname(root), 'shared', 'anchors');
  }
}

/** WebAssembly SIMD is 128 bits wide, so SSE2 without AVX is the fair ceiling; -march=native shows this CPU's widest. */
export const ANCHOR_BUILDS = [
  { id: 'c-sse2', flags: ['-O3', '-ffast-math', '-msse2', '-mno-avx'] },
  { id: 'c-native', flags: ['-O3', '-ffast-math', '-march=native'] },
] as const;
export type AnchorId = (typeof ANCHOR_BUILDS)[number]['id'];

const PROGRAMS = ['per-row', 'batched'] as const;
type Program = (typeof PROGRAMS)[number];

/**
 * The anchor program and its arguments to train this network in this mode for `seconds`, or why none
 * does: per-row.c is per-row SGD on all-sigmoid + binary cross-entropy (ACT 1) or all-linear +
 * squared-error (ACT 0) networks with one output; batched.c is Adam on all-sigmoid + binary
 * cross-entropy networks with one output.
 */
export function anchorArgs(network: BenchNetwork, mode: BenchMode, seconds: number): { program: Program; args: string[] } | { none: string } {
  const spec = checkSpec(network.model);
  const sizes = [spec.inputs, ...spec.layers.map((l) => l.units)].join(',');
  const all = (activation: string) => spec.layers.every((l) => l.activation === activation);
  const sigmoid = all('sigmoid') && spec.loss === 'binaryCrossentropy';
  const linear = all('linear') && spec.loss === 'mse';
  const time = seconds.toFixed(3);
  if (spec.layers.at(-1)!.units !== 1) return { none: 'the C anchors train networks with one output' };
  if (spec.layers.length > 15) return { none: 'the C anchors take at most 15 layers' };
  if (mode.optimizer === 'sgd' && mode.batchSize === 1) {
    if (!sigmoid && !linear) return { none: 'per-row.c trains all-sigmoid (binary cross-entropy) or all-linear (mse) networks' };
    return { program: 'per-row', args: [sizes, time, linear ? '0' : '1'] };  // SIZES SECONDS [ACT]
  }
  if (mode.optimizer === 'adam') {
    if (!sigmoid) return { none: 'batched.c trains all-sigmoid networks with binary cross-entropy only' };
    return { program: 'batched', args: [sizes, String(mode.batchSize), time] };  // SIZES BATCH SECONDS
  }
  return { none: `no C anchor for ${mode.optimizer} at batch size ${mode.batchSize}` };
}

/** samplesPerSecond from an anchor's one JSON line; anything else is an error naming the anchor. */
export function parseAnchorOutput(anchor: string, stdout: string): number {
  let out: unknown;
  try {
    out = JSON.parse(stdout.trim());
  } catch {
    return fail(anchor, `expected one JSON line with samplesPerSecond, got ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  const rate = (out as { samplesPerSecond?: unknown } | null)?.samplesPerSecond;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) fail(anchor, `expected a positive samplesPerSecond, got ${JSON.stringify(stdout.trim().slice(0, 200))}`);
  return rate as number;
}

type Start = (program: string, args: string[]) => Promise<{ stdout: string }>;

function anchorEngine(id: AnchorId, binaries: Record<Program, string>, start: Start): BenchEngine {
  return {
    id,
    repSeconds: 0.1,
    async open(network, mode) {
      if ('none' in anchorArgs(network, mode, 1)) return undefined;
      // The program times itself, whole epochs until the time is up: it runs for as long as `samples`
      // took at its last rate (the warm-up's first run, with no rate yet, for a quarter of the usual repetition).
      let last: number | undefined;
      return async (samples) => {
        const seconds = last === undefined ? 0.025 : Math.max(0.01, samples / last);
        const a = anchorArgs(network, mode, seconds) as { program: Program; args: string[] };
        const name = `${id} ${a.program} ${a.args.join(' ')}`;
        const { stdout } = await start(binaries[a.program], a.args)
          .catch((e: Error) => fail(name, `the anchor failed: ${e.message.split('\n')[0]}`));
        const rate = parseAnchorOutput(name, stdout);
        last = rate;
        return { samples: Math.round(rate * seconds), seconds };
      };
    },
  };
}

interface Anchors {
  engines: BenchEngine[];
  /** Why an anchor is missing: no compiler, no sources, a build that failed. */
  notes: string[];
  /** Removes the compiled programs. */
  dispose(): Promise<void>;
}

/** Compiles the anchors in `dir` with `cc` (each build of each program) into a temporary directory. */
export async function buildAnchors(ids: AnchorId[], dir = defaultAnchorDir(), cc = process.env.CC ?? 'cc'): Promise<Anchors> {
  const none = (note: string): Anchors => ({ engines: [], notes: [note], dispose: async () => {} });
  if (ids.length === 0) return none('C anchors: not chosen');
  const missing = PROGRAMS.map((p) => join(dir, `${p}.c`)).filter((f) => !existsSync(f));
  if (missing.length) return none(`C anchors skipped: ${missing.join(', ')} not found (--anchors DIR says where per-row.c and batched.c are)`);
  const out = await mkdtemp(join(tmpdir(), 'backprop-anchors-'));
  const engines: BenchEngine[] = [], notes: string[] = [];
  const sameCore = await coreOfEngines();
  for (const build of ANCHOR_BUILDS.filter((b) => ids.includes(b.id))) {
    const binaries = { 'per-row': join(out, `per-row-${build.id}`), 'batched': join(out, `batched-${build.id}`) };
    try {
      await Promise.all(PROGRAMS.map((p) => run(cc, [...build.flags, '-o', binaries[p], join(dir, `${p}.c`), '-lm'])));
      engines.push(anchorEngine(build.id, binaries, sameCore.start));
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      if (err.code === 'ENOENT') {
        await rm(out, { recursive: true, force: true });
        return none(`C anchors skipped: no C compiler ('${cc}' not found; set CC to use another)`);
      }
      notes.push(`${build.id} skipped: ${cc} ${build.flags.join(' ')} failed: ${(err.stderr ?? err.message).trim().split('\n')[0]}`);
    }
  }
  if (engines.length) {
    const version = await run(cc, ['--version']).then((r) => r.stdout.split('\n')[0]!.trim(), () => 'version unknown');
    notes.unshift(`C anchors: ${dir}, built with ${cc} (${version})`, sameCore.note);
  }
  return { engines, notes, dispose: () => rm(out, { recursive: true, force: true }) };
}

/**
 * How an anchor is started: on the CPU this process's main thread — where the engines run, in turn
 * with the anchors — last ran on, so that engines and anchors are compared on one core where cores
 * differ in speed (the two virtual CPUs of a shared machine: up to 1.6× apart on the one these
 * figures come from, where an engine on one against an anchor on the other read 0.6× for 0.9×).
 * Linux, with util-linux's taskset; elsewhere the anchors run wherever the system puts them.
 */
async function coreOfEngines(): Promise<{ start: Start; note: string }> {
  const plain: Start = (program, args) => run(program, args, { timeout: 60_000 });
  if (process.platform !== 'linux') return { start: plain, note: 'C anchors: run on any core (taskset is Linux only)' };
  // field 39 of /proc/PID/stat; the fields after the command's name count from 3
  const cpu = async () => { const stat = await readFile('/proc/self/stat', 'utf8'); return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36]!; };
  try {
    await run('taskset', ['-c', await cpu(), 'true']);
  } catch (e) {
    return { start: plain, note: `C anchors: run on any core (taskset: ${(e as Error).message.split('\n')[0]})` };
  }
  return { start: async (program, args) => run('taskset', ['-c', await cpu(), program, ...args], { timeout: 60_000 }), note: 'C anchors: each run on the core the engines last ran on (taskset)' };
}
