// For two-feature data: what each hidden unit computes, as a small map of its activation over the
// plane the data spans (as TensorFlow Playground draws them). The numbers come from the library:
// for each hidden layer, a model of the layers up to it, given the run's weights, predicts every
// unit of that layer over the grid at once — the same forward pass as training, no copy of it here.
import { Model, type ModelOptions, type Scaler, type Weights } from '../src/browser.js';
import { SHOWN_UNITS, NEGATIVE, POSITIVE } from './diagram.js';
import { gridPoints } from './grid.js';
import type { PlaneGrid } from './form.js';
import { extent } from '../src/extent.js';
import { fragment } from './fragment.js';

/** Cells per side of a map: small maps need few. */
export const MAP_RESOLUTION = 32;
/** CSS pixels per side of a map. */
const MAP_SIZE = 76;
/** Maps are repainted at most this often while training; the last snapshot always is. */
const REPAINT_MS = 100;

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
const POS = hex(POSITIVE), NEG = hex(NEGATIVE);

/** White at 0, the diagram's positive colour towards +1 and its negative colour towards −1. */
function shade(t: number): number[] {
  const c = t >= 0 ? POS : NEG;
  const k = Math.min(1, Math.abs(t)) * 0.85;
  return c.map((v) => Math.round(255 + (v - 255) * k));
}

interface LayerMaps {
  /** The layers up to this one, ending in its shown units. */
  model: Model;
  /** Counting hidden layers from 0: the model's weights are the run's up to this layer's kernel and bias. */
  layer: number;
  activation: string;
  canvases: HTMLCanvasElement[];
}

export class UnitMaps {
  private layers: LayerMaps[] = [];
  private points: Float64Array = new Float64Array();
  /** The training rows, as fractions of the grid's ranges. */
  private dots: Float64Array = new Float64Array();
  private painted = 0;

  constructor(private readonly container: HTMLElement) {}

  clear(): void {
    this.layers = [];
    this.container.replaceChildren();
  }

  /**
   * Lays out a map per hidden unit (the first SHOWN_UNITS of a layer) for `model` over `grid`,
   * with the training rows (x: rows × 2) as dots; `scaler` is the run's, if it standardizes.
   */
  start(model: ModelOptions, grid: PlaneGrid, x: Float64Array, scaler?: Scaler): void {
    this.points = gridPoints({ ...grid, resolution: MAP_RESOLUTION });
    const ranges = [grid.x, grid.y];
    this.dots = x.map((v, i) => (v - ranges[i % 2]![0]) / (ranges[i % 2]![1] - ranges[i % 2]![0]));
    this.painted = 0;
    const hidden = model.layers.slice(0, -1);
    // Each layer's model ends in that layer's shown units only: the units past them need not be computed.
    this.layers = hidden.map((layer, l) => ({
      model: new Model({ inputs: model.inputs, layers: [...model.layers.slice(0, l), { ...layer, units: Math.min(layer.units, SHOWN_UNITS) }], loss: 'mse', ...(scaler ? { scaler } : {}) }),
      layer: l,
      activation: layer.activation ?? 'linear',
      canvases: Array.from({ length: Math.min(layer.units, SHOWN_UNITS) }, () => {
        const c = document.createElement('canvas');
        c.width = c.height = MAP_RESOLUTION;
        c.style.width = c.style.height = `${MAP_SIZE}px`;
        return c;
      }),
    }));
    this.container.replaceChildren(fragment(this.layers.map(({ layer, activation, canvases }) => {
      const row = document.createElement('div');
      row.className = 'unit-maps-layer';
      const title = document.createElement('p');
      title.textContent = `Hidden layer ${layer + 1} (${activation})${hidden[layer]!.units > canvases.length ? `: its first ${canvases.length} of ${hidden[layer]!.units} units` : ''}`;
      row.append(title, fragment(canvases.map((canvas, u) => {
        const figure = document.createElement('figure');
        const caption = document.createElement('figcaption');
        caption.textContent = `unit ${u + 1}`;
        canvas.dataset.layer = String(layer);
        canvas.dataset.unit = String(u);
        figure.append(canvas, caption);
        return figure;
      })));
      return row;
    })));
  }

  /** Outlines the map of hidden unit `unit` of diagram column `column` (1 is the first hidden layer); any other part outlines none. */
  highlight(column: number, unit: number): void {
    for (const { layer, canvases } of this.layers) canvases.forEach((c, u) => c.classList.toggle('selected', layer === column - 1 && u === unit));
  }

  /** Repaints every map from the run's weights (Keras layout); while training, at most every REPAINT_MS unless `now`. */
  update(weights: Weights, now = false): void {
    const t = performance.now();
    if (!now && t - this.painted < REPAINT_MS) return;
    this.painted = t;
    for (const { model, layer, activation, canvases } of this.layers) {
      const kernel = weights[2 * layer] as number[][], bias = weights[2 * layer + 1] as number[];
      model.setWeights([...weights.slice(0, 2 * layer), kernel.map((row) => row.slice(0, canvases.length)), bias.slice(0, canvases.length)]);
      const a = model.predict(this.points);
      for (const [u, canvas] of canvases.entries()) this.paint(canvas, a.map((row) => row[u]!), activation);
    }
  }

  /**
   * One unit's map. sigmoid's 0…1 is shown as −1…1 about its midpoint 0.5; relu and linear, which
   * have no fixed range, are scaled by the largest |value| on the map.
   */
  private paint(canvas: HTMLCanvasElement, values: number[], activation: string): void {
    const n = MAP_RESOLUTION;
    const [min, max] = extent(values);
    const largest = Math.max(1e-12, -min, max);
    const t = (v: number) => (activation === 'sigmoid' ? 2 * v - 1 : activation === 'tanh' ? v : v / largest);
    const context = canvas.getContext('2d')!;
    const pixels = context.createImageData(n, n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) pixels.data.set([...shade(t(values[j * n + i]!)), 255], ((n - 1 - j) * n + i) * 4);
    }
    context.putImageData(pixels, 0, 0);
    context.fillStyle = '#111827';
    for (let r = 0; r < this.dots.length; r += 2) context.fillRect(Math.floor(this.dots[r]! * n), Math.floor((1 - this.dots[r + 1]!) * n), 1, 1);
    canvas.dataset.min = String(min);
    canvas.dataset.max = String(max);
  }
}
