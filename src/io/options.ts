import { fail, knownKeys, show } from '../errors.js';

/** An options object of an export or import: an object (null is refused, as a misspelt key is), each key by name. */
export function checkOptions<T extends object>(options: T, known: readonly (keyof T & string)[], expected: string): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail('options', `expected ${expected}, got ${show(options)}`);
  knownKeys('', options, known);
  return options;
}
