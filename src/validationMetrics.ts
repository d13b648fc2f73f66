// What a fit's callbacks monitor (early stopping's and ReduceLROnPlateau's `val_<metric>`) and a
// search ranks by: the validation loss, or one of the validation metrics evaluateMetrics reports for
// the model's task. One row per metric: which tasks report it and which way is better.
import { LOSSES } from './contract.js';
import { fail, oneOf } from './errors.js';
import type { Metrics } from './metrics.js';
import { LOSS_ROWS } from './operations/losses.js';
import type { Loss } from './spec.js';

type Task = Metrics['task'];

const ALL: Task[] = ['regression', 'classification', 'multiclass'];

/** What a search can rank by: the tasks that report each, and whether lower or higher is better. */
export const SEARCH_METRICS = {
  loss: { better: 'lower', tasks: ALL },
  mse: { better: 'lower', tasks: ['regression'] },
  mae: { better: 'lower', tasks: ['regression'] },
  r2: { better: 'higher', tasks: ['regression'] },
  accuracy: { better: 'higher', tasks: ['classification', 'multiclass'] },
  precision: { better: 'higher', tasks: ['classification'] },
  recall: { better: 'higher', tasks: ['classification'] },
  f1: { better: 'higher', tasks: ['classification'] },
  logLoss: { better: 'lower', tasks: ['classification', 'multiclass'] },
  macroPrecision: { better: 'higher', tasks: ['multiclass'] },
  macroRecall: { better: 'higher', tasks: ['multiclass'] },
  macroF1: { better: 'higher', tasks: ['multiclass'] },
} as const satisfies Record<string, { better: 'lower' | 'higher'; tasks: readonly Task[] }>;

/** A name of SEARCH_METRICS: 'loss' (the validation loss) or a validation metric. */
export type SearchMetric = keyof typeof SEARCH_METRICS;

/** The task whose metrics a model with this loss reports (src/metrics.ts metricsFor), from what its targets are. */
function taskOfLoss(loss: Loss): Task {
  return LOSS_ROWS[loss].task;
}

/** The metrics a model with this loss can be ranked by. */
export function metricsForLoss(loss: Loss): SearchMetric[] {
  oneOf('loss', loss, LOSSES);
  const task = taskOfLoss(loss);
  return (Object.keys(SEARCH_METRICS) as SearchMetric[]).filter((name) => (SEARCH_METRICS[name].tasks as readonly Task[]).includes(task));
}

/** `metric` checked against the model's loss: `field` names where it came from (`metric`, `--metric`). */
export function checkMetric(field: string, metric: unknown, loss: Loss): SearchMetric {
  const allowed = metricsForLoss(loss);
  if (typeof metric !== 'string' || !(allowed as string[]).includes(metric)) {
    const known = typeof metric === 'string' && metric in SEARCH_METRICS ? `${metric} is not reported for a ${taskOfLoss(loss)} (loss '${loss}'); ` : '';
    fail(field, `${known}expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(metric)}`);
  }
  return metric as SearchMetric;
}

/** The value of `metric` in a trial's validation loss and metrics. */
export function metricValue(metric: SearchMetric, loss: number, metrics: Metrics): number {
  return metric === 'loss' ? loss : (metrics as unknown as Record<string, number>)[metric]!;
}
