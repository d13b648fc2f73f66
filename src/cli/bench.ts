import { cpus } from 'node:os';
import {
  BENCH_NETWORKS, BENCH_MODES, modelEngine, ratio, runBench, tfEngine,
  type BenchEngine, type BenchRow, type TensorFlow,
} from '../bench.js';
import { kernelFile, simdSupported } from '../engines/wasm.js';
import { fail, oneOf } from '../errors.js';
import { list, number, type Command } from './args.js';
// The Node entry sets where the kernels are read from (build/).
import '../node.js';

// js first, so each later row can show its ratio to it as soon as it is printed.
const ENGINE_IDS = ['js', 'wasm', 'wasm-epoch', 'wasm-scalar', 'tfjs-cpu', 'tfjs-wasm'] as const;
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

async function engines(ids: EngineId[]): Promise<{ engines: BenchEngine[]; notes: string[] }> {
  const notes: string[] = [];
  const tf = ids.some((id) => id.startsWith('tfjs')) ? await loadTensorFlow() : undefined;
  const make: Record<EngineId, () => BenchEngine | undefined> = {
    'wasm': () => modelEngine('wasm', 'wasm', { file: kernelFile() }),
    'wasm-epoch': () => modelEngine('wasm-epoch', 'wasm', { file: kernelFile(), stepsPerExecution: 'epoch' }),
    'wasm-scalar': () => modelEngine('wasm-scalar', 'wasm', { file: 'backprop-scalar.wasm' }),
    'js': () => modelEngine('js', 'js'),
    'tfjs-cpu': () => tf && tfEngine(tf, 'cpu'),
    'tfjs-wasm': () => tf && tfEngine(tf, 'wasm'),
  };
  const out: BenchEngine[] = [];
  for (const id of ids) {
    const e = make[id]();
    if (e) out.push(e);
    else notes.push(`${id}: skipped, @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm are not installed`);
  }
  return { engines: out, notes };
}

/** The issue's speed targets, each a ratio of two engines' samples per second in this run. */
const TARGETS = [
  { what: 'WASM ≥ 1.5× pure JS on the tutorial networks', networks: ['2-2-1-linear', '2-2-1-sigmoid'], modes: ['sgd/1', 'adam/32'], versus: 'js', min: 1.5 },
  { what: 'WASM ≥ 4× pure JS on 32-64-64-1 and 128-128-1', networks: ['32-64-64-1', '128-128-1'], modes: ['sgd/1', 'adam/32'], versus: 'js', min: 4 },
  { what: 'WASM ≥ 10,000× TensorFlow.js (CPU) at batch size 1, tutorial networks', networks: ['2-2-1-linear', '2-2-1-sigmoid'], modes: ['sgd/1'], versus: 'tfjs-cpu', min: 10_000 },
  { what: 'WASM ≥ 10,000× TensorFlow.js (WASM) at batch size 1, tutorial networks', networks: ['2-2-1-linear', '2-2-1-sigmoid'], modes: ['sgd/1'], versus: 'tfjs-wasm', min: 10_000 },
  { what: "WASM ≥ 2× TensorFlow.js's WASM backend at mini-batch 32 on 32-64-64-1", networks: ['32-64-64-1'], modes: ['adam/32'], versus: 'tfjs-wasm', min: 2 },
];

export interface TargetCheck { target: string; network: string; mode: string; engine: string; versus: string; ratio: number; min: number; met: boolean }

export function checkTargets(rows: BenchRow[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const t of TARGETS) {
    for (const network of t.networks) {
      for (const mode of t.modes) {
        for (const engine of ['wasm', 'wasm-epoch']) {
          const r = ratio(rows, network, mode, engine, t.versus);
          if (Number.isNaN(r)) continue;
          out.push({ target: t.what, network, mode, engine, versus: t.versus, ratio: r, min: t.min, met: r >= t.min });
        }
      }
    }
  }
  return out;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const times = (r: number) => (Number.isNaN(r) ? '' : r >= 100 ? `${fmt(r)}×` : `${fmt(r, 2)}×`);

function header(reps: number): string[] {
  const cpu = cpus();
  return [
    `Node ${process.version}, ${cpu[0]?.model.trim() ?? 'unknown CPU'} (${cpu.length} cores), WebAssembly SIMD: ${simdSupported() ? 'yes (build/backprop.wasm)' : 'no (build/backprop-scalar.wasm)'}`,
    `512 synthetic rows per network, rows in order; each figure the median of ${reps} timed runs after a warm-up, the engines`,
    'taking turns; GFLOP/s counts 6 × parameters per sample; "÷ js" is samples/s over the js engine\'s in this run.',
  ];
}

const COLUMNS = ['network', 'params', 'mode', 'engine', 'samples/s', 'GFLOP/s', '÷ js'];

function tableLine(cells: string[]): string {
  const widths = [14, 7, 8, 12, 14, 9, 10];
  return cells.map((c, i) => (i === 0 || i === 2 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
}

function rowLine(r: BenchRow, rows: BenchRow[]): string {
  return tableLine([r.network, fmt(r.parameters), r.mode, r.engine, fmt(r.samplesPerSecond), fmt(r.gflops, 3),
    r.engine === 'js' ? '' : times(ratio(rows, r.network, r.mode, r.engine, 'js'))]);
}

export const bench: Command = {
  name: 'bench',
  summary: 'training speed of the WASM, pure-JS and TensorFlow.js engines',
  usage: 'backprop bench [options]',
  about: `Trains each network with each engine on the same synthetic data (512 rows) and prints samples per
second, GFLOP/s and the ratios between engines measured in this run, then the speed targets.
Networks: 2-2-1 linear/mse and sigmoid/bce (the tutorial's), 8-16-1, 32-64-64-1, 128-128-1 (sigmoid,
binary cross-entropy). Modes: sgd/1 (per-row SGD) and adam/32 (mini-batches of 32, Adam).
Engines: wasm (the host runs the batch loop), wasm-epoch (one call per epoch), wasm-scalar (the
build without SIMD), js, tfjs-cpu, tfjs-wasm.`,
  flags: [{
    flags: {
      networks: { value: 'LIST', help: `some of ${BENCH_NETWORKS.map((n) => n.id).join(', ')}` },
      engines: { value: 'LIST', help: `some of ${ENGINE_IDS.join(', ')}` },
      reps: { value: 'N', help: 'timed runs per figure (default 5); each figure is their median' },
      json: { help: 'print one JSON object: the machine, the rows and the targets' },
    },
  }],
  async run(v) {
    const networks = list('networks', v.networks)?.map((id) => BENCH_NETWORKS.find((n) => n.id === oneOf('--networks', id, BENCH_NETWORKS.map((n) => n.id)))!);
    const ids = (list('engines', v.engines)?.map((e) => oneOf('--engines', e, ENGINE_IDS)) ?? [...ENGINE_IDS])
      .filter((id) => id !== 'wasm-scalar' || simdSupported());
    const reps = number('reps', v.reps) ?? 5;
    if (!Number.isInteger(reps) || reps < 1) fail('--reps', `expected a positive whole number, got ${reps}`);
    const { engines: chosen, notes } = await engines(ids);
    if (!v.json) {
      for (const line of [...header(reps), ...notes, '']) console.log(line);
      console.log(tableLine(COLUMNS));
    }
    const rows: BenchRow[] = [];
    await runBench({
      ...(networks ? { networks } : {}), modes: BENCH_MODES, engines: chosen, reps,
      onRow: (r) => { rows.push(r); if (!v.json) console.log(rowLine(r, rows)); },
    });
    const targets = checkTargets(rows);
    if (v.json) {
      console.log(JSON.stringify({ node: process.version, cpu: cpus()[0]?.model.trim(), cores: cpus().length, simd: simdSupported(), rows, targets }));
      return;
    }
    console.log('\ntargets (ratios of samples/s from this run):');
    for (const t of targets) {
      console.log(`  ${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.network} ${t.mode}, ${t.engine} ÷ ${t.versus} = ${times(t.ratio)}`);
    }
  },
};
