// Every function the library exports, given arguments of the wrong kind — nothing, a string, an
// object, an empty array, a number, NaN, as each of its first four arguments — refuses them with a
// BackpropError that names the argument, or answers (a predicate's false, a default's module); never
// with a TypeError from inside it ("Cannot read properties of undefined", "x.map is not a function"),
// which names nothing the caller gave. A function exported later is held to it too.
import { describe, expect, it } from 'vitest';
import * as library from '../src/node.js';

const WRONG: Record<string, unknown> = { nothing: undefined, 'a string': 'x', 'an object': { a: 1 }, 'an empty array': [], 'a number': 7, NaN: Number.NaN };

/** The library's functions (classes and constants aside), by name. */
const functions = Object.entries(library).filter(([name, value]) => typeof value === 'function' && !/^[A-Z]/.test(name) && name !== 'stopSearchWorkers') as [string, (...args: unknown[]) => unknown][];

/** How a call ended: 'answered', or the error's class and message when it is not the library's own. */
async function outcome(f: (...args: unknown[]) => unknown, args: unknown[]): Promise<string> {
  try {
    const result = f(...args);
    // a generator function answers with its generator; reading it runs the function's checks
    if (result && typeof (result as Iterator<unknown>).next === 'function' && typeof (result as Iterable<unknown>)[Symbol.iterator] === 'function') (result as Iterator<unknown>).next();
    await result;
    return 'answered';
  } catch (e) {
    return e instanceof library.BackpropError ? 'answered' : `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

describe('every exported function refuses arguments of the wrong kind by name', () => {
  it('finds the library\'s functions', () => {
    expect(functions.length).toBeGreaterThan(50);
  });

  it.each(functions)('%s', async (name, f) => {
    const raw: string[] = [];
    for (const [kind, value] of Object.entries(WRONG)) {
      for (const arity of [1, 2, 3, 4]) {
        const result = await outcome(f, Array<unknown>(arity).fill(value));
        if (result !== 'answered') raw.push(`${name}(${kind} × ${arity}): ${result}`);
      }
    }
    expect(raw).toEqual([]);
  });
});
