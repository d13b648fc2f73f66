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
 * The message is `reason` (what went wrong where), then `advice` (what the library's model keeps and
 * what to try), apart so that the CLI can give its own.
 */
export class DivergenceError extends BackpropError {
  constructor(readonly epoch: number, readonly row: number, readonly reason: string, readonly advice?: string) {
    super('fit', advice === undefined ? reason : `${reason}. ${advice}`);
    this.name = 'DivergenceError';
  }
}

export function fail(field: string, message: string): never {
  throw new BackpropError(field, message);
}

/**
 * What a value is, for messages: `"abc"`, `-1`, `NaN`, `an array of 3 rows`, `a Float64Array of 5
 * values`, `an object with keys a, b`, `a function`.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${count(value.length, elements(value))}`;
  if (ArrayBuffer.isView(value)) {
    const of = value instanceof DataView ? count(value.byteLength, 'byte') : count((value as unknown as ArrayLike<unknown>).length, 'value');
    return `${article(value.constructor.name)} of ${of}`;
  }
  // An instance of a class by its class (a Map, a Date); a plain object by its keys
  const kind = Object.getPrototypeOf(value) === null ? 'Object' : (value.constructor?.name || 'Object');
  if (kind !== 'Object') return article(kind);
  const keys = Object.keys(value);
  const SHOWN = 6;
  if (keys.length === 0) return 'an empty object';
  return `an object with ${keys.length === 1 ? 'key' : 'keys'} ${keys.slice(0, SHOWN).join(', ')}${keys.length > SHOWN ? `, … (${keys.length} in all)` : ''}`;
}

/** What an array holds, as a singular noun: rows (arrays), numbers, strings, or values. */
function elements(array: readonly unknown[]): string {
  const first = array[0];
  const kind = Array.isArray(first) || ArrayBuffer.isView(first) ? 'row' : typeof first === 'number' ? 'number' : typeof first === 'string' ? 'string' : 'value';
  for (const v of array) {
    const same = kind === 'row' ? Array.isArray(v) || ArrayBuffer.isView(v) : kind === 'value' || typeof v === kind;
    if (!same) return 'value';
  }
  return kind;
}

/** `an Int32Array`, `a Float64Array`, `a Map`. */
const article = (noun: string) => `${/^[aeiouAEIO]/.test(noun) ? 'an' : 'a'} ${noun}`;

/** `1 row`, `2 rows` (`plural` where adding an s will not do). */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/**
 * A seed of the random generator: an integer from 0 to 2³² − 1, its 32-bit state. A seed outside is
 * refused, not wrapped mod 2³² (-1 and 4294967295 would otherwise silently be the same run).
 */
export function checkSeed(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    fail(field, `expected an integer from 0 to 4294967295 (2³² − 1, the random generator's state), got ${show(value)}`);
  }
  return value;
}

/** `count` finite numbers in a Float64Array, one per parameter (setParams, a training state's arrays): the first that is not names its index. */
export function finiteParams(field: string, value: unknown, count: number): Float64Array {
  if (!(value instanceof Float64Array) || value.length !== count) fail(field, `expected ${count} numbers (one per parameter), got ${show(value)}`);
  for (let i = 0; i < count; i++) if (!Number.isFinite(value[i])) fail(`${field}[${i}]`, `expected a finite number, got ${value[i]}`);
  return value;
}

/** A whole number from 1 to 2^53 − 1: past that, f64 no longer tells neighbouring integers apart (and 2^53 + 2 epochs never end). */
export function positiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(field, `expected a positive integer, got ${show(value)}`);
  return value;
}

/**
 * An array or a typed array given positionally to one of the library's functions (not a string, whose
 * characters would pass for its values, nor an object, whose missing length would pass for none).
 */
export function listOf(field: string, value: unknown, what: string): ArrayLike<unknown> {
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) fail(field, `expected ${what}, got ${show(value)}`);
  return value as ArrayLike<unknown>;
}

/** A list of numbers (an array or a typed array), each value a number. */
export function numberList(field: string, value: unknown): ArrayLike<number> {
  const list = listOf(field, value, 'an array of numbers');
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'number') fail(`${field}[${i}]`, `expected a number, got ${show(list[i])}`);
  return list as ArrayLike<number>;
}

/** A path to write to, given to one of the library's save functions (Node's own refusal names no argument). */
export function checkPath(field: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '') fail(field, `expected a file's path (a non-empty string), got ${show(path)}`);
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
 * ignored, silently: `{ epoch: 3 }` training one epoch), a key set to null (it would otherwise
 * read as left out and take the default: `{ epochs: null }` training one epoch) unless it is
 * `nullable` (a saved state's "none yet", or a field whose own check names what it expects; true:
 * every key's own check does), and an array given for the object.
 */
export function knownKeys(field: string, value: object, known: readonly string[], nullable: readonly string[] | true = NONE): void {
  if (Array.isArray(value)) fail(field || 'options', `expected an object of ${known.join(', ')}, got ${show(value)}`);
  // for…in, not Object.keys: no array per call (predict checks its options on every call)
  for (const key in value) {
    if (known.includes(key)) {
      if ((value as Record<string, unknown>)[key] === null && nullable !== true && !nullable.includes(key) && Object.hasOwn(value, key)) fail(field ? `${field}.${key}` : key, 'got null; leave the option out for its default');
    } else if (Object.hasOwn(value, key)) fail(field ? `${field}.${key}` : key, `unknown option; expected one of ${known.join(', ')}`);
  }
}

const NONE: readonly string[] = [];

/** f(), its BackpropErrors named under `prefix`: `fit` around `earlyStopping.patience` gives `fit.earlyStopping.patience`. */
export function within<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BackpropError) fail(`${prefix}.${e.field}`, e.message.slice(e.field.length + 2));
    throw e;
  }
}

/** An options object: an object (not null, which knownKeys would pass and destructuring throw on), with no keys but `known`. */
export function knownOptions(value: unknown, known: readonly string[]): asserts value is object {
  if (typeof value !== 'object' || value === null) fail('options', `expected { ${known.join(', ')} }, got ${show(value)}`);
  knownKeys('', value, known);
}
