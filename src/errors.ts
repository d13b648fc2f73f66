/** A problem with what the caller passed in: names the field (and row/column for data) and what was expected. */
export class BackpropError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'BackpropError';
  }
}

/**
 * Training stopped because the loss or a parameter stopped being a finite number. A BackpropError
 * (field 'fit'), so one `catch` handles every refusal of the library; `epoch` and `row` count from 0.
 */
export class DivergenceError extends BackpropError {
  constructor(readonly epoch: number, readonly row: number, message: string) {
    super('fit', message);
    this.name = 'DivergenceError';
  }
}

export function fail(field: string, message: string): never {
  throw new BackpropError(field, message);
}

/** What a value is, for messages: `"abc"`, `-1`, `NaN`, `an array`. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a ${typeof value}`;
}

/** A whole number from 1 to 2^53 − 1: past that, f64 no longer tells neighbouring integers apart (and 2^53 + 2 epochs never end). */
export function positiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(field, `expected a positive integer, got ${show(value)}`);
  return value;
}

export function positiveFinite(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(field, `expected a finite number > 0, got ${show(value)}`);
  return value;
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(field, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/**
 * Refuses keys of an options object that are not `known` (a misspelt option would otherwise be
 * ignored, silently: `{ epoch: 3 }` training one epoch).
 */
export function knownKeys(field: string, value: object, known: readonly string[]): void {
  // for…in, not Object.keys: no array per call (predict checks its options on every call)
  for (const key in value) {
    if (!known.includes(key) && Object.hasOwn(value, key)) fail(field ? `${field}.${key}` : key, `unknown option; expected one of ${known.join(', ')}`);
  }
}
