// For two-feature data: what each hidden unit computes, as a small map of its activation over the
// plane the data spans (as TensorFlow Playground draws them). The numbers come from the map worker
// (web/maps.ts): for each hidden layer, a model of the layers up to it predicts that layer's shown
// units over the grid — the library's forward pass, no copy of it here.
import type { DenseSpec } from '../src/browser.js';
import { NEGATIVE, POSITIVE, SHOWN_UNITS } from './diagram.js';
import { extent } from '../src/extent.js';
import { fragment } from './fragment.js';

/** Cells per side of a map: small maps need few. */
export const MAP_RESOLUTION = 32;
/** CSS pixels per side of a map. */
const MAP_SIZE = 76;

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
const POS = hex(POSITIVE), NEG = hex(NEGATIVE);

/** White at 0, the diagram's positive colour towards +1 and its negative colour towards −1. */
function shade(t: number): number[] {
  const c = t >= 0 ? POS : NEG;
  const k = Math.min(1, Math.abs(t)) * 0.85;
  return c.map((v) => Math.round(255 + (v - 255) * k));
}

interface LayerMaps {
  activation: string;
  canvases: HTMLCanvasElement[];
}

export class UnitMaps {
  private layers: LayerMaps[] = [];
  /** The hidden layers the maps are laid out for (their activations and widths), as JSON. */
  private shown = '';

  constructor(private readonly container: HTMLElement) {}

  clear(): void {
    this.layers = [];
    this.shown = '';
    this.container.replaceChildren();
  }

  /**
   * Lays out a map per hidden unit (the first SHOWN_UNITS of a layer) of a network with `layers`
   * (the output layer last). The maps have no dots: on a map this small the rows would cover it.
   */
  start(layers: DenseSpec[]): void {
    const n = MAP_RESOLUTION;
    const hidden = layers.slice(0, -1);
    // The same hidden layers as the maps laid out (a run of the network previewed): the maps are kept, and repainted.
    const shown = hidden.map((l) => ({ activation: l.activation ?? 'linear', units: l.units }));
    if (JSON.stringify(shown) === this.shown) {
      this.highlight(-1, -1);
      return;
    }
    this.shown = JSON.stringify(shown);
    this.layers = hidden.map((layer) => ({
      activation: layer.activation ?? 'linear',
      canvases: Array.from({ length: Math.min(layer.units, SHOWN_UNITS) }, () => {
        const c = document.createElement('canvas');
        c.width = c.height = n;
        c.style.width = c.style.height = `${MAP_SIZE}px`;
        return c;
      }),
    }));
    this.container.replaceChildren(fragment(this.layers.map(({ activation, canvases }, l) => {
      const row = document.createElement('div');
      row.className = 'unit-maps-layer';
      const title = document.createElement('p');
      title.textContent = `Hidden layer ${l + 1} (${activation})${hidden[l]!.units > canvases.length ? `: its first ${canvases.length} of ${hidden[l]!.units} units` : ''}`;
      row.append(title, fragment(canvases.map((canvas, u) => {
        const figure = document.createElement('figure');
        const caption = document.createElement('figcaption');
        caption.textContent = `unit ${u + 1}`;
        canvas.dataset.layer = String(l);
        canvas.dataset.unit = String(u);
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `hidden ${l + 1} · unit ${u + 1} over the plane`);
        figure.append(canvas, caption);
        return figure;
      })));
      return row;
    })));
  }

  /** Outlines the map of hidden unit `unit` of diagram column `column` (1 is the first hidden layer); any other part outlines none. */
  highlight(column: number, unit: number): void {
    this.layers.forEach(({ canvases }, l) => canvases.forEach((c, u) => c.classList.toggle('selected', l === column - 1 && u === unit)));
  }

  /** Paints every map: per hidden layer, its shown units' activations over the grid (cells × units). */
  paint(units: Float64Array[]): void {
    this.layers.forEach(({ activation, canvases }, l) => {
      const values = units[l];
      if (!values) return;
      canvases.forEach((canvas, u) => this.paintOne(canvas, values, u, canvases.length, activation));
    });
  }

  /**
   * One unit's map. sigmoid's 0…1 is shown as −1…1 about its midpoint 0.5; relu and linear, which
   * have no fixed range, are scaled by the largest |value| on the map.
   */
  private paintOne(canvas: HTMLCanvasElement, values: Float64Array, unit: number, stride: number, activation: string): void {
    const n = MAP_RESOLUTION;
    const [min, max] = extent(values, stride, unit);
    const largest = Math.max(1e-12, Math.abs(min), Math.abs(max));
    const t = (v: number) => (activation === 'sigmoid' ? 2 * v - 1 : activation === 'tanh' ? v : v / largest);
    const context = canvas.getContext('2d')!;
    const pixels = context.createImageData(n, n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const c = shade(t(values[(j * n + i) * stride + unit]!)), at = ((n - 1 - j) * n + i) * 4;
        pixels.data[at] = c[0]!;
        pixels.data[at + 1] = c[1]!;
        pixels.data[at + 2] = c[2]!;
        pixels.data[at + 3] = 255;
      }
    }
    context.putImageData(pixels, 0, 0);
    canvas.dataset.min = String(min);
    canvas.dataset.max = String(max);
  }
}
