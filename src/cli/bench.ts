import { cpus } from 'node:os';
import { ANCHOR_BUILDS, anchorArgs, buildAnchors, defaultAnchorDir, type AnchorId } from '../yardsticks/anchors.js';
import {
  BENCH_NETWORKS, BENCH_MODES, THREAD_COUNTS, THREAD_GROUPS, modelEngine, ratio, runBench, tfEngine, withHiddenActivation,
  type BenchEngine, type BenchMode, type BenchNetwork, type BenchRow, type CallId, type CallRow, type TensorFlow,
} from '../yardsticks/benchmark.js';
import { HIDDEN_ACTIVATIONS } from '../operations/activations.js';
import { kernelFile, simdSupported } from '../engines/wasm.js';
import { fail, oneOf } from '../errors.js';
import { list, number, type Command, type Values } from './args.js';
import { coreCount } from '../cores.js';
import { coreRoundTrip } from '../yardsticks/roundTrip.js';
import { coreSpeeds, type CoreSpeed, type CoreSpeeds } from '../yardsticks/coreSpeeds.js';
import { apartEngine } from '../yardsticks/apart.js';
import { runSearchBench, SEARCH_BENCH, type SearchBench, type SearchBenchRow } from '../yardsticks/searchBench.js';
// The Node entry sets where the kernels are read from (build/).
import '../node.js';

const ANCHOR_IDS = ANCHOR_BUILDS.map((b) => b.id);
const ENGINE_IDS = ['js', 'wasm', 'wasm-epoch', 'wasm-scalar', ...ANCHOR_IDS, 'tfjs-cpu', 'tfjs-wasm'] as const;
type EngineId = (typeof ENGINE_IDS)[number];

/** TensorFlow.js (a dev dependency) with its WASM backend registered, or undefined when not installed. */
async function loadTensorFlow(): Promise<TensorFlow | undefined> {
  try {
    const mod = await import('@tensorflow/tfjs') as TensorFlow & { default?: TensorFlow };
    const tf = mod.default ?? mod;
    await import('@tensorflow/tfjs-backend-wasm');
    // Production mode skips TensorFlow.js's debug checks (and its note about tfjs-node).
    tf.enableProdMode();
    return tf;
  } catch {
    return undefined;
  }
}

async function engines(ids: EngineId[], anchorDir: string, calls: boolean): Promise<{ engines: BenchEngine[]; notes: string[]; dispose(): Promise<void> }> {
  const notes: string[] = [];
  const tf = ids.some((id) => id.startsWith('tfjs')) ? await loadTensorFlow() : undefined;
  const anchorIds = ids.filter((id): id is AnchorId => (ANCHOR_IDS as string[]).includes(id));
  const anchors = anchorIds.length ? await buildAnchors(anchorIds, anchorDir) : undefined;
  for (const note of anchors?.notes ?? []) notes.push(note);
  const make: Record<EngineId, () => BenchEngine | undefined> = {
    'wasm': () => modelEngine('wasm', 'wasm', { file: kernelFile(), calls }),
    'wasm-epoch': () => modelEngine('wasm-epoch', 'wasm', { file: kernelFile(), stepsPerExecution: 'epoch' }),
    'wasm-scalar': () => modelEngine('wasm-scalar', 'wasm', { file: 'backprop-scalar.wasm' }),
    'js': () => modelEngine('js', 'js', { calls }),
    'c-sse2': () => anchors?.engines.find((e) => e.id === 'c-sse2'),
    'c-native': () => anchors?.engines.find((e) => e.id === 'c-native'),
    'tfjs-cpu': () => tf && tfEngine(tf, 'cpu'),
    'tfjs-wasm': () => tf && tfEngine(tf, 'wasm'),
  };
  const out: BenchEngine[] = [];
  for (const id of ids) {
    const e = make[id]();
    if (e) out.push(e);
    else if (id.startsWith('tfjs')) notes.push(`${id}: skipped, @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm are not installed`);
  }
  return { engines: out, notes, dispose: async () => anchors?.dispose() };
}

const ALL_NETWORKS = BENCH_NETWORKS.map((n) => n.id);
/** What --activation takes: softmax is an output layer's. */
const HIDDEN = HIDDEN_ACTIVATIONS;

/**
 * The speed targets that compare two engines: the ratio of their samples per second in this run, for
 * wasm (the host's batch loop) and wasm-epoch (one call per epoch) each; against the C anchors (`best`),
 * for the faster of the two, as the issue that set them measures — both are ways the library trains.
 */
const RATIO_TARGETS = [
  { what: 'WASM ≥ 1.5× pure JS on the tutorial networks', networks: ['2-2-1-linear', '2-2-1-sigmoid'], modes: ['sgd/1', 'adam/32'], versus: 'js', min: 1.5 },
  { what: 'WASM ≥ 4× pure JS on 32-64-64-1 and 128-128-1', networks: ['32-64-64-1', '128-128-1'], modes: ['sgd/1', 'adam/32'], versus: 'js', min: 4 },
  { what: 'WASM ≥ 10,000× TensorFlow.js (CPU) at batch size 1, tutorial networks', networks: ['2-2-1-linear', '2-2-1-sigmoid'], modes: ['sgd/1'], versus: 'tfjs-cpu', min: 10_000 },
  { what: 'WASM ≥ 10,000× TensorFlow.js (WASM) at batch size 1, tutorial networks', networks: ['2-2-1-linear', '2-2-1-sigmoid'], modes: ['sgd/1'], versus: 'tfjs-wasm', min: 10_000 },
  { what: "WASM ≥ 2× TensorFlow.js's WASM backend at mini-batch 32 on 32-64-64-1", networks: ['32-64-64-1'], modes: ['adam/32'], versus: 'tfjs-wasm', min: 2 },
  { what: 'WASM per-row SGD ≥ 0.8× the per-row C (SSE2) on every network', networks: ALL_NETWORKS, modes: ['sgd/1'], versus: 'c-sse2', min: 0.8, also: 'c-native', best: true },
  { what: 'WASM Adam/32 ≥ 1.0× the batched C (SSE2) on 32-64-64-1 and 128-128-1', networks: ['32-64-64-1', '128-128-1'], modes: ['adam/32'], versus: 'c-sse2', min: 1, also: 'c-native', best: true },
  { what: 'WASM Adam/32 ≥ 0.8× the batched C (SSE2) on 8-16-1', networks: ['8-16-1'], modes: ['adam/32'], versus: 'c-sse2', min: 0.8, also: 'c-native', best: true },
];

/** The targets on a call's cost in per-row training steps of the same network (see CallRow). */
const CALL_TARGETS: { what: string; call: CallId; max: number; networks?: string[] }[] = [
  { what: 'predicting one row costs ≤ 1 per-row training step', call: 'predict-1', max: 1 },
  { what: 'predicting one row costs ≤ 1 per-row training step (predictInto, nothing allocated)', call: 'predictInto-1', max: 1 },
  { what: 'predicting 10,000 rows costs ≤ 0.5 per-row training step per row', call: 'predict-10000', max: 0.5 },
  { what: "a fit call's fixed cost (4 rows, 1 epoch, less 4 steps) ≤ 100 per-row training steps", call: 'fit-4', max: 100 },
  { what: 'trainOnBatch of one row (Float64Arrays, nothing allocated) costs ≤ 3 per-row training steps, its own step included', call: 'trainOnBatchFlat-1', max: 3, networks: ['2-2-1-linear', '2-2-1-sigmoid', '8-16-1'] },
];

/** The threads rows' targets: 2 threads over 1 where a batch is work to share; 'auto' never slower than 1 (within noise). */
// Beside 2 threads' ratio, its ratio to two fits apart timed in turn with it (what the cores gave then).
const THREAD_TARGETS: { what: string; networks: string[]; modes: string[]; engine: string; min: number; also?: string }[] = [
  { what: '2 threads ≥ 1.8× one thread, Adam at batch 64 and 256', networks: ['128-128-1', '256-256-1'], modes: ['adam/64', 'adam/256'], engine: 'threads-2', min: 1.8, also: 'apart-2' },
  { what: '2 threads ≥ 1.5× one thread, Adam at batch 32', networks: ['128-128-1'], modes: ['adam/32'], engine: 'threads-2', min: 1.5, also: 'apart-2' },
  { what: "threads 'auto' within 3% of one thread (or faster)", networks: THREAD_GROUPS.map((g) => g.network.id), modes: THREAD_GROUPS.map((g) => g.mode.id), engine: 'threads-auto', min: 0.97 },
];

/** The groups that 2 threads have a target on: the ones the fits apart are timed for. */
const hasTwoThreadTarget = (network: BenchNetwork, mode: BenchMode) => THREAD_TARGETS.some((t) => t.engine === 'threads-2' && t.networks.includes(network.id) && t.modes.includes(mode.id));

export function checkThreadTargets(rows: BenchRow[]): TargetCheck[] {
  return THREAD_TARGETS.flatMap((t) => THREAD_GROUPS.filter((g) => t.networks.includes(g.network.id) && t.modes.includes(g.mode.id)).flatMap(({ network, mode }) => {
    const check = ratioCheck(rows, t.what, network.id, mode.id, t.engine, 'threads-1', t.min, t.also);
    return Number.isNaN(check.ratio) ? [] : [check];
  }));
}

/** The search's target: 2 workers ≥ 1.8× 1 on the grid, judged with the workers started for the search and kept from the one before. */
const SEARCH_MIN = 1.8;

export function checkSearchTargets(rows: SearchBenchRow[]): TargetCheck[] {
  return (['started', 'kept'] as const).flatMap((pool) => {
    const of = (threads: number) => rows.find((r) => r.pool === pool && r.threads === threads)?.ms ?? NaN;
    const r = of(1) / of(2);
    return Number.isNaN(r) ? [] : [{ target: `search on 2 workers ≥ ${SEARCH_MIN}× on 1, workers ${pool === 'started' ? 'started for the search' : 'kept from the search before'}`, network: `${SEARCH_BENCH.settings}-setting grid`, mode: pool, engine: 'search-2', versus: 'search-1', ratio: r, min: SEARCH_MIN, met: r >= SEARCH_MIN }];
  });
}

interface TargetCheck {
  target: string;
  network: string;
  /** The training mode, or the call ('predict-1', 'predict-10000', 'fit-4'). */
  mode: string;
  engine: string;
  /** The other engine, or 'step' for a call's cost in per-row training steps. */
  versus: string;
  ratio: number;
  min?: number;
  max?: number;
  met: boolean;
  /** The same engine's ratio to another, shown beside it (the -march=native C build, two fits apart). */
  also?: { versus: string; ratio: number };
}

/** `engine` ÷ `versus` on one network and mode against `min`, with `engine` ÷ `also` beside it where `also` ran. */
function ratioCheck(rows: BenchRow[], target: string, network: string, mode: string, engine: string, versus: string, min: number, also?: string): TargetCheck {
  const r = ratio(rows, network, mode, engine, versus);
  const beside = also === undefined ? NaN : ratio(rows, network, mode, engine, also);
  return { target, network, mode, engine, versus, ratio: r, min, met: r >= min, ...(Number.isNaN(beside) ? {} : { also: { versus: also!, ratio: beside } }) };
}

export function checkTargets(rows: BenchRow[], calls: CallRow[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const t of RATIO_TARGETS) {
    for (const network of t.networks) {
      for (const mode of t.modes) {
        const of = (engine: string) => ratio(rows, network, mode, engine, t.versus);
        const engines = ['wasm', 'wasm-epoch'].filter((e) => !Number.isNaN(of(e)));
        for (const engine of t.best ? engines.sort((a, b) => of(b) - of(a)).slice(0, 1) : engines) {
          out.push(ratioCheck(rows, t.what, network, mode, engine, t.versus, t.min, t.also));
        }
      }
    }
  }
  for (const t of CALL_TARGETS) {
    for (const c of calls.filter((c) => c.call === t.call && c.engine === 'wasm' && (t.networks?.includes(c.network) ?? true))) {
      out.push({ target: t.what, network: c.network, mode: c.call, engine: c.engine, versus: 'step', ratio: c.steps, max: t.max, met: c.steps <= t.max });
    }
  }
  for (const target of standaloneTargets(calls)) out.push(target);
  return out;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
// Two significant digits below 0.1: TensorFlow.js at batch size 1 over C is a few hundred-thousandths.
const times = (r: number) => (Number.isNaN(r) ? '' : r >= 100 ? `${fmt(r)}×` : r >= 0.1 ? `${fmt(r, 2)}×` : `${r.toPrecision(2)}×`);
/** Three significant digits, at most three decimals. */
const short = (n: number) => fmt(n, Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : Math.abs(n) >= 1 ? 2 : 3);

function header(reps: number): string[] {
  const cpu = cpus();
  return [
    `Node ${process.version}, ${cpu[0]?.model.trim() ?? 'unknown CPU'} (${cpu.length} cores), WebAssembly SIMD: ${simdSupported() ? 'yes (build/backprop.wasm)' : 'no (build/backprop-scalar.wasm)'}`,
    `512 synthetic rows per network, rows in order; each figure the fastest of ${reps} timed run${reps === 1 ? '' : 's'} after a warm-up, the engines`,
    'taking turns; GFLOP/s counts 6 × parameters per sample; "÷ js" is samples/s over the js engine\'s in this run,',
    '"÷ c-sse2" and "÷ c-native" over the C anchors\' (per-row.c for sgd/1, batched.c for adam/32; cc -O3 -ffast-math',
    'with -msse2 -mno-avx, 128 bits like WebAssembly SIMD, or with -march=native).',
  ];
}

/** Columns padded to their widths: text columns (those in `left`) to the left, figures to the right. */
const line = (cells: string[], widths: number[], left: number[]) => cells.map((c, i) => (left.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');

const TRAIN_COLUMNS = ['network', 'params', 'mode', 'engine', 'samples/s', 'GFLOP/s', '÷ js', '÷ c-sse2', '÷ c-native'];
const TRAIN_WIDTHS = [14, 7, 8, 12, 12, 8, 8, 9, 10];
const trainLine = (cells: string[]) => line(cells, TRAIN_WIDTHS, [0, 2, 3]);

const THREAD_COLUMNS = ['network', 'params', 'mode', 'threads', 'samples/s', 'GFLOP/s', '÷ 1 thread'];
const THREAD_WIDTHS = [14, 7, 8, 7, 12, 8, 10];
const threadLine = (r: BenchRow, rows: BenchRow[]) => line([r.network, fmt(r.parameters), r.mode, r.engine.startsWith('apart-') ? `${r.threads} apart` : String(r.threads), fmt(r.samplesPerSecond), fmt(r.gflops, 3),
  r.engine === 'threads-1' ? '' : times(ratio(rows, r.network, r.mode, r.engine, 'threads-1'))], THREAD_WIDTHS, [0, 2]);

function rowLine(r: BenchRow, rows: BenchRow[]): string {
  const versus = (b: string) => (r.engine === b ? '' : times(ratio(rows, r.network, r.mode, r.engine, b)));
  return trainLine([r.network, fmt(r.parameters), r.mode, r.engine, fmt(r.samplesPerSecond), fmt(r.gflops, 3), versus('js'), versus('c-sse2'), versus('c-native')]);
}

const CALL_HEADER = [
  'predict and fit through the public Model API (rows as number[][]; predictInto: a flat Float64Array in and out), timed in turn with the sgd/1 runs. A step is one',
  'per-row training step of the same network and engine (10⁶ ÷ its sgd/1 samples/s above). predict: µs per call of 1 row,',
  'per row of a 10,000-row call; fit: model.fit of 4 rows, 1 epoch, batch size 1, rows in order: the whole call, and its',
  'fixed cost = the call less 4 steps.',
];
const CALL_COLUMNS = ['network', 'engine', 'step µs', 'predict 1: µs', 'steps', 'predictInto: µs', 'steps', '10,000: µs/row', 'steps', 'fit 4: µs', 'fixed µs', 'steps'];
const CALL_WIDTHS = [14, 6, 8, 13, 7, 15, 7, 14, 7, 10, 9, 7];

function callLines(calls: CallRow[]): string[] {
  const out: string[] = [];
  for (const c of calls.filter((c) => c.call === 'predict-1')) {
    const get = (id: CallId) => calls.find((d) => d.network === c.network && d.engine === c.engine && d.call === id);
    const into = get('predictInto-1'), p10k = get('predict-10000'), fit = get('fit-4');
    out.push(line([c.network, c.engine, short(c.stepMicroseconds), short(c.microsecondsPerCall), short(c.steps),
      into ? short(into.microsecondsPerCall) : '', into ? short(into.steps) : '',
      p10k ? short(p10k.costMicroseconds) : '', p10k ? short(p10k.steps) : '',
      fit ? short(fit.microsecondsPerCall) : '', fit ? short(fit.costMicroseconds) : '', fit ? short(fit.steps) : ''], CALL_WIDTHS, [0, 1]));
  }
  return out;
}

const STANDALONE_HEADER = [
  'Standalone predictors (backprop export --format js, wasm; docs/standalone.md): the exported module\'s predictInto of 1 row, µs,',
  'and over the library\'s predictInto of 1 row on the same engine (target: at most 1.5×).',
];
const STANDALONE_COLUMNS = ['network', 'engine', 'export µs', 'library µs', '÷ library'];
const STANDALONE_WIDTHS = [14, 6, 10, 11, 10];

function standaloneLines(calls: CallRow[]): string[] {
  return calls.filter((c) => c.call === 'standalone-1').map((c) => {
    const library = calls.find((d) => d.network === c.network && d.engine === c.engine && d.call === 'predictInto-1');
    return line([c.network, c.engine, short(c.microsecondsPerCall), library ? short(library.microsecondsPerCall) : '', library ? times(c.microsecondsPerCall / library.microsecondsPerCall) : ''], STANDALONE_WIDTHS, [0, 1]);
  });
}

/** The standalone predictors' target: one row through the export within 1.5× the library's predictInto on its engine. */
function standaloneTargets(calls: CallRow[]): TargetCheck[] {
  return calls.filter((c) => c.call === 'standalone-1').flatMap((c) => {
    const library = calls.find((d) => d.network === c.network && d.engine === c.engine && d.call === 'predictInto-1');
    if (!library) return [];
    const r = c.microsecondsPerCall / library.microsecondsPerCall;
    return [{ target: `the ${c.engine} export's predictInto of 1 row within 1.5× the library's`, network: c.network, mode: c.call, engine: c.engine, versus: 'predictInto-1', ratio: r, max: 1.5, met: r <= 1.5 }];
  });
}

const ONLINE_HEADER = [
  'trainOnBatch of one row (sgd, the same options object each call): µs per call, and in steps as above, its own step',
  'included; rows as number[][], and as Float64Arrays.',
];
const ONLINE_COLUMNS = ['network', 'engine', 'step µs', 'rows: µs', 'steps', 'Float64Array: µs', 'steps'];
const ONLINE_WIDTHS = [14, 6, 8, 9, 7, 17, 7];

function onlineLines(calls: CallRow[]): string[] {
  return calls.filter((c) => c.call === 'trainOnBatch-1').map((c) => {
    const flat = calls.find((d) => d.network === c.network && d.engine === c.engine && d.call === 'trainOnBatchFlat-1');
    return line([c.network, c.engine, short(c.stepMicroseconds), short(c.microsecondsPerCall), short(c.steps), flat ? short(flat.microsecondsPerCall) : '', flat ? short(flat.steps) : ''], ONLINE_WIDTHS, [0, 1]);
  });
}

function targetLine(t: TargetCheck): string {
  const also = t.also ? ` (÷ ${t.also.versus} ${times(t.also.ratio)})` : '';
  const value = t.versus === 'step' ? `${t.engine}: ${short(t.ratio)} steps` : `${t.engine} ÷ ${t.versus} = ${times(t.ratio)}${also}`;
  return `  ${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.network} ${t.mode}, ${value}`;
}

export const bench: Command = {
  name: 'bench',
  summary: 'training speed of the WASM, pure-JS and TensorFlow.js engines against C; predict and fit call costs',
  usage: 'backprop bench [options]',
  about: `Trains each network with each engine on the same synthetic data (512 rows) and prints samples per
second, GFLOP/s and the ratios between engines measured in this run; then the cost of predict (one
row, 10,000 rows) and of a fit call's fixed work, in per-row training steps; then the speed targets.
Networks: 2-2-1 linear/mse and sigmoid/bce (the tutorial's), 8-16-1, 32-64-64-1, 128-128-1 (sigmoid,
binary cross-entropy). Modes: sgd/1 (per-row SGD) and adam/32 (mini-batches of 32, Adam).
Engines: wasm (the host runs the batch loop), wasm-epoch (one call per epoch), wasm-scalar (the
build without SIMD), js, c-sse2 and c-native (the C anchors, compiled with cc -O3 -ffast-math and
-msse2 -mno-avx or -march=native; skipped where there is no C compiler or no sources; on Linux run
on the engines' core, with taskset), tfjs-cpu, tfjs-wasm. Predict and fit calls are timed for wasm and js.`,
  flags: [{
    flags: {
      networks: { value: 'LIST', help: `some of ${ALL_NETWORKS.join(', ')}` },
      activation: { value: 'NAME', help: `the hidden layers' activation in place of sigmoid (2-2-1-linear stays linear): one of ${HIDDEN.join(', ')}` },
      modes: { value: 'LIST', help: `some of ${BENCH_MODES.map((m) => m.id).join(', ')} (calls are timed with sgd/1)` },
      engines: { value: 'LIST', help: `some of ${ENGINE_IDS.join(', ')}` },
      reps: { value: 'N', help: 'timed runs per figure (default 5; half with the figure\'s group, the rest at the end); each figure is the fastest' },
      'no-calls': { help: 'time training only, without the predict and fit calls' },
      quick: { help: 'one timed run per figure, half as long (rough figures, for a quick look)' },
      anchors: { value: 'DIR', help: 'where per-row.c and batched.c are (default: shared/anchors beside the package or a parent)' },
      threads: { help: "time the threads rows instead (wasm, fit({ threads })): Adam on 128-128-1 at 32, 64 and 256 rows a batch and on 256-256-1 at 64 and 256, on 1 thread, 2 and 'auto'; and 'auto' on the small networks; two models fitting apart at once (one thread each, in workers of their own: what the cores gave then) where 2 threads have a target; the cores timed before and after them (a round trip between two, each one's speed alone and all at once); then the search rows (as --search)" },
      search: { help: `time the search rows instead: a ${SEARCH_BENCH.settings}-setting grid of small networks (${SEARCH_BENCH.epochs} epochs, ${SEARCH_BENCH.rows.toLocaleString('en-US')} rows) searched on 1 worker and on 2, with workers started for the search and kept from the one before (--reps: runs of each, default 3); the cores timed before and after them, as with --threads` },
      folds: { value: 'K', help: `with --search: each setting cross-validated on K folds (K × ${SEARCH_BENCH.settings} fits) instead of one validation split` },
      json: { help: 'print one JSON object: the machine, the rows, the calls and the targets' },
    },
  }],
  noArguments: 'it times synthetic rows of its own',
  async run(v) {
    if (v.folds !== undefined && !v.search) fail('--folds', 'goes with --search');
    if (v.threads && v.search) fail('--search', '--threads runs the search rows too; give one of the two');
    if (v.threads) return benchThreads(v);
    if (v.search) return benchSearch(v);
    const activation = v.activation === undefined ? undefined : oneOf('--activation', v.activation, HIDDEN);
    const picked = list('networks', v.networks)?.map((id) => BENCH_NETWORKS.find((n) => n.id === oneOf('--networks', id, ALL_NETWORKS))!);
    const networks = activation ? (picked ?? BENCH_NETWORKS).map((n) => withHiddenActivation(n, activation)) : picked;
    const modes = list('modes', v.modes)?.map((id) => BENCH_MODES.find((m) => m.id === oneOf('--modes', id, BENCH_MODES.map((m) => m.id)))!);
    const ids = (list('engines', v.engines)?.map((e) => oneOf('--engines', e, ENGINE_IDS)) ?? [...ENGINE_IDS])
      .filter((id) => id !== 'wasm-scalar' || simdSupported());
    const reps = number('reps', v.reps) ?? (v.quick ? 1 : 5);
    if (!Number.isInteger(reps) || reps < 1) fail('--reps', `expected a positive whole number, got ${reps}`);
    if (v.anchors !== undefined && (typeof v.anchors !== 'string' || v.anchors === '')) fail('--anchors', 'expected a directory');
    const { engines: chosen, notes, dispose } = await engines(ids, (v.anchors as string | undefined) ?? defaultAnchorDir(), !v['no-calls']);
    if (chosen.some((e) => (ANCHOR_IDS as string[]).includes(e.id))) {
      for (const n of networks ?? BENCH_NETWORKS) {
        for (const m of modes ?? BENCH_MODES) {
          const a = anchorArgs(n, m, 1);
          if ('none' in a) notes.push(`no C figure for ${n.id} ${m.id}: ${a.none}`);
        }
      }
    }
    if (activation) notes.push(`hidden layers: ${activation} in place of sigmoid (--activation); the speed targets are set on the sigmoid networks and are not judged`);
    if (v['no-calls']) notes.push('predict and fit calls: not timed (--no-calls)');
    else if (!(modes ?? BENCH_MODES).some((m) => m.batchSize === 1)) notes.push('predict and fit calls: not timed (they are timed with sgd/1)');
    if (!v.json) {
      for (const l of [...header(reps), ...notes, '']) console.log(l);
      console.log(trainLine(TRAIN_COLUMNS));
    }
    const result = await runBench({
      ...(networks ? { networks } : {}), modes: modes ?? BENCH_MODES, engines: chosen, reps, timeScale: v.quick ? 0.5 : 1,
      // the rows come at the end (the last repetitions go round every group): meanwhile, where each stands
      onProgress: (group) => { if (!v.json && process.stderr.isTTY) process.stderr.write(`\r\x1b[Kmeasured ${group}; the last repetitions run round every group at the end`); },
      onGroup: (rows) => {
        if (v.json) return;
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        for (const r of rows) console.log(rowLine(r, rows));
      },
    }).finally(dispose);
    const targets = activation ? [] : checkTargets(result.rows, result.calls);
    if (v.json) {
      console.log(JSON.stringify({ ...machine(), notes, ...result, targets }));
      return;
    }
    if (result.calls.length) {
      for (const l of ['', ...CALL_HEADER, '', line(CALL_COLUMNS, CALL_WIDTHS, [0, 1]), ...callLines(result.calls)]) console.log(l);
      for (const l of ['', ...STANDALONE_HEADER, '', line(STANDALONE_COLUMNS, STANDALONE_WIDTHS, [0, 1]), ...standaloneLines(result.calls)]) console.log(l);
      for (const l of ['', ...ONLINE_HEADER, '', line(ONLINE_COLUMNS, ONLINE_WIDTHS, [0, 1]), ...onlineLines(result.calls)]) console.log(l);
    }
    if (activation) return;
    console.log('\ntargets (ratios from this run; against the C anchors, the faster of wasm and wasm-epoch):');
    for (const t of targets) console.log(targetLine(t));
  },
};

/** The reps of `bench --threads` and `--search`, whose rows are a fixed set: the training flags are refused. */
function fixedRowsReps(v: Values, flag: string, reps: number): number {
  for (const other of ['networks', 'modes', 'engines', 'activation', 'anchors', 'no-calls']) {
    if (v[other] !== undefined) fail(`--${other}`, `the ${flag} rows are a fixed set (see --help); leave it out with --${flag}`);
  }
  const n = number('reps', v.reps) ?? (v.quick ? 1 : reps);
  if (!Number.isInteger(n) || n < 1) fail('--reps', `expected a positive whole number, got ${n}`);
  return n;
}

/** `bench --threads`: the threads rows and their targets, then the search's. */
async function benchThreads(v: Values): Promise<void> {
  const reps = fixedRowsReps(v, 'threads', 5);
  const apart = apartEngine(2, hasTwoThreadTarget);
  const engines = [...THREAD_COUNTS.map((threads) => modelEngine(`threads-${threads}`, 'wasm', { file: kernelFile(), threads })), apart];
  const before = await coresNow();
  if (!v.json) {
    console.log(header(reps)[0]);
    for (const l of coresLines(before, 'before the rows')) console.log(l);
    console.log(`The threads rows: wasm, fit({ threads }) on 1 thread, 2 and 'auto' (here ${coreCount()} cores); 512 synthetic rows per network, rows in order,`);
    console.log(`each figure the fastest of ${reps} timed run${reps === 1 ? '' : 's'}, the thread counts taking turns; "÷ 1 thread" is samples/s over one thread's in this run;`);
    console.log('"2 apart": two models at once, each on one thread in a worker of its own (nothing shared), where 2 threads have a target: what the two cores gave then.');
    console.log('');
    console.log(line(THREAD_COLUMNS, THREAD_WIDTHS, [0, 2]));
  }
  const result = await runBench({
    groups: THREAD_GROUPS, engines, reps, timeScale: v.quick ? 0.5 : 1,
    onGroup: (rows) => { if (!v.json) for (const r of rows) console.log(threadLine(r, rows)); },
  }).finally(() => apart.close());
  const after = await coresNow();
  if (!v.json) for (const l of ['', ...coresLines(after, 'after the rows'), '']) console.log(l);
  // --reps counts the search's runs too; by default fewer of them (each is a whole search)
  const searched = await searchRows(v, v.reps === undefined ? (v.quick ? 1 : 3) : reps);
  report(v, { coreTimes: { before, after }, rows: result.rows, search: searched }, [...checkThreadTargets(result.rows), ...checkSearchTargets(searched.rows)]);
}

/** What each core alone is timed on: the threads rows' batches of 64 on 128-128-1. */
const CORE_SPEED_GROUP = THREAD_GROUPS.find((g) => g.network.id === '128-128-1' && g.mode.id === 'adam/64')!;

/**
 * The cores as the threads rows find them: a round trip between two of them, and each one's speed
 * alone and all at once (null, with why, where not timed).
 */
interface CoresNow {
  roundTripNs: number | null;
  speeds: CoreSpeeds | null;
  why?: string;
}

async function coresNow(): Promise<CoresNow> {
  // One core has no trip between cores to time (two spinning threads would take turns on it), nor a second speed
  if (coreCount() < 2) return { roundTripNs: null, speeds: null, why: 'one core' };
  const roundTripNs = await coreRoundTrip();
  const speeds = await coreSpeeds(coreCount(), new URL('./node.js', import.meta.url), CORE_SPEED_GROUP);
  return 'none' in speeds ? { roundTripNs, speeds: null, why: speeds.none } : { roundTripNs, speeds };
}

/** What coresNow found, as the threads rows' header and footer print it. */
export function coresLines(c: CoresNow, when: string): string[] {
  if (c.roundTripNs === null) return [`The cores ${when}: ${c.why}, none timed.`];
  const lines = [`The cores ${when}: a round trip between two of ${fmt(c.roundTripNs)} ns (a flag handed to another thread and back, the fastest of 5 × 20,000),`];
  if (!c.speeds) return [...lines, `each core's speed not timed (${c.why}).`];
  const { alone, together } = c.speeds;
  const fastest = alone.reduce((a, x) => Math.max(a, x.samplesPerSecond), 0);
  const sum = together.reduce((a, x) => a + x.samplesPerSecond, 0);
  const each = (speeds: CoreSpeed[]) => speeds.map((x) => `core ${x.core} ${fmt(x.samplesPerSecond)}${x.samplesPerSecond < fastest ? ` (${times(x.samplesPerSecond / fastest)})` : ''}`).join(', ');
  return [...lines,
    `each alone (${CORE_SPEED_GROUP.network.id} ${CORE_SPEED_GROUP.mode.id}, one thread in a process pinned to it): ${each(alone)} samples/s;`,
    `all at once (a process on each, the fastest fit of each in the same second): ${each(together)} — ${alone.length} threads`,
    `can reach at most ${times(sum / fastest)} the fastest core alone; a long trip costs every barrier more (docs/speed.md).`];
}

/** `bench --search`: the search rows and their targets. */
async function benchSearch(v: Values): Promise<void> {
  const reps = fixedRowsReps(v, 'search', 3), folds = searchFolds(v);
  // the search's speed-up moves with the cores as the threads rows' does
  const before = await coresNow();
  if (!v.json) for (const l of [...coresLines(before, 'before the search rows'), '']) console.log(l);
  const searched = await searchRows(v, reps, folds);
  const after = await coresNow();
  if (!v.json) for (const l of ['', ...coresLines(after, 'after the search rows')]) console.log(l);
  report(v, { coreTimes: { before, after }, search: searched }, checkSearchTargets(searched.rows));
}

/** --folds: a whole number of at least 2, or none (one validation split). */
function searchFolds(v: Values): number | undefined {
  const folds = number('folds', v.folds);
  if (folds !== undefined && (!Number.isInteger(folds) || folds < 2)) fail('--folds', `expected a whole number of folds, at least 2, got ${folds}`);
  return folds;
}

/** What this machine is, as --json prints it. */
function machine(): { node: string; cpu: string | undefined; cores: number; simd: boolean } {
  return { node: process.version, cpu: cpus()[0]?.model.trim(), cores: cpus().length, simd: simdSupported() };
}

/** The end of `bench --threads` and `--search`: with --json the machine, the rows and the targets as one object, else the targets' lines. */
function report(v: Values, rows: object, targets: TargetCheck[]): void {
  if (v.json) {
    console.log(JSON.stringify({ ...machine(), ...rows, targets }));
    return;
  }
  console.log('\ntargets (ratios from this run):');
  for (const t of targets) console.log(targetLine(t));
}

const SEARCH_COLUMNS = ['pool', 'workers', 'ms', 'cpu ms', '÷ 1 worker'];
const SEARCH_WIDTHS = [29, 7, 7, 7, 10];

/** The search rows (printed unless --json): the grid on 1 worker and 2, started and kept, the fastest of `reps` runs each. */
async function searchRows(v: Values, reps: number, folds?: number): Promise<SearchBench> {
  const fits = SEARCH_BENCH.settings * (folds ?? 1);
  if (!v.json) {
    console.log(`The search rows: search() of ${SEARCH_BENCH.settings} settings (${SEARCH_BENCH.grid}), ${SEARCH_BENCH.rows.toLocaleString('en-US')} rows,`);
    console.log(`${SEARCH_BENCH.epochs} epochs a fit, ${folds === undefined ? 'one validation split' : `${folds} folds`}: ${fits} fits, on 1 worker and on 2 (here ${coreCount()} cores), taking turns, each pool`);
    console.log('started for the search (a process\'s first search, in a new process: the workers boot and wait for optimized');
    console.log(`code) and kept from the search before (a program's later searches); the fastest of ${reps} run${reps === 1 ? '' : 's'}; cpu ms: every`);
    console.log('thread of the process; the same rows, to the bit, in every run.');
    console.log('');
    console.log(line(SEARCH_COLUMNS, SEARCH_WIDTHS, [0]));
  }
  const searched = await runSearchBench({ reps, library: new URL('./node.js', import.meta.url), ...(folds === undefined ? {} : { folds }) });
  if (!v.json) {
    for (const r of searched.rows) {
      const one = searched.rows.find((o) => o.pool === r.pool && o.threads === 1)!;
      const pool = r.pool === 'started' ? 'started for the search' : 'kept from the one before';
      console.log(line([pool, String(r.threads), fmt(r.ms), fmt(r.cpuMs), r.threads === 1 ? '' : times(one.ms / r.ms)], SEARCH_WIDTHS, [0]));
    }
    // What a started pool adds to either search: its share of the 2-worker search's time is twice the 1-worker one's
    console.log(`\nA worker's start (a pool of 1 started until it answers a fit of one epoch on 20 rows: its boot, its load of the`);
    console.log(`library and kernels, code not yet optimized): ${fmt(searched.startMs)} ms, the fastest of ${reps}. A started pool pays it once, its`);
    console.log('workers in parallel: the same time added to the search on 1 worker and to the one on 2, which takes half as long.');
  }
  return searched;
}
