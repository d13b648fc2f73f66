// A refused call changes nothing: whatever fit, trainOnBatch or setTrainingState refuses (a bad
// option, row, weight or saved part), the model's weights, training state, scalers and predictions
// stay as they were, to the bit, and the error names the field. And null is refused wherever an
// option is read, rather than silently taken for the default.
import { beforeAll, describe, expect, it } from 'vitest';
import { BackpropError, loadWasm, Model, type EngineKind, type ModelOptions, type TrainingState } from '../src/node.js';

const S: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: 'relu' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' };
const X = [[0, 0], [0, 1], [1, 0], [1, 1], [1, 0], [0, 1]];
const Y = [[0], [1], [1], [0], [1], [1]];
const ENGINES: EngineKind[] = ['wasm', 'js'];

beforeAll(async () => { await loadWasm(); });

const bits = (values: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(values).buffer));

/** Everything a refused call must leave alone: parameters, training state (arrays by their bits), scalers, predictions on both engines. */
function snapshot(m: Model) {
  const state = m.getTrainingState();
  return {
    params: bits(m.getParams()),
    state: state && JSON.stringify(state, (_, v: unknown) => (v instanceof Float64Array ? bits(v) : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)),
    weightsAside: state?.weights !== undefined,
    scaler: m.scaler, targetScaler: m.targetScaler,
    predict: ENGINES.map((engine) => bits(m.predict(X, { engine }).flat())),
  };
}

function refusal(f: () => unknown): BackpropError {
  let error: unknown;
  try { f(); } catch (e) { error = e; }
  expect(error, 'expected a BackpropError').toBeInstanceOf(BackpropError);
  return error as BackpropError;
}

async function asyncRefusal(f: () => Promise<unknown>): Promise<BackpropError> {
  const error = await f().then(() => undefined, (e: unknown) => e);
  expect(error, 'expected a BackpropError').toBeInstanceOf(BackpropError);
  return error as BackpropError;
}

/** f refused, naming `field`, and the model just as before. */
function refusedAlone(m: Model, f: () => unknown, field: string, words?: RegExp): void {
  const before = snapshot(m);
  const e = refusal(f);
  expect(e.field).toBe(field);
  if (words) expect(e.message).toMatch(words);
  expect(snapshot(m), 'a refused call changes nothing').toEqual(before);
}

describe('a refused fit changes nothing', () => {
  it('threads on the JS engine are refused before the scaler is fitted', async () => {
    const m = new Model(S);
    await m.fit(X, Y, { engine: 'js' });
    const before = snapshot(m);
    const e = await asyncRefusal(() => m.fit(X, Y, { engine: 'js', threads: 2, standardize: true }));
    expect(e.field).toBe('threads');
    expect(snapshot(m)).toEqual(before);
    expect(m.scaler).toBeUndefined();
  });

  it('a continued fit refused keeps early stopping\'s best weights and the weights training continues from', async () => {
    const m = new Model(S);
    // validation labels opposite to the training ones: the validation loss rises from the first epoch, and early stopping puts it back
    const validationData: [number[][], number[][]] = [X, Y.map(([v]) => [1 - v!])];
    const first = await m.fit(X, Y, { engine: 'js', epochs: 6, batchSize: 2, learningRate: 0.5, validationData, earlyStopping: { patience: 0 } });
    expect(first.bestEpoch).toBe(0);
    const state = m.getTrainingState()!;
    expect(state.weights, 'the weights training continues from are kept aside').toBeDefined();
    const before = snapshot(m);
    const e = await asyncRefusal(() => m.fit(X, Y, { engine: 'js', initialEpoch: state.epoch, epochs: state.epoch + 2, threads: 2, validationData, earlyStopping: { patience: 0 } }));
    expect(e.field).toBe('threads');
    expect(snapshot(m)).toEqual(before);
  });

  it('options given as an array are refused, not read as no options', async () => {
    const m = new Model(S);
    const before = snapshot(m);
    expect((await asyncRefusal(() => m.fit(X, Y, [] as never))).field).toBe('options');
    expect(snapshot(m)).toEqual(before);
    expect(refusal(() => m.predict(X, [] as never)).field).toBe('options');
  });

  it('a trace on the JS engine refuses threads, as fit does', async () => {
    const m = new Model(S);
    const before = snapshot(m);
    expect((await asyncRefusal(() => m.trace(X, Y, { engine: 'js', threads: 2 }))).field).toBe('threads');
    expect(snapshot(m)).toEqual(before);
  });
});

describe.each(ENGINES)('a refused trainOnBatch changes nothing (%s)', (engine) => {
  /** A model after two epochs of Adam, and its twin. */
  async function trained() {
    const [m, twin] = [new Model(S), new Model(S)];
    for (const model of [m, twin]) await model.fit(X, Y, { epochs: 2, engine, optimizer: 'adam', batchSize: 3 });
    return { m, twin };
  }
  /** After the refusals, m continues exactly as its twin, which never saw them: Adam's moments and step count were kept. */
  function continuesAsTwin(m: Model, twin: Model): void {
    const adam = { optimizer: 'adam' as const, engine };
    for (const model of [m, twin]) model.trainOnBatch(X, Y, adam);
    expect(bits(m.getParams())).toEqual(bits(twin.getParams()));
    expect(m.getTrainingState()!.optimizer!.scalars).toEqual(twin.getTrainingState()!.optimizer!.scalars);
  }

  it.each([
    ['a row holding NaN', [[Number.NaN, 1], [0, 1]], [[0], [1]], { optimizer: 'sgd' }, undefined, 'x'],
    ['a label that is not 0 or 1', [[0, 1], [1, 1]], [[2], [1]], { optimizer: 'sgd' }, undefined, 'y'],
    ['too few sample weights', X, Y, { optimizer: 'sgd' }, [1], 'sampleWeight'],
    ['a negative sample weight', X, Y, { optimizer: 'sgd' }, [1, 1, 1, 1, 1, -1], 'sampleWeight'],
    ['resetOptimizer not a boolean', X, Y, { optimizer: 'adam', resetOptimizer: 'yes' }, undefined, 'resetOptimizer'],
    ['a seed of -1 (not 4294967295)', X, Y, { optimizer: 'sgd', seed: -1 }, undefined, 'seed'],
    ['a fractional seed', X, Y, { optimizer: 'sgd', seed: 0.5 }, undefined, 'seed'],
    ['an optimizer of null', X, Y, { optimizer: null }, undefined, 'optimizer'],
    ['a learning rate of null', X, Y, { learningRate: null }, undefined, 'learningRate'],
  ] as const)('%s', async (_, x, y, options, sampleWeight, field) => {
    const { m, twin } = await trained();
    refusedAlone(m, () => m.trainOnBatch(x as number[][], y as number[][], { ...options, engine } as never, sampleWeight as number[] | undefined), field);
    continuesAsTwin(m, twin);
  });

  it('bad rows under the options of the calls before (the fast path) change nothing either', async () => {
    const { m, twin } = await trained();
    const adam = { optimizer: 'adam' as const, engine };
    for (const model of [m, twin]) model.trainOnBatch(X, Y, adam);
    refusedAlone(m, () => m.trainOnBatch(Float64Array.of(0, Number.NaN), Float64Array.of(1), adam), 'x');
    refusedAlone(m, () => m.trainOnBatch(X, Y, adam, [1, 2]), 'sampleWeight');
    // and other options refused between two calls with these
    refusedAlone(m, () => m.trainOnBatch([[Number.NaN, 1]], [[0]], { optimizer: 'sgd', engine }), 'x');
    for (const model of [m, twin]) model.trainOnBatch(X, Y, adam);
    expect(bits(m.getParams())).toEqual(bits(twin.getParams()));
  });
});

describe('a refused setTrainingState changes nothing', () => {
  /** A trained model whose state holds every part: Adam's, early stopping's best weights, the weights training continues from. */
  async function trainedState() {
    const m = new Model(S);
    const validationData: [number[][], number[][]] = [X, Y.map(([v]) => [1 - v!])];
    await m.fit(X, Y, { engine: 'js', epochs: 4, batchSize: 2, optimizer: 'adam', learningRate: 0.5, validationData, earlyStopping: { patience: 1 } });
    const state = m.getTrainingState()!;
    expect(state.weights).toBeDefined();
    expect(state.callbacks.earlyStopping).toHaveProperty('bestWeights');
    return { m, state };
  }
  const nan = (a: Float64Array) => { const b = a.slice(); b[1] = Number.NaN; return b; };
  const settings = (state: TrainingState, change: Record<string, unknown>) => ({ ...state, optimizer: { ...state.optimizer!, settings: { ...state.optimizer!.settings, ...change } } });
  const early = (state: TrainingState, change: Record<string, unknown>) => ({ ...state, callbacks: { ...state.callbacks, earlyStopping: { ...(state.callbacks.earlyStopping as object), ...change } } });
  const scalars = (state: TrainingState, change: Record<string, unknown>) => ({ ...state, optimizer: { ...state.optimizer!, scalars: { ...state.optimizer!.scalars, ...change } } });

  it.each([
    ['weights holding NaN', (s: TrainingState) => ({ ...s, weights: nan(s.weights!) }), 'trainingState.weights[1]'],
    ["Adam's moments holding NaN", (s: TrainingState) => ({ ...s, optimizer: { ...s.optimizer!, arrays: { ...s.optimizer!.arrays, momentums: nan(s.optimizer!.arrays.momentums!) } } }), 'trainingState.optimizer.arrays.momentums[1]'],
    ["early stopping's best weights holding NaN", (s: TrainingState) => early(s, { bestWeights: nan((s.callbacks.earlyStopping as { bestWeights: Float64Array }).bestWeights) }), 'trainingState.callbacks.earlyStopping.bestWeights[1]'],
    ['a best epoch after the epochs finished', (s: TrainingState) => early(s, { bestEpoch: 99 }), 'trainingState.callbacks.earlyStopping.bestEpoch'],
    ['a wait longer than the epochs finished', (s: TrainingState) => early(s, { wait: 99 }), 'trainingState.callbacks.earlyStopping.wait'],
    ['β₁ᵗ of 7', (s: TrainingState) => scalars(s, { beta1Power: 7 }), 'trainingState.optimizer.scalars.beta1Power'],
    ['β₂ᵗ below 0', (s: TrainingState) => scalars(s, { beta2Power: -0.5 }), 'trainingState.optimizer.scalars.beta2Power'],
    ["a power's low part larger than a rounding error", (s: TrainingState) => scalars(s, { beta1PowerLow: 0.01 }), 'trainingState.optimizer.scalars.beta1PowerLow'],
    ["nadam's product above 1", (s: TrainingState) => scalars(s, { uProduct: 1.5 }), 'trainingState.optimizer.scalars.uProduct'],
    ['a schedule of unknown keys', (s: TrainingState) => settings(s, { schedule: { garbage: true } }), 'trainingState.optimizer.settings.schedule.garbage'],
    ['a schedule missing a parameter', (s: TrainingState) => settings(s, { schedule: { schedule: 'exponentialDecay', params: { initialLearningRate: 0.5, decaySteps: 10, decayRate: 0.9 } } }), 'trainingState.optimizer.settings.schedule.params.staircase'],
    ['a schedule with a bad parameter', (s: TrainingState) => settings(s, { schedule: { schedule: 'exponentialDecay', params: { initialLearningRate: 0.5, decaySteps: -1, decayRate: 0.9, staircase: false } } }), 'trainingState.optimizer.settings.schedule.params.decaySteps'],
    ['a clipping of an unknown kind', (s: TrainingState) => settings(s, { clipping: { kind: 'bogus', bound: -5 } }), 'trainingState.optimizer.settings.clipping.kind'],
    ['a clipping of a negative bound', (s: TrainingState) => settings(s, { clipping: { kind: 'clipnorm', bound: -5 } }), 'trainingState.optimizer.settings.clipping.bound'],
    ['a clipping of null', (s: TrainingState) => settings(s, { clipping: null }), 'trainingState.optimizer.settings.clipping'],
    ['a setting of null', (s: TrainingState) => settings(s, { beta1: null }), 'trainingState.optimizer.settings.beta1'],
  ])('%s', async (_, change, field) => {
    const { m, state } = await trainedState();
    refusedAlone(m, () => m.setTrainingState(change(state) as TrainingState), field);
    // and the state it has still loads
    m.setTrainingState(state);
  });

  it('a state with a schedule (one parameter off) and a clipping loads as it was saved', async () => {
    const m = new Model(S);
    await m.fit(X, Y, { engine: 'js', epochs: 2, optimizer: 'adam', learningRate: { schedule: 'cosineDecay', initialLearningRate: 0.1, decaySteps: 5 }, clipnorm: 1 });
    const state = m.getTrainingState()!;
    expect(state.optimizer!.settings.schedule!.params.warmupTarget).toBeNull();
    const other = new Model(S);
    other.setTrainingState(state);
    expect(snapshot(other).state).toBe(snapshot(m).state);
  });
});

describe('specs are checked by name, null refused', () => {
  it.each([
    ['an initializer of an unknown key', { ...S, layers: [{ units: 3, kernelInitializer: { constant: 0.1, bogus: 1 } }, { units: 1, activation: 'sigmoid' }] }, 'layers[0].kernelInitializer.bogus'],
    ['a scaler of an unknown key', { ...S, scaler: { mean: [0, 0], std: [1, 1], bogus: 1 } }, 'scaler.bogus'],
    ['a target scaler of an unknown key', { ...S, loss: 'mse', layers: [{ units: 1 }], targetScaler: { mean: [0], std: [1], bogus: 1 } }, 'targetScaler.bogus'],
    ['a seed that is not a number, beside weights', { ...S, weights: new Model(S).getWeights(), seed: 'abc' }, 'seed'],
    ['a seed of -1, beside weights', { ...S, weights: new Model(S).getWeights(), seed: -1 }, 'seed'],
    ['an activation of null', { ...S, layers: [{ units: 3, activation: null }, { units: 1, activation: 'sigmoid' }] }, 'layers[0].activation'],
    ['a bias initializer of null', { ...S, layers: [{ units: 3, biasInitializer: null }, { units: 1, activation: 'sigmoid' }] }, 'layers[0].biasInitializer'],
    ["leakyRelu's alpha of null", { ...S, layers: [{ units: 3, activation: 'leakyRelu', alpha: null }, { units: 1, activation: 'sigmoid' }] }, 'layers[0].alpha'],
    ['a regularizer coefficient of null', { ...S, layers: [{ units: 3, kernelRegularizer: { l2: null } }, { units: 1, activation: 'sigmoid' }] }, 'layers[0].kernelRegularizer.l2'],
    ['a seed of null', { ...S, seed: null }, 'seed'],
  ])('%s', (_, spec, field) => {
    expect(refusal(() => new Model(spec as never)).field).toBe(field);
  });

  it('units of null say what units take', () => {
    const e = refusal(() => new Model({ ...S, layers: [{ units: null as never }] }));
    expect([e.field, e.message]).toEqual(['layers[0].units', 'layers[0].units: expected a positive integer, got null']);
  });

  it.each([
    ['epochs', { epochs: null }, 'epochs'],
    ['optimizer', { optimizer: null }, 'optimizer'],
    ["early stopping's patience", { validationSplit: 0.5, earlyStopping: { patience: null } }, 'earlyStopping.patience'],
    ["a plateau's factor", { reduceLROnPlateau: { monitor: 'loss', factor: null } }, 'reduceLROnPlateau.factor'],
    ["a schedule's optional parameter", { learningRate: { schedule: 'exponentialDecay', initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5, staircase: null } }, 'learningRate.staircase'],
    ['standardize', { standardize: null }, 'standardize'],
  ])('fit: %s of null', async (_, options, field) => {
    const m = new Model(S);
    const before = snapshot(m);
    const e = await asyncRefusal(() => m.fit(X, Y, { engine: 'js', ...options } as never));
    expect([e.field, e.message]).toEqual([field, `${field}: got null; leave the option out for its default`]);
    expect(snapshot(m)).toEqual(before);
  });

  it("a schedule's required parameter of null says what it takes", async () => {
    const e = await asyncRefusal(() => new Model(S).fit(X, Y, { engine: 'js', learningRate: { schedule: 'exponentialDecay', initialLearningRate: 0.1, decaySteps: null, decayRate: 0.5 } }));
    expect(e.message).toBe('learningRate.decaySteps: expected a finite number > 0, got null');
  });

  it('evaluateMetrics, predict and trace refuse null too', async () => {
    const m = new Model(S);
    expect(refusal(() => m.evaluateMetrics(X, Y, { threshold: null as never })).field).toBe('threshold');
    expect(refusal(() => m.evaluate(X, Y, { sampleWeight: null as never })).field).toBe('sampleWeight');
    expect(refusal(() => m.predict(X, { engine: null as never })).field).toBe('engine');
    expect((await asyncRefusal(() => m.trace(X, Y, { step: null as never }))).field).toBe('step');
  });
});

describe('trace takes what its type documents', () => {
  it.each(ENGINES)('standardizeTarget: a traced step with apply leaves the model where that fit does (%s)', async (engine) => {
    const spec: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1 }], loss: 'mse' };
    const y = X.map(([a, b]) => [100 + 10 * a! - 5 * b!]);
    const options = { engine, epochs: 1, batchSize: 6, shuffle: 'none', standardizeTarget: true, learningRate: 0.1 } as const;
    const [traced, fitted] = [new Model(spec), new Model(spec)];
    await traced.trace(X, y, { ...options, step: 1, apply: true, numericGradients: false });
    await fitted.fit(X, y, options);
    expect(traced.targetScaler).toEqual(fitted.targetScaler);
    expect(bits(traced.getParams())).toEqual(bits(fitted.getParams()));
  });
});
