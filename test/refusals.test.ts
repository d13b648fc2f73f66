// A refused call changes nothing: whatever fit, trainOnBatch or setTrainingState refuses (a bad
// option, row, weight or saved part), the model's weights, training state, scalers and predictions
// stay as they were, to the bit, and the error names the field. And null is refused wherever an
// option is read, rather than silently taken for the default.
import { beforeAll, describe, expect, it } from 'vitest';
import { BackpropError, loadWasm, Model, type EngineKind, type ModelOptions, type TrainingState } from '../src/node.js';
import type { OptimizerOptions } from '../src/optimizerSettings.js';
import { ddPow, powerStep } from '../src/engines/math.js';

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

describe("a saved optimizer state as its updates can make it: no negative mean of squares, powers that match iterations and β", () => {
  /** A model after two epochs of 3 batches (6 updates) with these optimizer options, its state, and that state with `edit` made to a copy. */
  async function savedWith(options: OptimizerOptions) {
    const m = new Model(S);
    await m.fit(X, Y, { engine: 'js', epochs: 2, batchSize: 2, ...options });
    const state = m.getTrainingState()!;
    expect(state.optimizer!.scalars.iterations).toBe(6);
    return { m, state };
  }
  const withArray = (state: TrainingState, name: string, value: number) => {
    const a = state.optimizer!.arrays[name]!.slice();
    a[4] = value;
    return { ...state, optimizer: { ...state.optimizer!, arrays: { ...state.optimizer!.arrays, [name]: a } } };
  };
  const withScalars = (state: TrainingState, change: Record<string, number>) => ({ ...state, optimizer: { ...state.optimizer!, scalars: { ...state.optimizer!.scalars, ...change } } });

  // Which arrays the updates keep ≥ 0, from Keras's formulas (each also the kernels'): v ← v + (g² − v)(1 − β₂),
  // v = ρ·v + (1 − ρ)·g², v̂ = max(v̂, v), a += g², u = max(β₂·u, |g|), E ← ρ·E + (1 − ρ)·x².
  it.each([
    [{ optimizer: 'adam' }, 'velocities', "adam's v, the squared gradient's running mean, is never negative, got -0.5"],
    [{ optimizer: 'adam', amsgrad: true }, 'accumulators', "adam's v̂, the largest v so far, is never negative, got -0.5"],
    [{ optimizer: 'adamw' }, 'velocities', "adamw's v, the squared gradient's running mean, is never negative, got -0.5"],
    [{ optimizer: 'nadam' }, 'velocities', "nadam's v, the squared gradient's running mean, is never negative, got -0.5"],
    [{ optimizer: 'rmsprop', centered: true, momentum: 0.5 }, 'velocities', "rmsprop's v, the squared gradient's running mean, is never negative, got -0.5"],
    [{ optimizer: 'adagrad' }, 'accumulators', "adagrad's a, the accumulated squared gradient, is never negative, got -0.5"],
    [{ optimizer: 'adadelta' }, 'velocities', "adadelta's E[g²], the squared gradient's running mean, is never negative, got -0.5"],
    [{ optimizer: 'adadelta' }, 'accumulators', "adadelta's E[Δ²], the squared step's running mean, is never negative, got -0.5"],
    [{ optimizer: 'adamax' }, 'velocities', "adamax's u, the running infinity norm, is never negative, got -0.5"],
  ] as [OptimizerOptions, string, string][])('%o: a negative element of %s is refused, naming it', async (options, name, message) => {
    const { m, state } = await savedWith(options);
    const field = `trainingState.optimizer.arrays.${name}[4]`;
    const before = snapshot(m);
    const e = refusal(() => m.setTrainingState(withArray(state, name, -0.5)));
    expect([e.field, e.message]).toEqual([field, `${field}: ${message}`]);
    expect(snapshot(m), 'a refused call changes nothing').toEqual(before);
    // the least negative number too: the updates keep these ≥ 0 exactly, with no rounding to allow for
    refusedAlone(m, () => m.setTrainingState(withArray(state, name, -Number.MIN_VALUE)), field);
    m.setTrainingState(withArray(state, name, 0));
  });

  it.each([
    [{ optimizer: 'sgd', momentum: 0.9 }, 'momentums'],
    [{ optimizer: 'adam' }, 'momentums'],
    [{ optimizer: 'rmsprop', centered: true, momentum: 0.5 }, 'momentums'],
    // centered RMSprop's ḡ, the gradient's running mean, takes the gradient's sign
    [{ optimizer: 'rmsprop', centered: true }, 'accumulators'],
    [{ optimizer: 'nadam' }, 'momentums'],
  ] as [OptimizerOptions, string][])('%o: a negative element of %s, signed, loads', async (options, name) => {
    const { m, state } = await savedWith(options);
    m.setTrainingState(withArray(state, name, -0.5));
    expect(m.getTrainingState()!.optimizer!.arrays[name]![4]).toBe(-0.5);
  });

  // Powers by hand for 3 updates: 0.9³ = 0.729, 0.999³ = 0.997002999, nadam's 0.96³⁺¹ = 0.84934656;
  // one update behind, 0.9² = 0.81, 0.999² = 0.998001, 0.96³ = 0.884736.
  const three = { iterations: 3, beta1PowerLow: 0, beta2PowerLow: 0, decayPowerLow: 0 };
  it.each([
    ['adam: β₁ᵗ a step behind', { optimizer: 'adam' }, { beta1Power: 0.81, beta2Power: 0.997002999 }, 'beta1Power', 'expected β₁ᵗ after 3 updates with β₁ 0.9, 0.729'],
    ['adam: β₂ᵗ a step behind', { optimizer: 'adam' }, { beta1Power: 0.729, beta2Power: 0.998001 }, 'beta2Power', 'expected β₂ᵗ after 3 updates with β₂ 0.999, 0.997002999'],
    ['adamw: β₁ᵗ of a fresh optimizer', { optimizer: 'adamw' }, { beta1Power: 1, beta2Power: 0.997002999 }, 'beta1Power', 'expected β₁ᵗ after 3 updates with β₁ 0.9, 0.729'],
    ['adam: the powers of another β₁ (0.8³ = 0.512)', { optimizer: 'adam' }, { beta1Power: 0.512, beta2Power: 0.997002999 }, 'beta1Power', 'expected β₁ᵗ after 3 updates with β₁ 0.9, 0.729'],
    ['adamax: β₁ᵗ a step behind', { optimizer: 'adamax' }, { beta1Power: 0.81 }, 'beta1Power', 'expected β₁ᵗ after 3 updates with β₁ 0.9, 0.729'],
    ["nadam: 0.96ᵗ⁺¹ a step behind", { optimizer: 'nadam' }, { beta2Power: 0.997002999, decayPower: 0.884736 }, 'decayPower', 'expected 0.96ᵗ⁺¹ after 3 updates, 0.849346'],
    ['nadam: β₂ᵗ a step behind', { optimizer: 'nadam' }, { beta2Power: 0.998001, decayPower: 0.84934656 }, 'beta2Power', 'expected β₂ᵗ after 3 updates with β₂ 0.999, 0.997002999'],
  ] as [string, OptimizerOptions, Record<string, number>, string, string][])('%s is refused', async (_, options, powers, name, words) => {
    const { m, state } = await savedWith(options);
    const field = `trainingState.optimizer.scalars.${name}`;
    const e = refusal(() => m.setTrainingState(withScalars(state, { ...three, ...powers })));
    expect(e.field).toBe(field);
    // the expected power printed as computed, within an ulp or two of the hand value: its leading digits
    expect(e.message).toContain(words);
    refusedAlone(m, () => m.setTrainingState(withScalars(state, { ...three, ...powers })), field);
  });

  it.each([
    ['adam', { optimizer: 'adam' }, { beta1Power: 0.729, beta2Power: 0.997002999 }],
    // adamax keeps no β₂ᵗ, nadam no β₁ᵗ, sgd no power: theirs are not read, and not checked
    ['adamax', { optimizer: 'adamax' }, { beta1Power: 0.729, beta2Power: 0.5 }],
    ['nadam', { optimizer: 'nadam' }, { beta1Power: 0.5, beta2Power: 0.997002999, decayPower: 0.84934656 }],
    ['sgd', { optimizer: 'sgd', momentum: 0.9 }, { beta1Power: 0.5, beta2Power: 0.5, decayPower: 0.5 }],
  ] as [string, OptimizerOptions, Record<string, number>][])('%s: the powers of 3 updates by hand, with iterations 3, load', async (_, options, powers) => {
    const { m, state } = await savedWith(options);
    m.setTrainingState(withScalars(state, { ...three, ...powers }));
    expect(m.getTrainingState()!.optimizer!.scalars).toMatchObject({ ...three, ...powers });
  });

  it("an update count edited alone disagrees with the powers: refused", async () => {
    const { m, state } = await savedWith({ optimizer: 'adam' });
    refusedAlone(m, () => m.setTrainingState(withScalars(state, { iterations: 7 })), 'trainingState.optimizer.scalars.beta1Power', /after 7 updates with β₁ 0\.9/);
  });

  it('every state a run makes loads: another β between fits and in trainOnBatch, resetOptimizer, a plateau, a schedule', async () => {
    for (const optimizer of ['adam', 'adamw', 'adamax', 'nadam'] as const) {
      const m = new Model(S);
      await m.fit(X, Y, { engine: 'js', epochs: 2, batchSize: 2, optimizer });
      await m.fit(X, Y, { engine: 'js', epochs: 2, batchSize: 2, optimizer, beta1: 0.8, beta2: 0.99, reduceLROnPlateau: { monitor: 'loss', patience: 0, factor: 0.5 } });
      m.trainOnBatch(X, Y, { optimizer, beta1: 0.7, beta2: 0.95 });
      new Model(S).setTrainingState(m.getTrainingState()!);
      await m.fit(X, Y, { engine: 'js', epochs: 2, batchSize: 2, optimizer, resetOptimizer: true, learningRate: { schedule: 'exponentialDecay', initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 } });
      new Model(S).setTrainingState(m.getTrainingState()!);
    }
  });

  it("every power a run can reach loads, far past underflow: the kernels' running products from 1, and from the host's power where a fit changed β", async () => {
    // The kernels' running products (powerStep, the JS engine's twin of theirs, test/kernels.test.ts), to t = 100,000 —
    // one from 1, one restarted at t = 30,000 from ddPow as a fit continued with this β starts it — set as the saved powers.
    const { m, state } = await savedWith({ optimizer: 'adam', beta2: 0.5 });
    const problems: string[] = [];
    for (const beta1 of [0.9, 0.999, 0.5, 0.123456789, 0.9999]) {
      const settings = { ...state.optimizer!.settings, beta1 };
      const fromOne = Float64Array.of(1, 0), restarted = Float64Array.of(1, 0);
      for (let t = 1; t <= 100_000; t++) {
        powerStep(fromOne, 0, beta1);
        if (t === 30_000) restarted.set(ddPow(beta1, t));
        else powerStep(restarted, 0, beta1);
        if (t % 997 !== 0 && t !== 1) continue;
        const [beta2Power, beta2PowerLow] = ddPow(0.5, t);
        for (const [product, which] of [[fromOne, 'from 1'], [restarted, 'restarted']] as const) {
          const scalars = { ...state.optimizer!.scalars, iterations: t, beta1Power: product[0]!, beta1PowerLow: product[1]!, beta2Power, beta2PowerLow };
          try { m.setTrainingState({ ...state, optimizer: { ...state.optimizer!, settings, scalars } }); } catch (e) { problems.push(`${beta1}^${t} ${which}: ${(e as Error).message}`); }
        }
      }
    }
    expect(problems.slice(0, 3)).toEqual([]);
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
