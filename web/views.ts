// The panels a run draws into — the loss chart, the network diagram, the map of the prediction and
// the hidden units' maps — and the two things every feature does with them: lay them out for a run,
// and show a set of weights (with the Step that led to them, if any).
import { lossName, type Trace, type Weights } from '../src/browser.js';
import { NetworkDiagram } from './diagram.js';
import type { PageData, Run } from './form.js';
import { LossChart } from './lossChart.js';
import { PageWorker } from './background.js';
import { OutputMap, type OutputKind } from './outputMap.js';
import { MAP_RESOLUTION, UnitMaps } from './unitMaps.js';
import { SHOWN_UNITS } from './diagram.js';
import { extent } from '../src/extent.js';
import { say } from './state.js';
import { lazyUnflatten } from './weightsFlat.js';

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export const lossChart = new LossChart($('loss-chart'), $('loss-legend'));
export const diagram = new NetworkDiagram($('network') as unknown as SVGSVGElement, $('network-details'));
export const outputMap = new OutputMap($('plane-chart'));
const unitMaps = new UnitMaps($('unit-maps'));
export const background = new PageWorker((m) => {
  outputMap.paint(m.output);
  unitMaps.paint(m.units);
}, (message) => say(`The maps could not be drawn: ${message}`, 'error'));

diagram.onSelect = (part) => (part.kind === 'unit' ? unitMaps.highlight(part.column, part.unit) : unitMaps.highlight(-1, -1));
// The lines can show gradients only while the weights drawn come from a Step, which has them.
diagram.onTrace = (traced) => {
  const gradients = $<HTMLInputElement>('show-gradients');
  gradients.disabled = !traced;
  $('gradients-hint').hidden = traced;
  if (!traced && gradients.checked) {
    $<HTMLInputElement>('show-weights').checked = true;
    diagram.show('weights');
  }
};

export const stage = (text: string) => { $('network-stage').textContent = $('plane-stage').textContent = $('units-stage').textContent = text; };

/** The output as the map colours it. */
function outputKind(d: PageData): OutputKind {
  if (d.classes) return { kind: 'classes', classes: d.classes.length };
  return d.task === 'classification' ? { kind: 'probability' } : { kind: 'value', range: extent(d.y) };
}

/**
 * Lays out every panel for `run` on `d`, with no weights yet; `trained`: the weights to come are a
 * run's, fitted to the scaler the run fits (a preview's initial weights see the raw inputs);
 * `fitSent`: the run's fit has gone to the page's worker with the rows the scaler is fitted on (Train).
 */
export function startViews(run: Run, d: PageData, trained: boolean, fitSent = false): void {
  diagram.start(run.network, run.inputs, d.target, d.classes);
  const plane = run.plane;
  $('plane-panel').hidden = plane === undefined;
  const units = plane !== undefined && run.network.layers.length > 1;
  $('units-panel').hidden = !units;
  if (units) unitMaps.start(run.network.layers);
  else unitMaps.clear();
  if (plane) outputMap.start(plane, d.x, d.y, run.testMask, d.features, outputKind(d));
  background.start({
    inputs: run.inputs.length, layers: run.network.layers, loss: lossName(run.model.loss), ...(trained && run.fit.standardize ? { scaleRows: fitSent ? 'fit' as const : run.x } : {}),
    grid: plane ?? { x: [0, 1], y: [0, 1], resolution: 1 }, crosses: run.crosses, plane: plane !== undefined,
    unitResolution: MAP_RESOLUTION, shownUnits: SHOWN_UNITS,
  });
}

/** Shows the page's own `weights` (a preview's, a Step's) everywhere: the diagram's lines (with `trace`'s gradients) and, off this thread, the maps. */
export function showWeights(run: Run, weights: Weights, trace?: Trace): void {
  diagram.update(weights, trace);
  background.update(weights, run.plane !== undefined);
}

/** Shows `run`'s untrained network: its initial weights are made (and mapped) in the page's worker, and drawn when they come. */
export async function showPreview(run: Run): Promise<void> {
  const weights = await background.preview(run.model);
  if (weights) diagram.update(weights.drawn, undefined, lazyUnflatten(weights.flat, run.network));
}

/** The accuracy of the last weights mapped on the run's training rows and its test rows (if any), computed off this thread. */
export function accuracy(run: Run): Promise<number[]> {
  return background.score([{ x: run.x, y: run.y }, ...(run.test ? [run.test] : [])]);
}
