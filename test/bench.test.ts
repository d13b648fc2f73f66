// The bench's arithmetic and plumbing, never its timings: which C anchor trains which network, how an
// anchor's output is read, what a call's cost in training steps is, and which targets count as met.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anchorArgs, parseAnchorOutput } from '../src/yardsticks/anchors.js';
import { BENCH_MODES, BENCH_NETWORKS, benchData, callCost, runBench, tfEngine, type BenchEngine, type BenchRow, type CallRow } from '../src/yardsticks/benchmark.js';
import { checkSearchTargets, checkTargets, checkThreadTargets, coresLines } from '../src/cli/bench.js';
import { BackpropError } from '../src/errors.js';
import { largestDifference } from '../src/yardsticks/difference.js';
import { largestRelativeDifference } from '../src/cli/agreement.js';
import { coreRoundTrip } from '../src/yardsticks/roundTrip.js';

const network = (id: string) => BENCH_NETWORKS.find((n) => n.id === id)!;
const [sgd1, adam32] = [BENCH_MODES.find((m) => m.id === 'sgd/1')!, BENCH_MODES.find((m) => m.id === 'adam/32')!];

describe('anchorArgs: the C program and arguments for a network, mode and run time (the usage lines of per-row.c and batched.c)', () => {
  it.each([
    ['2-2-1-linear', sgd1, { program: 'per-row', args: ['2,2,1', '0.100', '0'] }],
    ['2-2-1-sigmoid', sgd1, { program: 'per-row', args: ['2,2,1', '0.100', '1'] }],
    ['32-64-64-1', sgd1, { program: 'per-row', args: ['32,64,64,1', '0.100', '1'] }],
    ['128-128-1', adam32, { program: 'batched', args: ['128,128,1', '32', '0.100'] }],
    ['8-16-1', adam32, { program: 'batched', args: ['8,16,1', '32', '0.100'] }],
  ])('%s %s', (id, mode, expected) => {
    expect(anchorArgs(network(id), mode, 0.1)).toEqual(expected);
  });

  it('none where the programs train something else: linear with Adam, tanh, two outputs', () => {
    expect(anchorArgs(network('2-2-1-linear'), adam32, 0.1)).toEqual({ none: expect.stringMatching(/batched\.c trains all-sigmoid/) });
    const tanh = { id: 'tanh', model: { inputs: 2, layers: [{ units: 3, activation: 'tanh' as const }, { units: 1 }], loss: 'mse' as const } };
    expect(anchorArgs(tanh, sgd1, 0.1)).toEqual({ none: expect.stringMatching(/per-row\.c trains/) });
    const two = { id: 'two', model: { inputs: 2, layers: [{ units: 2 }], loss: 'mse' as const } };
    expect(anchorArgs(two, sgd1, 0.1)).toEqual({ none: expect.stringMatching(/one output/) });
  });
});

describe('largestDifference and the demo\'s agreement: a NaN is never agreement', () => {
  it('the largest relative or absolute difference and where', () => {
    expect(largestDifference([1, 2, 4], [1, 3, 4.5], true)).toEqual({ difference: 1 / 3, at: 1 });
    expect(largestDifference([1, 2, 4], [1, 3, 4.5], false)).toEqual({ difference: 1, at: 1 });
    expect(largestDifference([0, Infinity], [0, Infinity], true)).toEqual({ difference: 0, at: 0 });
  });

  it('NaN on either side or both, or a lone infinity, is an infinite difference; lists of two lengths are refused', () => {
    expect(largestDifference([1, NaN], [1, NaN], true)).toEqual({ difference: Infinity, at: 1 });
    expect(largestDifference([1, 2], [NaN, 2], false)).toEqual({ difference: Infinity, at: 0 });
    expect(largestDifference([1, Infinity], [1, 5], false)).toEqual({ difference: Infinity, at: 1 });
    expect(() => largestDifference([1, 2], [1], true)).toThrow('largestDifference: expected two lists of one length, got 2 and 1 values');
  });

  it('two runs that both diverged to NaN do not agree', () => {
    const run = (loss: number, w: number) => ({ history: { loss: [0.5, loss] }, weights: [[[w, 1]], [0]] });
    expect(largestRelativeDifference(run(0.25, 2), run(0.25, 2))).toBe(0);
    expect(largestRelativeDifference(run(0.25, 2), run(0.25, 3))).toBeCloseTo(1 / 3, 15);
    expect(largestRelativeDifference(run(NaN, NaN), run(NaN, NaN))).toBe(Infinity);
    expect(largestRelativeDifference(run(0.25, NaN), run(0.25, 2))).toBe(Infinity);
  });
});

describe('parseAnchorOutput', () => {
  it('reads samplesPerSecond from the JSON line', () => {
    const line = '{"anchor":"per-row","network":"2,2,1","act":0,"samplesPerSecond":15561536.1,"gflops":0.840,"loss":0.0489164}\n';
    expect(parseAnchorOutput('c-sse2 per-row', line)).toBe(15561536.1);
  });

  it.each(['', 'usage: ./b SIZES BATCH SECONDS', '{"samplesPerSecond":0}', '{"samplesPerSecond":"fast"}', 'null'])('%j is an error naming the anchor', (text) => {
    expect(() => parseAnchorOutput('c-sse2 batched 8,16,1 32', text)).toThrow(BackpropError);
    expect(() => parseAnchorOutput('c-sse2 batched 8,16,1 32', text)).toThrow(/^c-sse2 batched 8,16,1 32: expected/);
  });
});

describe('callCost: what each call target counts, in per-row training steps', () => {
  it('predict-1: the whole call', () => {
    expect(callCost('predict-1', 3, 2)).toEqual({ costMicroseconds: 3, steps: 1.5 });
  });
  it('predict-10000: the call per row', () => {
    expect(callCost('predict-10000', 5000, 2)).toEqual({ costMicroseconds: 0.5, steps: 0.25 });
  });
  it('fit-4: the call less its 4 training steps', () => {
    expect(callCost('fit-4', 208, 2)).toEqual({ costMicroseconds: 200, steps: 100 });
  });
});

const row = (network: string, mode: string, engine: string, samplesPerSecond: number): BenchRow =>
  ({ network, mode, engine, threads: 1, parameters: 1, samplesPerSecond, gflops: 0, reps: 1, samplesPerRep: 1 });
const call = (network: string, engine: string, c: CallRow['call'], steps: number): CallRow =>
  ({ network, engine, call: c, rows: 1, microsecondsPerCall: 0, stepMicroseconds: 1, costMicroseconds: steps, steps });

describe('checkTargets', () => {
  it('wasm ÷ C SSE2 against 0.8 (sgd/1, every network) and 1.0 (adam/32, wide networks), with the native ratio beside', () => {
    const rows = [
      row('8-16-1', 'sgd/1', 'wasm', 80), row('8-16-1', 'sgd/1', 'c-sse2', 100), row('8-16-1', 'sgd/1', 'c-native', 200),
      row('128-128-1', 'adam/32', 'wasm', 99), row('128-128-1', 'adam/32', 'c-sse2', 100),
      row('8-16-1', 'adam/32', 'wasm', 79), row('8-16-1', 'adam/32', 'c-sse2', 100),
    ];
    const c = checkTargets(rows, []).filter((t) => t.versus === 'c-sse2');
    expect(c.every((t) => t.engine === 'wasm')).toBe(true);
    expect(c.map((t) => [t.network, t.mode, t.ratio, t.min, t.met, t.also])).toEqual([
      ['8-16-1', 'sgd/1', 0.8, 0.8, true, { versus: 'c-native', ratio: 0.4 }],
      ['128-128-1', 'adam/32', 0.99, 1, false, undefined],
      ['8-16-1', 'adam/32', 0.79, 0.8, false, undefined],
    ]);
  });

  it('against C, the faster of wasm and wasm-epoch is judged (one line); against js, each', () => {
    const rows = [
      row('8-16-1', 'sgd/1', 'wasm', 70), row('8-16-1', 'sgd/1', 'wasm-epoch', 85), row('8-16-1', 'sgd/1', 'c-sse2', 100),
      row('32-64-64-1', 'sgd/1', 'wasm', 50), row('32-64-64-1', 'sgd/1', 'wasm-epoch', 40), row('32-64-64-1', 'sgd/1', 'js', 10),
    ];
    expect(checkTargets(rows, []).map((t) => [t.network, t.engine, t.versus, t.ratio, t.met])).toEqual([
      ['32-64-64-1', 'wasm', 'js', 5, true],
      ['32-64-64-1', 'wasm-epoch', 'js', 4, true],
      ['8-16-1', 'wasm-epoch', 'c-sse2', 0.85, true],
    ]);
  });

  it('no target where an engine was not run (no C compiler, a network left out)', () => {
    expect(checkTargets([row('8-16-1', 'sgd/1', 'wasm', 80), row('8-16-1', 'sgd/1', 'js', 10)], [])).toEqual([]);
  });

  it('call costs of the wasm engine against 1, 0.5 and 100 steps; the js engine is shown, not judged', () => {
    const calls = [
      call('2-2-1-linear', 'wasm', 'predict-1', 1), call('2-2-1-linear', 'wasm', 'predict-10000', 0.6),
      call('2-2-1-linear', 'wasm', 'fit-4', 100), call('2-2-1-linear', 'js', 'predict-1', 50),
      call('2-2-1-linear', 'wasm', 'trainOnBatchFlat-1', 3.5), call('128-128-1', 'wasm', 'trainOnBatchFlat-1', 9),
    ];
    expect(checkTargets([], calls).map((t) => [t.mode, t.engine, t.versus, t.ratio, t.max, t.met])).toEqual([
      ['predict-1', 'wasm', 'step', 1, 1, true],
      ['predict-10000', 'wasm', 'step', 0.6, 0.5, false],
      ['fit-4', 'wasm', 'step', 100, 100, true],
      // judged on the networks the target names only
      ['trainOnBatchFlat-1', 'wasm', 'step', 3.5, 3, false],
    ]);
  });
});

describe('checkThreadTargets', () => {
  it("2 threads over 1 against 1.8 (batch 64 and 256) and 1.5 (batch 32); 'auto' over 1 against 0.97 on every group", () => {
    const rates: [string, string, number, number, number][] = [
      // network, mode, 1 thread, 2, auto (samples/s)
      ['2-2-1-linear', 'adam/32', 100, 30, 98],
      ['8-16-1', 'adam/32', 100, 50, 96],
      ['128-128-1', 'adam/32', 100, 160, 160],
      ['128-128-1', 'adam/64', 100, 179, 179],
      ['256-256-1', 'adam/256', 100, 190, 190],
    ];
    const rows = rates.flatMap(([n, m, one, two, auto]) => [row(n, m, 'threads-1', one), row(n, m, 'threads-2', two), row(n, m, 'threads-auto', auto)]);
    expect(checkThreadTargets(rows).map((t) => [t.network, t.mode, t.engine, t.ratio, t.min, t.met])).toEqual([
      ['128-128-1', 'adam/64', 'threads-2', 1.79, 1.8, false],
      ['256-256-1', 'adam/256', 'threads-2', 1.9, 1.8, true],
      ['128-128-1', 'adam/32', 'threads-2', 1.6, 1.5, true],
      ['2-2-1-linear', 'adam/32', 'threads-auto', 0.98, 0.97, true],
      ['8-16-1', 'adam/32', 'threads-auto', 0.96, 0.97, false],
      ['128-128-1', 'adam/32', 'threads-auto', 1.6, 0.97, true],
      ['128-128-1', 'adam/64', 'threads-auto', 1.79, 0.97, true],
      ['256-256-1', 'adam/256', 'threads-auto', 1.9, 0.97, true],
    ]);
    // no fits apart timed: no ratio beside them; where there are, 2 threads' ratio to them
    expect(checkThreadTargets(rows).some((t) => t.also)).toBe(false);
    const apart = checkThreadTargets([...rows, row('128-128-1', 'adam/64', 'apart-2', 200)]).find((t) => t.engine === 'threads-2' && t.mode === 'adam/64');
    expect(apart?.also).toEqual({ versus: 'apart-2', ratio: 0.895 });
  });
});

describe('checkSearchTargets', () => {
  it('1 worker over 2 against 1.8, with the workers started for the search and kept from the one before', () => {
    const rows = [
      { pool: 'started', threads: 1, ms: 1700, cpuMs: 0 }, { pool: 'started', threads: 2, ms: 1000, cpuMs: 0 },
      { pool: 'kept', threads: 1, ms: 1530, cpuMs: 0 }, { pool: 'kept', threads: 2, ms: 850, cpuMs: 0 },
    ] as const;
    expect(checkSearchTargets([...rows]).map((t) => [t.mode, t.engine, t.versus, t.ratio, t.min, t.met])).toEqual([
      ['started', 'search-2', 'search-1', 1.7, 1.8, false],
      ['kept', 'search-2', 'search-1', 1.8, 1.8, true],
    ]);
  });
});

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const bench = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [CLI, 'bench', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('runBench: when each repetition runs', () => {
  it('half of a figure\'s timed repetitions with its group, the rest in rounds over every group at the end; the fastest counts', async () => {
    const timed: string[] = [];
    let slow = 1;
    const engine: BenchEngine = {
      id: 'fake', repSeconds: 0.004,
      // a clock of its own: 1 µs a sample, `slow` times that while a burst lasts
      async open(n) { return async (samples) => { if (![16, 64, 256, 1024].includes(samples)) timed.push(n.id); return { samples, seconds: samples * 1e-6 * slow }; }; },
    };
    const networks = [network('2-2-1-linear'), network('8-16-1')];
    const result = await runBench({ networks, modes: [sgd1], engines: [engine], reps: 5, onProgress: (g) => { if (g.startsWith('2-2-1')) slow = 3; } });
    // warm-ups grow 16, 64, 256, 1,024 samples (to a quarter of a repetition) and repeat while the rate climbs;
    // the timed repetitions then fill one: 3 with each group, then 2 rounds over both
    expect(timed).toEqual(['2-2-1-linear', '2-2-1-linear', '2-2-1-linear', '8-16-1', '8-16-1', '8-16-1', '2-2-1-linear', '8-16-1', '2-2-1-linear', '8-16-1']);
    // 2-2-1-linear ran at full speed in its own group, so its figure is 1 M samples/s; 8-16-1 only ever ran slowed
    expect(result.rows.map((r) => [r.network, Math.round(r.samplesPerSecond)])).toEqual([['2-2-1-linear', 1_000_000], ['8-16-1', 333_333]]);
  });
});

describe('tfEngine: the TensorFlow.js rows train what the others train, or nothing', () => {
  const tensorFlow = async () => (await import('../src/yardsticks/tfjsReference.js')).loadTensorFlow();
  it('an optimizer or a loss TensorFlow.js has not is refused by name, never trained as sgd or binaryCrossentropy', async () => {
    const engine = tfEngine(await tensorFlow(), 'cpu');
    const data = benchData(network('2-2-1-sigmoid'), 8);
    await expect(engine.open(network('2-2-1-sigmoid'), { ...sgd1, id: 'adadelta/1', optimizer: 'adadelta' }, data)).rejects.toThrow('optimizer: TensorFlow.js has no counterpart of adadelta');
    const huber = { id: 'huber', model: { ...network('2-2-1-linear').model, loss: 'huber' as const } };
    await expect(engine.open(huber, sgd1, data)).rejects.toThrow('loss: TensorFlow.js has no huber');
  });

  it('a mode TensorFlow.js has trains and is timed; an activation it has not leaves the row empty', async () => {
    const engine = tfEngine(await tensorFlow(), 'cpu');
    const n = network('2-2-1-sigmoid'), data = benchData(n, 8);
    const run = await engine.open(n, { ...sgd1, id: 'rmsprop/4', optimizer: 'rmsprop', batchSize: 4 }, data);
    expect((await run!(8)).samples).toBe(8);
    const hardSwish = { id: 'hardSwish', model: { ...n.model, layers: [{ units: 2, activation: 'hardSwish' as const }, { units: 1, activation: 'sigmoid' as const }] } };
    expect(await engine.open(hardSwish, sgd1, data)).toBeUndefined();
  });
});

describe('backprop bench (the CLI, structure only)', () => {
  it('one quick run: training rows for each engine, the anchors or why not, the four calls, the targets', () => {
    const r = bench(['--quick', '--networks', '2-2-1-sigmoid', '--modes', 'sgd/1', '--engines', 'wasm,c-sse2', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const anchors = out.notes.some((n: string) => n.startsWith('C anchors: '));
    expect(out.rows.map((x: BenchRow) => x.engine)).toEqual(anchors ? ['wasm', 'c-sse2'] : ['wasm']);
    for (const x of out.rows) expect(Object.keys(x)).toEqual(expect.arrayContaining(['network', 'mode', 'engine', 'samplesPerSecond', 'gflops']));
    expect(out.calls.map((c: CallRow) => [c.network, c.engine, c.call, c.rows])).toEqual([
      ['2-2-1-sigmoid', 'wasm', 'predict-1', 1], ['2-2-1-sigmoid', 'wasm', 'predictInto-1', 1], ['2-2-1-sigmoid', 'wasm', 'predict-10000', 10_000], ['2-2-1-sigmoid', 'wasm', 'fit-4', 4],
      ['2-2-1-sigmoid', 'wasm', 'standalone-1', 1],
      ['2-2-1-sigmoid', 'wasm', 'trainOnBatch-1', 1], ['2-2-1-sigmoid', 'wasm', 'trainOnBatchFlat-1', 1],
    ]);
    for (const c of out.calls) expect(c.steps).toBeCloseTo(c.costMicroseconds / c.stepMicroseconds, 9);
    expect(out.targets.some((t: { versus: string }) => t.versus === 'c-sse2')).toBe(anchors);
    // anchors on the engines' core (this machine's two virtual CPUs differ by up to 1.6×)
    if (anchors) expect(out.notes.join('\n')).toMatch(process.platform === 'linux' ? /C anchors: each run on the core the engines last ran on \(taskset\)/ : /C anchors: run on any core/);
  });

  it('--search: the grid on 1 worker and 2, started and kept, the same rows in every run (else exit 1), its two targets', () => {
    const r = bench(['--search', '--quick', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.search.fits).toBe(24);
    expect(out.search.rows.map((x: { pool: string; threads: number }) => [x.pool, x.threads])).toEqual([['started', 1], ['started', 2], ['kept', 1], ['kept', 2]]);
    for (const x of out.search.rows) expect(x.ms).toBeGreaterThan(0);
    // a worker's start is part of a started search's time, not all of it
    expect(out.search.startMs).toBeGreaterThan(0);
    expect(out.search.startMs).toBeLessThan(out.search.rows[0].ms);
    expect(out.targets.map((t: { mode: string }) => t.mode)).toEqual(['started', 'kept']);
    // the cores, before and after the search rows, as with the threads rows
    for (const c of [out.coreTimes.before, out.coreTimes.after]) expect(c.roundTripNs).toBeGreaterThan(10);
  });

  it('--threads: the cores timed before and after the threads rows (a round trip between two, each one\'s speed alone and all at once), every thread count of every group', async () => {
    const r = bench(['--threads', '--quick', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const c of [out.coreTimes.before, out.coreTimes.after]) {
      // a trip between two cores takes some tens to some hundreds of nanoseconds on any machine of these
      expect(c.roundTripNs).toBeGreaterThan(10);
      expect(c.roundTripNs).toBeLessThan(100_000);
      // each core pinned in turn where taskset can (Linux with util-linux), else why not
      if (c.speeds === null) expect(c.why).toMatch(/taskset/);
      else {
        for (const speeds of [c.speeds.alone, c.speeds.together]) {
          expect(speeds.map((x: { core: number }) => x.core)).toEqual(Array.from({ length: out.cores }, (_, i) => i));
          for (const x of speeds) expect(x.samplesPerSecond).toBeGreaterThan(1000);
        }
      }
    }
    expect(new Set(out.rows.map((x: BenchRow) => x.threads))).toEqual(new Set([1, 2, 'auto']));
    expect(out.targets.map((t: { mode: string }) => t.mode)).toContain('adam/64');
    // two fits apart, timed in turn with the rows where 2 threads have a target, and beside those targets
    const apart = out.rows.filter((x: BenchRow) => x.engine === 'apart-2');
    expect(apart.map((x: BenchRow) => `${x.network} ${x.mode}`)).toEqual(['128-128-1 adam/32', '128-128-1 adam/64', '128-128-1 adam/256', '256-256-1 adam/64', '256-256-1 adam/256']);
    for (const x of apart) expect(x.samplesPerSecond).toBeGreaterThan(1000);
    const two = out.targets.filter((t: { engine: string }) => t.engine === 'threads-2');
    expect(two).toHaveLength(5);
    for (const t of two) expect(t.also.versus).toBe('apart-2');
    // the function refuses what is not a count of batches
    await expect(coreRoundTrip(0)).rejects.toThrow('batches: expected a positive integer, got 0');
  });

  it('the cores\' lines: each core\'s speed alone and at once beside the fastest alone, and how far the threads could go (the sum at once over the fastest alone)', () => {
    const alone = [{ core: 0, samplesPerSecond: 250_000 }, { core: 1, samplesPerSecond: 172_500 }];
    const lines = coresLines({ roundTripNs: 480.4, speeds: { alone, together: [{ core: 0, samplesPerSecond: 125_000 }, { core: 1, samplesPerSecond: 120_000 }] } }, 'before the rows').join('\n');
    expect(lines).toContain('a round trip between two of 480 ns');
    expect(lines).toContain('core 0 250,000, core 1 172,500 (0.69×) samples/s');
    // two cores that share one's speed at once: 245,000 / 250,000
    expect(lines).toContain('core 0 125,000 (0.50×), core 1 120,000 (0.48×)');
    expect(lines).toContain('at most 0.98× the fastest core alone');
    expect(coresLines({ roundTripNs: 300, speeds: null, why: 'taskset is Linux only' }, 'after the rows')[1]).toBe('each core\'s speed not timed (taskset is Linux only).');
    expect(coresLines({ roundTripNs: null, speeds: null, why: 'one core' }, 'after the rows')).toEqual(['The cores after the rows: one core, none timed.']);
  });

  it('--no-calls: training rows only', () => {
    const r = bench(['--quick', '--networks', '2-2-1-linear', '--modes', 'sgd/1', '--engines', 'wasm', '--no-calls', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.rows.map((x: BenchRow) => x.engine)).toEqual(['wasm']);
    expect(out.calls).toEqual([]);
    expect(out.notes).toContain('predict and fit calls: not timed (--no-calls)');
  });

  it('--activation: the sigmoid hidden layers take it (2-2-1-linear stays as it is), the C anchors say why they cannot, no target is judged', () => {
    const r = bench(['--quick', '--networks', '2-2-1-linear,8-16-1', '--modes', 'sgd/1', '--engines', 'wasm,c-sse2', '--no-calls', '--activation', 'tanh', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([...new Set(out.rows.map((x: BenchRow) => x.network))]).toEqual(['2-2-1-linear', '8-16-1/tanh']);
    expect(out.rows.filter((x: BenchRow) => x.network === '8-16-1/tanh').map((x: BenchRow) => x.engine)).toEqual(['wasm']);
    expect(out.notes.join('\n')).toMatch(/hidden layers: tanh in place of sigmoid \(--activation\)/);
    if (out.notes.some((n: string) => n.startsWith('C anchors: '))) expect(out.notes.join('\n')).toMatch(/no C figure for 8-16-1\/tanh sgd\/1/);
    expect(out.targets).toEqual([]);
  });

  it('no compiler or no sources: says so and runs the rest', () => {
    const noCc = bench(['--networks', '2-2-1-linear', '--modes', 'adam/32', '--engines', 'c-sse2,c-native', '--json'], { CC: '/nonexistent/cc' });
    expect(noCc.code).toBe(0);
    const a = JSON.parse(noCc.stdout);
    expect(a.notes.join('\n')).toMatch(/no C compiler|not found/);
    expect(a.rows).toEqual([]);
    const noSources = bench(['--networks', '2-2-1-linear', '--modes', 'adam/32', '--engines', 'c-sse2', '--anchors', '/nonexistent', '--json']);
    expect(JSON.parse(noSources.stdout).notes.join('\n')).toMatch(/\/nonexistent\/per-row\.c, \/nonexistent\/batched\.c not found/);
  });

  it.each([
    [['--modes', 'sgd/2'], /--modes: expected one of 'sgd\/1', 'adam\/32', got "sgd\/2"/],
    [['--engines', 'c-avx'], /--engines: expected one of .*'c-sse2', 'c-native'/],
    [['--reps', '0'], /--reps: expected a positive whole number, got 0/],
    [['--activation', 'softmax'], /--activation: expected one of 'linear', 'sigmoid', 'tanh', 'relu', 'elu'.* got "softmax"/],
    [['--threads', '--networks', '8-16-1'], /--networks: the threads rows are a fixed set \(see --help\); leave it out with --threads/],
    [['--search', '--engines', 'wasm'], /--engines: the search rows are a fixed set \(see --help\); leave it out with --search/],
    [['--folds', '3'], /--folds: goes with --search/],
    [['--search', '--folds', '1'], /--folds: expected a whole number of folds, at least 2, got 1/],
  ])('%s: a clear message, exit 1', (args, message) => {
    const r = bench(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
