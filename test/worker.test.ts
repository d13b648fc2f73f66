// WorkerTrainer in Node (worker_threads, the built dist/worker-node.js): the same fit as in this
// thread, to the bit — history, every epoch's logs, weights, scaler, a second fit's continuation
// of the optimizer state — plus stop, progress weights and errors of the same class and message.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { setDefaultWorker, type WorkerFactory } from '../src/worker/client.js';
import { BackpropError, datasets, DivergenceError, Model, modelFromFile, modelToText, search, stopSearchWorkers, WorkerTrainer, type EpochLogs, type LayerSpec, type ModelFitOptions, type ModelOptions, type WorkerEpochLogs } from '../src/node.js';

const workerUrl = new URL('../dist/worker-node.js', import.meta.url);
const d = datasets.placement;
let trainer: WorkerTrainer | undefined;
afterEach(async () => { await trainer?.terminate(); trainer = undefined; });

const refusal = async (f: () => Promise<unknown>) => { try { await f(); } catch (e) { return e as Error; } throw new Error('expected a refusal'); };

describe('WorkerTrainer in Node', () => {
  it('fits as Model.fit does, to the bit: every epoch\'s logs, history with validation, standardization, weights; and a second fit continues the optimizer', async () => {
    const fit: ModelFitOptions = { optimizer: 'adam', learningRate: 0.02, epochs: 40, batchSize: 3, shuffle: 'epoch', seed: 5, validationSplit: 0.25, standardize: true };
    const local = new Model({ ...d.model, seed: 2 });
    const localLogs: [number, EpochLogs][] = [];
    const history = await local.fit(d.x, d.y, { ...fit, onEpochEnd: (e, logs) => { localLogs.push([e, logs]); } });

    trainer = new WorkerTrainer({ ...d.model, seed: 2 }, { workerUrl });
    const workerLogs: [number, EpochLogs][] = [];
    const remote = await trainer.fit(d.x, d.y, { ...fit, onEpochEnd: (e, logs) => { workerLogs.push([e, logs]); } });
    expect(remote).toEqual(history);
    expect(workerLogs).toEqual(localLogs);
    expect(trainer.model.getWeights()).toEqual(local.getWeights());
    expect(trainer.model.scaler).toEqual(local.scaler);
    expect(trainer.model.predict(d.x)).toEqual(local.predict(d.x));

    // Adam's step count and moments carry over in both
    const second = { optimizer: 'adam', learningRate: 0.02, epochs: 10, batchSize: 4 } as const;
    expect(await trainer.fit(d.x, d.y, second)).toEqual(await local.fit(d.x, d.y, second));
    expect(trainer.model.getWeights()).toEqual(local.getWeights());
  });

  it('starts from a Model\'s weights and scaler; on the js engine too', async () => {
    const start = new Model({ ...d.model, seed: 9, scaler: { mean: [5, 50], std: [2, 20] } });
    trainer = new WorkerTrainer(start, { workerUrl });
    const fit = { epochs: 20, learningRate: 0.1, batchSize: 1, engine: 'js' } as const;
    const history = await trainer.fit(d.x, d.y, fit);
    const local = new Model({ ...d.model, weights: start.getWeights(), scaler: start.scaler });
    expect(history).toEqual(await local.fit(d.x, d.y, fit));
    expect(trainer.model.getWeights()).toEqual(local.getWeights());
  });

  it('a model with Dropout, regularizers and a softmax output crosses whole: the same masks, penalties and weights as in this thread', async () => {
    const spec: ModelOptions<LayerSpec> = {
      inputs: 2, loss: 'sparseCategoricalCrossentropy', seed: 4,
      layers: [{ units: 6, activation: 'gelu', kernelRegularizer: { l1: 0.01, l2: 0.02 }, biasRegularizer: 'l2' }, { dropout: 0.3 }, { units: 3, activation: 'softmax' }],
    };
    const x = [[0, 1], [1, 0], [1, 1], [0.5, 2], [2, 0.5], [-1, 1]], y = [[0], [1], [2], [0], [1], [2]];
    const fit: ModelFitOptions = { optimizer: 'adam', learningRate: 0.05, epochs: 30, batchSize: 2, shuffle: 'epoch', seed: 7 };
    trainer = new WorkerTrainer(spec, { workerUrl });
    const local = new Model(spec);
    expect(await trainer.fit(x, y, fit)).toEqual(await local.fit(x, y, fit));
    expect(trainer.model.getWeights()).toEqual(local.getWeights());
    expect(trainer.model.network).toEqual(local.network);
    // From a Model too: its network, Dropout included, and its training state (a second fit continues its optimizer) are what the worker trains
    trainer = new WorkerTrainer(local, { workerUrl });
    const copy = new Model({ ...spec, weights: local.getWeights() });
    copy.setTrainingState(local.getTrainingState()!);
    expect(await trainer.fit(x, y, fit)).toEqual(await copy.fit(x, y, fit));
    expect(trainer.model.getWeights()).toEqual(copy.getWeights());
  });

  it('sends epoch logs only to a fit that listens: without onEpochEnd the worker answers with the end alone, and stop() still gets in', async () => {
    const received: string[] = [];
    const node: WorkerFactory = setDefaultWorker((url) => {
      const endpoint = node(url);
      return { ...endpoint, listen: (handler) => endpoint.listen((m) => { received.push(m.type); handler(m); }) };
    })!;
    try {
      trainer = new WorkerTrainer(d.model, { workerUrl });
      // paced, so that the epochs would go out one by one
      const fit = { epochs: 12, learningRate: 0.05, batchSize: 1, pace: 2 } as const;
      const quiet = await trainer.fit(d.x, d.y, fit);
      expect(received).toEqual(['done']);
      received.length = 0;
      const heard: number[] = [];
      expect(await trainer.fit(d.x, d.y, { ...fit, initialEpoch: 12, epochs: 24, onEpochEnd: (e) => { heard.push(e); } })).toBeDefined();
      expect(heard).toEqual(Array.from({ length: 12 }, (_, i) => 12 + i));
      expect(received.filter((t) => t === 'epochs').length).toBeGreaterThan(1);
      expect(quiet.loss).toHaveLength(12);
      // A stop reaches a fit nobody listens to
      const t = trainer;
      const long = t.fit(d.x, d.y, { epochs: 1_000_000, learningRate: 0.05, batchSize: 1 });
      setTimeout(() => t.stop(), 50);
      expect((await long).loss.length).toBeLessThan(1_000_000);
    } finally {
      setDefaultWorker(node);
    }
  });

  it('stop() ends the fit after an epoch; the weights are those of an in-thread fit of as many epochs', async () => {
    trainer = new WorkerTrainer(d.model, { workerUrl });
    const t = trainer;
    const history = await t.fit(d.x, d.y, { epochs: 1_000_000, learningRate: 0.05, batchSize: 1, onEpochEnd: (epoch) => { if (epoch === 100) t.stop(); } });
    expect(history.loss.length).toBeGreaterThan(100);
    expect(history.loss.length).toBeLessThan(1_000_000);
    const local = new Model(d.model);
    expect((await local.fit(d.x, d.y, { epochs: history.loss.length, learningRate: 0.05, batchSize: 1 })).loss).toEqual(history.loss);
    expect(t.model.getWeights()).toEqual(local.getWeights());
  });

  it('progressWeights with pace: each epoch is reported in order with its loss, and weights, where a report carries them, are those after its epoch', async () => {
    trainer = new WorkerTrainer(d.model, { workerUrl });
    const seen: WorkerEpochLogs[] = [];
    await trainer.fit(d.x, d.y, { epochs: 5, learningRate: 0.1, pace: 5, progressWeights: true, onEpochEnd: (_, logs) => { seen.push(logs); } });
    const local = new Model(d.model);
    const expected: WorkerEpochLogs[] = [];
    await local.fit(d.x, d.y, { epochs: 5, learningRate: 0.1, onEpochEnd: (_, logs) => { expected.push({ ...logs, weights: local.getWeights() }); } });
    // A loaded machine may batch two epochs into one report (the spacing follows what copying costs);
    // only the batch's last epoch carries weights then — always the last epoch of the fit.
    expect(seen.map((l) => l.loss)).toEqual(expected.map((l) => l.loss));
    seen.forEach((l, e) => { if (l.weights) expect(l.weights).toEqual(expected[e]!.weights); });
    expect(seen.at(-1)!.weights).toEqual(expected.at(-1)!.weights);
    expect(seen.filter((l) => l.weights).length).toBeGreaterThan(1);
  });

  it('a big model\'s progressWeights come in fewer batches than epochs, every epoch still reported in order, the last with the final weights', async () => {
    // 2-256-256-1: its 66,561 weights take milliseconds to copy, more than one paced epoch of 4 rows
    const big: ModelOptions = { ...d.model, layers: [{ units: 256, activation: 'tanh' }, { units: 256, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }] };
    trainer = new WorkerTrainer(big, { workerUrl });
    const epochs: number[] = [];
    const weighed: number[] = [];
    let last: WorkerEpochLogs['weights'];
    await trainer.fit(d.x, d.y, { epochs: 40, pace: 1, progressWeights: true, onEpochEnd: (e, logs) => {
      epochs.push(e);
      if (logs.weights) { weighed.push(e); last = logs.weights; }
    } });
    expect(epochs).toEqual([...Array(40).keys()]);
    expect(weighed.length).toBeLessThan(40);
    expect(weighed.at(-1)).toBe(39);
    expect(last).toEqual(trainer.model.getWeights());
  });

  it('carries the training state both ways: a checkpoint continues in the worker (initialEpoch), and the worker\'s model saves one', async () => {
    const fit = { optimizer: 'adam', learningRate: 0.05, batchSize: 4, shuffle: 'epoch', validationSplit: 0.25, earlyStopping: { patience: 50 } } as const;
    const whole = new Model(d.model);
    const all = await whole.fit(d.x, d.y, { ...fit, epochs: 12 });
    const first = new Model(d.model);
    await first.fit(d.x, d.y, { ...fit, epochs: 5 });
    trainer = new WorkerTrainer(modelFromFile(modelToText(first, { features: d.features, target: d.target })).model, { workerUrl });
    const rest = await trainer.fit(d.x, d.y, { ...fit, epochs: 12, initialEpoch: 5 });
    expect(rest.loss).toEqual(all.loss.slice(5));
    expect(trainer.model.getParams()).toEqual(whole.getParams());
    // the worker's model, saved, holds its state: the file is the in-thread model's
    expect(modelToText(trainer.model, { features: d.features, target: d.target })).toBe(modelToText(whole, { features: d.features, target: d.target }));
  });

  it('setModel starts over in the same worker: the next fit is a new model\'s, fresh optimizer included; not during a fit', async () => {
    const fit = { optimizer: 'adam', learningRate: 0.05, epochs: 30, batchSize: 1 } as const;
    trainer = new WorkerTrainer(d.model, { workerUrl });
    await trainer.fit(d.x, d.y, fit);
    trainer.setModel({ ...d.model, seed: 4 });
    const local = new Model({ ...d.model, seed: 4 });
    expect(await trainer.fit(d.x, d.y, fit)).toEqual(await local.fit(d.x, d.y, fit));
    expect(trainer.model.getWeights()).toEqual(local.getWeights());

    const running = trainer.fit(d.x, d.y, fit);
    expect(() => trainer!.setModel(d.model)).toThrow('WorkerTrainer: setModel during a fit; await the fit (or stop() it) first');
    await running;
  });

  it('bad options and divergence: the errors Model.fit raises, with their messages; the model keeps its last finished epoch', async () => {
    trainer = new WorkerTrainer(d.model, { workerUrl });
    const bad = await refusal(() => trainer!.fit(d.x, d.y, { batchSize: 0.5 }));
    const local = await refusal(() => new Model(d.model).fit(d.x, d.y, { batchSize: 0.5 }));
    expect(bad).toBeInstanceOf(BackpropError);
    expect(bad.message).toBe(local.message);
    expect((bad as BackpropError).field).toBe((local as BackpropError).field);

    const p = datasets.package;
    trainer = new WorkerTrainer(p.model, { workerUrl });
    const diverged = await refusal(() => trainer!.fit(p.x, p.y, { learningRate: 10, epochs: 50, batchSize: 1 }));
    const model = new Model(p.model);
    const expected = await refusal(() => model.fit(p.x, p.y, { learningRate: 10, epochs: 50, batchSize: 1 }));
    expect(diverged).toBeInstanceOf(DivergenceError);
    expect(diverged.message).toBe(expected.message);
    expect(trainer.model.getWeights()).toEqual(model.getWeights());
  });

  it("refuses bad options in this thread, before the worker gets them: the trainer's by name and type, the fit's as Model.fit refuses them", async () => {
    let started = 0;
    const posted: string[] = [];
    const node: WorkerFactory = setDefaultWorker((url) => {
      started++;
      const endpoint = node(url);
      return { ...endpoint, post: (m) => { posted.push(m.type); endpoint.post(m); } };
    })!;
    const refused = (e: unknown) => { expect(e).toBeInstanceOf(BackpropError); return `${(e as BackpropError).field} | ${(e as Error).message}`; };
    const thrown = (f: () => unknown) => { try { f(); } catch (e) { return refused(e); } throw new Error('expected a refusal'); };
    try {
      expect(thrown(() => new WorkerTrainer(d.model, { bogus: 1 } as never))).toBe('bogus | bogus: unknown option; expected one of workerUrl');
      expect(thrown(() => new WorkerTrainer(d.model, null as never))).toBe('options | options: expected { workerUrl }, got null');
      expect(thrown(() => new WorkerTrainer(d.model, { workerUrl: 5 } as never))).toBe("workerUrl | workerUrl: expected the worker script's URL (a URL or a string), got 5");
      expect(started).toBe(0);

      trainer = new WorkerTrainer(d.model, { workerUrl });
      const worker = async (options: unknown) => refused(await refusal(() => trainer!.fit(d.x, d.y, options as never)));
      const inThread = async (options: unknown) => refused(await refusal(() => new Model(d.model).fit(d.x, d.y, options as never)));
      // Model.fit's options: the same field and message as in this thread
      expect(await worker(null)).toBe('options | options: expected an object of fit options, got null');
      for (const options of [null, { earlyStopping: { bogus: 1 }, validationSplit: 0.2 }, { onEpochEnd: 5 }, { classWeight: { 5: 2 } }, { reduceLROnPlateau: { monitor: 'val_loss' } }]) {
        expect(await worker(options)).toBe(await inThread(options));
      }
      // an unknown key: the list also names the worker's own two
      expect(await worker({ bogus: 1 })).toBe(`${await inThread({ bogus: 1 })}, progressWeights, pace`);
      expect(await worker({ progressWeights: 'no' })).toBe('progressWeights | progressWeights: expected true or false, got "no"');
      for (const [pace, shown] of [['slow', '"slow"'], [-5, '-5'], [NaN, 'NaN']]) expect(await worker({ pace })).toBe(`pace | pace: expected a finite number ≥ 0, got ${shown}`);
      expect([started, posted]).toEqual([1, ['init']]);
      await trainer.fit(d.x, d.y, { epochs: 2, pace: 0, progressWeights: false });
      expect(posted).toEqual(['init', 'fit']);
    } finally {
      setDefaultWorker(node);
    }
  });

  it.each([
    ['throws', (): void => { throw new Error('no room for the chart'); }],
    ['rejects', async (): Promise<void> => { throw new Error('no room for the chart'); }],
  ])('an onEpochEnd that %s: fit rejects with its error (no unhandled rejection), no call follows, the worker stops and stays usable', async (_, failing) => {
    trainer = new WorkerTrainer(d.model, { workerUrl });
    const calls: number[] = [];
    // A million epochs: the fit ends only because the failure stops the worker
    const e = await refusal(() => trainer!.fit(d.x, d.y, { epochs: 1_000_000, learningRate: 0.05, batchSize: 1, onEpochEnd: (epoch) => {
      calls.push(epoch);
      return epoch === 5 ? failing() : undefined;
    } }));
    expect(e.message).toBe('no room for the chart');
    expect(calls).toEqual([0, 1, 2, 3, 4, 5]);
    // The next fit continues from the weights the worker stopped with (plain SGD keeps no state)
    const local = new Model({ ...d.model, weights: trainer.model.getWeights() });
    const fit = { epochs: 5, learningRate: 0.05, batchSize: 1 };
    expect(await trainer.fit(d.x, d.y, fit)).toEqual(await local.fit(d.x, d.y, fit));
    expect(trainer.model.getWeights()).toEqual(local.getWeights());
  });

  it('a worker script that cannot be loaded: fit rejects, saying so', async () => {
    trainer = new WorkerTrainer(d.model, { workerUrl: new URL('../dist/no-such-worker.js', import.meta.url) });
    const e = await refusal(() => trainer!.fit(d.x, d.y));
    expect(e.message).toMatch(/^WorkerTrainer: the training worker failed: Cannot find module .*no-such-worker\.js/);
  });
  it('starts in a process whose evaluated code is a module (node --input-type=module, which its workers inherit): a fit and a search, as in this process', async () => {
    // the library as users import it (dist/, built before the tests)
    const fit: ModelFitOptions = { optimizer: 'adam', learningRate: 0.05, epochs: 30, batchSize: 2, seed: 1 };
    const grid = { learningRate: [0.01, 0.1], seed: [0, 1] };
    const options = { model: d.model, fit: { optimizer: 'adam' as const, epochs: 20 }, folds: 2, threads: 2 };
    const code = `import { datasets, search, stopSearchWorkers, WorkerTrainer } from ${JSON.stringify(new URL('../dist/node.js', import.meta.url).href)};
      const d = datasets.placement;
      const trainer = new WorkerTrainer(d.model);
      const history = await trainer.fit(d.x, d.y, ${JSON.stringify(fit)});
      await trainer.terminate();
      const rows = await search(d.x, d.y, ${JSON.stringify(grid)}, ${JSON.stringify(options)});
      await stopSearchWorkers();
      console.log(JSON.stringify({ history, rows }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { history, rows } = JSON.parse(run.stdout) as { history: unknown; rows: unknown };
    expect(history).toEqual(JSON.parse(JSON.stringify(await new Model(d.model).fit(d.x, d.y, fit))));
    expect(rows).toEqual(JSON.parse(JSON.stringify(await search(d.x, d.y, grid, { ...options, workerUrl }))));
    await stopSearchWorkers();
  });
});
