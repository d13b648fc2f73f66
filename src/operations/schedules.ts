// Keras's learning-rate schedules, one row each: fit's `learningRate: { schedule: 'cosineDecay', … }`,
// with Keras's parameter names in camelCase. The host writes each update's rate into the kernels'
// settings before the update, from the updates made so far — Keras's `iterations`, which its
// optimizer hands its schedule (base_optimizer's _get_current_learning_rate) — so both engines read
// the same number. The formulas are keras/src/optimizers/schedules/learning_rate_schedule.py's.
import { fail, knownKeys, oneOf, positiveFinite, show } from '../errors.js';
import { nameList, nonNegative, trueOrFalse } from './rows.js';

type Value = number | boolean | number[] | null;

interface ParamRow {
  /** What the value is: the CLI's parser (src/cli/run.ts) reads it, and docs/operations.md. */
  kind: 'number' | 'boolean' | 'list';
  /** Keras's default; none: the parameter is required. null: optional, and off without it. */
  default?: Value;
  check(field: string, v: unknown): Value;
}

function numbers(field: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.length === 0) fail(field, `expected a non-empty array of numbers, got ${show(v)}`);
  v.forEach((x, i) => { if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) fail(`${field}[${i}]`, `expected a finite number ≥ 0, got ${show(x)}`); });
  return [...(v as number[])];
}

const INITIAL: ParamRow = { kind: 'number', check: positiveFinite };
const STEPS: ParamRow = { kind: 'number', check: positiveFinite };

/** A schedule's parameters, checked, every default filled in. */
type ScheduleParams = Record<string, Value>;
const n = (p: ScheduleParams, key: string) => p[key] as number;

interface ScheduleRow {
  /** For the option's doc, --help and docs/operations.md. */
  help: string;
  params: Record<string, ParamRow>;
  /** Checks across its parameters, once each passed its own. */
  refine(p: ScheduleParams, field: string): void;
  /** The rate of the update after `step` updates. */
  at(p: ScheduleParams, step: number): number;
}

/** The fraction of decaySteps made, floored with staircase (exponential and inverse time decay). */
const fraction = (p: ScheduleParams, step: number) => (p.staircase ? Math.floor(step / n(p, 'decaySteps')) : step / n(p, 'decaySteps'));

/** CosineDecay's _decay_function: from `from`, down to alpha·from over decaySteps. */
function cosine(p: ScheduleParams, step: number, from: number): number {
  const completed = step / n(p, 'decaySteps');
  const decayed = 0.5 * (1.0 + Math.cos(Math.PI * completed));
  return from * ((1 - n(p, 'alpha')) * decayed + n(p, 'alpha'));
}

const ROWS = {
  exponentialDecay: {
    help: 'initialLearningRate · decayRate^(step / decaySteps), the exponent floored with staircase',
    params: { initialLearningRate: INITIAL, decaySteps: STEPS, decayRate: { kind: 'number', check: positiveFinite }, staircase: { kind: 'boolean', default: false, check: trueOrFalse } },
    refine: () => {},
    at: (p, step) => n(p, 'initialLearningRate') * Math.pow(n(p, 'decayRate'), fraction(p, step)),
  },
  inverseTimeDecay: {
    help: 'initialLearningRate / (1 + decayRate · step / decaySteps), the fraction floored with staircase',
    params: { initialLearningRate: INITIAL, decaySteps: STEPS, decayRate: { kind: 'number', check: nonNegative }, staircase: { kind: 'boolean', default: false, check: trueOrFalse } },
    refine: () => {},
    at: (p, step) => n(p, 'initialLearningRate') / (1 + n(p, 'decayRate') * fraction(p, step)),
  },
  piecewiseConstantDecay: {
    help: 'values[0] up to step boundaries[0], values[i] up to boundaries[i], the last value after the last boundary',
    params: { boundaries: { kind: 'list', check: numbers }, values: { kind: 'list', check: numbers } },
    refine: (p, field) => {
      const b = p.boundaries as number[], v = p.values as number[];
      if (v.length !== b.length + 1) fail(`${field}.values`, `expected one value more than boundaries (${b.length + 1}), got ${v.length}`);
      b.forEach((x, i) => { if (i > 0 && !(x > b[i - 1]!)) fail(`${field}.boundaries[${i}]`, `expected increasing steps, got ${x} after ${b[i - 1]}`); });
    },
    at: (p, step) => {
      const b = p.boundaries as number[], v = p.values as number[];
      let i = 0;
      while (i < b.length && step > b[i]!) i++;
      return v[i]!;
    },
  },
  polynomialDecay: {
    help: '(initialLearningRate − endLearningRate)·(1 − step / decaySteps)^power + endLearningRate, held there after decaySteps (or with cycle, restarted over multiples of them)',
    params: {
      initialLearningRate: INITIAL, decaySteps: STEPS, endLearningRate: { kind: 'number', default: 0.0001, check: nonNegative },
      power: { kind: 'number', default: 1, check: positiveFinite }, cycle: { kind: 'boolean', default: false, check: trueOrFalse },
    },
    refine: () => {},
    at: (p, step) => {
      let steps = n(p, 'decaySteps');
      if (p.cycle) steps *= step === 0 ? 1 : Math.ceil(step / n(p, 'decaySteps'));
      else step = Math.min(step, steps);
      return (n(p, 'initialLearningRate') - n(p, 'endLearningRate')) * Math.pow(1 - step / steps, n(p, 'power')) + n(p, 'endLearningRate');
    },
  },
  cosineDecay: {
    help: 'a half cosine from the rate to alpha times it over decaySteps; with warmupTarget, first a straight line from initialLearningRate to it over warmupSteps',
    params: {
      initialLearningRate: INITIAL, decaySteps: STEPS, alpha: { kind: 'number', default: 0, check: nonNegative },
      warmupTarget: { kind: 'number', default: null, check: positiveFinite }, warmupSteps: { kind: 'number', default: 0, check: nonNegative },
    },
    refine: () => {},
    at: (p, step) => {
      const initial = n(p, 'initialLearningRate');
      if (p.warmupTarget === null) return cosine(p, Math.min(step, n(p, 'decaySteps')), initial);
      const warmup = n(p, 'warmupSteps'), target = n(p, 'warmupTarget');
      step = Math.min(step, n(p, 'decaySteps') + warmup);
      return step < warmup ? (target - initial) * (step / warmup) + initial : cosine(p, step - warmup, target);
    },
  },
} satisfies Record<string, ScheduleRow>;

export type ScheduleName = keyof typeof ROWS;
export const SCHEDULE_ROWS: Record<ScheduleName, ScheduleRow> = ROWS;
export const SCHEDULES = Object.keys(ROWS) as ScheduleName[];

/** A schedule as fit takes it: `{ schedule: 'exponentialDecay', initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.96 }`. */
export interface LearningRateSchedule {
  schedule: ScheduleName;
  [param: string]: unknown;
}

/** A schedule checked: its name and every parameter, defaults filled in. */
export interface ScheduleSettings {
  schedule: ScheduleName;
  params: ScheduleParams;
}

/** Checks a schedule given as `field`, every key by name. */
export function checkSchedule(field: string, o: unknown): ScheduleSettings {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail(field, `expected a number or { schedule: ${nameList(SCHEDULES)}, … }, got ${show(o)}`);
  const schedule = oneOf(`${field}.schedule`, (o as { schedule?: unknown }).schedule, SCHEDULES);
  const row = SCHEDULE_ROWS[schedule];
  // a required parameter's own check names what it expects in place of null
  knownKeys(field, o, ['schedule', ...Object.keys(row.params)], Object.keys(row.params).filter((key) => row.params[key]!.default === undefined));
  const params: ScheduleParams = {};
  for (const [key, param] of Object.entries(row.params)) {
    const given = (o as Record<string, unknown>)[key];
    if (given === undefined && param.default === undefined) fail(`${field}.${key}`, `${schedule} needs ${key}`);
    params[key] = given === undefined ? param.default! : param.check(`${field}.${key}`, given);
  }
  row.refine(params, field);
  return { schedule, params };
}

/** The rate of the update after `step` updates. */
export function scheduledRate(s: ScheduleSettings, step: number): number {
  return SCHEDULE_ROWS[s.schedule].at(s.params, step);
}

/** A schedule's parameter kinds by name, across every schedule (the CLI parses `key=value` with them). */
export function scheduleParamKinds(): Record<string, ParamRow['kind']> {
  return Object.fromEntries(Object.values(SCHEDULE_ROWS).flatMap((r) => Object.entries(r.params).map(([k, p]) => [k, p.kind])));
}
