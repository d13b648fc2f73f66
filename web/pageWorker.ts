// The page's worker: Train's WorkerTrainer lives here, and so do the maps. A big network's weights
// (a snapshot each few epochs) arrive here, not on the page's thread; this worker computes the maps
// of the latest of them (the forward pass of the whole network over thousands of points), and sends
// the page the losses, the few weights the diagram draws, and the numbers to paint. The numbers come
// from the library's Model and WorkerTrainer, as an in-thread fit's would.
import { BackpropError, DivergenceError, fitScaler, loadWasm, Model, WorkerTrainer, type ModelOptions, type Weights } from '../src/browser.js';
import { gridPoints } from './planeGrid.js';
import type { Ended, FitRequest, FromPage, MapSetup, ToPage } from './pageProtocol.js';
import { withCrosses } from './toys.js';
import { flatten, unflatten } from './weightsFlat.js';

interface Maps {
  id: number;
  setup: MapSetup;
  /** The whole network, for the output map and the scores. */
  model: Model;
  points: Float64Array;
  /** Per hidden layer: the layers up to it, ending in its shown units only (the rest need not be computed). */
  layers: { model: Model; units: number }[];
  unitPoints: Float64Array;
  /** The weights whose maps are still to compute (the latest only), and the last weights seen. */
  pending?: Weights;
  last?: Weights;
}

let maps: Maps | undefined;
let trainer: WorkerTrainer | undefined;
/** Whether a fit runs: until it ends, more weights (and maps) are to come. */
let fitting = false;
/** The rows of the last fit sent (the network's inputs): a standardizing run's maps fit their scaler on them (scaleRows 'fit'). */
let fitRows: Float64Array | undefined;
const ready = loadWasm().catch(() => undefined);
const post = (message: FromPage, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

function build(id: number, setup: MapSetup): Maps {
  const { inputs, layers, loss } = setup;
  if (setup.scaleRows === 'fit' && !fitRows) throw new Error('the maps of a standardizing run came before its fit');
  const scaleRows = setup.scaleRows === 'fit' ? fitRows : setup.scaleRows;
  const scaler = scaleRows ? fitScaler(scaleRows, scaleRows.length / inputs, inputs) : undefined;
  const base = { inputs, ...(scaler ? { scaler } : {}) };
  const hidden = setup.plane ? layers.slice(0, -1) : [];
  const grid = setup.plane ? setup.grid : { x: [0, 1] as [number, number], y: [0, 1] as [number, number], resolution: 0 };
  return {
    id,
    setup,
    model: new Model({ ...base, layers, loss } as ModelOptions),
    points: withCrosses(gridPoints(grid), setup.crosses),
    layers: hidden.map((layer, l) => {
      const units = Math.min(layer.units, setup.shownUnits);
      return { model: new Model({ ...base, layers: [...layers.slice(0, l), { ...layer, units }], loss: 'mse' } as ModelOptions), units };
    }),
    unitPoints: withCrosses(gridPoints({ ...grid, resolution: setup.plane ? setup.unitResolution : 0 }), setup.crosses),
  };
}

/** Computes the maps of the latest weights, in a task of its own, so that the trainer's reports queued meanwhile are taken first. */
function paintSoon(m: Maps, weights: Weights): void {
  m.last = weights;
  if (!m.setup.plane) return;
  const scheduled = m.pending !== undefined;
  m.pending = weights;
  if (!scheduled) setTimeout(() => paint(m));
}

function paint(m: Maps): void {
  const weights = m.pending;
  m.pending = undefined;
  if (!weights || maps !== m) return;
  try {
    m.model.setWeights(weights);
    const outputs = m.setup.layers[m.setup.layers.length - 1]!.units;
    const output = m.model.predictInto(m.points, new Float64Array((m.points.length / m.setup.inputs) * outputs));
    const units = m.layers.map(({ model, units }, l) => {
      const kernel = weights[2 * l] as number[][], bias = weights[2 * l + 1] as number[];
      model.setWeights([...weights.slice(0, 2 * l), kernel.map((row) => row.slice(0, units)), bias.slice(0, units)]);
      return model.predictInto(m.unitPoints, new Float64Array((m.unitPoints.length / m.setup.inputs) * units));
    });
    post({ type: 'maps', id: m.id, output, units, settled: !fitting && m.pending === undefined }, [output.buffer, ...units.map((u) => u.buffer)]);
  } catch (e) {
    post({ type: 'error', id: m.id, message: (e as Error).message });
  }
}

/** The weights the diagram draws: each kernel's first `shown` rows and columns, each bias's first `shown`. */
function drawn(weights: Weights, shown: number): Weights {
  return weights.map((w) => (Array.isArray(w[0]) ? (w as number[][]).slice(0, shown).map((row) => row.slice(0, shown)) : (w as number[]).slice(0, shown)));
}

async function fit(id: number, request: FitRequest): Promise<void> {
  const { model, x, y, fit: options, sample } = request;
  fitRows = x;
  try {
    if (trainer) trainer.setModel(model);
    else trainer = new WorkerTrainer(model);
  } catch (e) {
    post({ type: 'failed', id, error: info(e) });
    return;
  }
  const own = trainer;
  fitting = true;
  let unsent: Extract<FromPage, { type: 'epochs' }> | undefined;
  const flush = () => {
    if (unsent) post(unsent);
    unsent = undefined;
  };
  try {
    const history = await own.fit(x, y, {
      ...options,
      progressWeights: true,
      onEpochEnd: (epoch, logs) => {
        unsent ??= { type: 'epochs', id, epochs: 0, losses: [], testLosses: [] };
        unsent.epochs = epoch + 1;
        unsent.losses.push(logs.loss);
        unsent.testLosses.push(logs.valLoss);
        if (logs.valMetrics && 'accuracy' in logs.valMetrics) unsent.testAccuracy = logs.valMetrics.accuracy;
        // The trainer's reports come in batches, the last of each with the weights: one message to the page per batch.
        if (logs.weights) {
          unsent.drawn = drawn(logs.weights, maps?.setup.shownUnits ?? Infinity);
          if (maps) paintSoon(maps, logs.weights);
          flush();
        }
      },
    });
    flush();
    fitting = false;
    const weights = own.model.getWeights();
    if (maps) paintSoon(maps, weights);
    const end = ended(own, weights, sample);
    post({ type: 'done', id, history, ...end }, [end.flat.buffer]);
  } catch (e) {
    flush();
    fitting = false;
    if (!(e instanceof BackpropError || e instanceof DivergenceError)) trainer = undefined;
    // A model that diverged keeps the weights of the last epoch it finished: the page shows them as a fit's end
    const kept = e instanceof DivergenceError ? ended(own, own.model.getWeights(), sample) : undefined;
    post({ type: 'failed', id, error: info(e), ...(kept ? { kept } : {}) }, kept ? [kept.flat.buffer] : []);
  }
}

/** `weights` (the trainer's model's) as a fit's end sends them, and the model's predictions of the sample rows. */
function ended(trainer: WorkerTrainer, weights: Weights, sample: Float64Array): Ended {
  return { flat: flatten(weights), drawn: drawn(weights, maps?.setup.shownUnits ?? Infinity), predictions: trainer.model.predict(sample) };
}

function info(e: unknown): { name: string; message: string; field?: string } {
  const error = e as Error & { field?: string };
  return { name: error.name, message: error.message, ...(error instanceof BackpropError ? { field: error.field } : {}) };
}

self.onmessage = async (event: MessageEvent<ToPage>) => {
  const m = event.data;
  await ready;
  if (m.type === 'setup') {
    try {
      maps = build(m.id, m.setup);
    } catch (e) {
      maps = undefined;
      post({ type: 'error', id: m.id, message: (e as Error).message });
    }
  } else if (m.type === 'weights') {
    // Unpainted weights of a fit that ended are replaced by these, the page's.
    if (maps?.id === m.id) paintSoon(maps, unflatten(m.flat, maps.setup));
  } else if (m.type === 'preview') {
    if (maps?.id !== m.id) return;
    try {
      const weights = new Model(m.model).getWeights();
      paintSoon(maps, weights);
      const flat = flatten(weights);
      post({ type: 'previewed', id: m.id, drawn: drawn(weights, maps.setup.shownUnits), flat }, [flat.buffer]);
    } catch (e) {
      post({ type: 'previewed', id: m.id, error: (e as Error).message });
    }
  } else if (m.type === 'fit') void fit(m.id, m.request);
  else if (m.type === 'fitted') {
    if (maps?.id === m.id && trainer) paintSoon(maps, trainer.model.getWeights());
  }
  else if (m.type === 'stop') trainer?.stop();
  else {
    // Every score is answered, NaN where the maps have moved on to another network.
    const accuracy = m.sets.map(({ x, y }) => {
      if (!maps || maps.id !== m.id || !maps.last) return NaN;
      try {
        maps.model.setWeights(maps.last);
        const metrics = maps.model.evaluateMetrics(x, y);
        return 'accuracy' in metrics ? metrics.accuracy : NaN;
      } catch {
        return NaN;
      }
    });
    post({ type: 'score', id: m.id, accuracy });
  }
};
