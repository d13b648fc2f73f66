// What the three operation tables (activations.ts, losses.ts, optimizers.ts) have in common: a row's
// kernel code comes from the contract's lists (src/contract.ts), never from the row, so the host and
// the kernels keep one definition of it.
import { codeOf } from '../contract.js';

/** Where a format has no counterpart of an operation: why, said to the user who asks for one. */
export interface NoEquivalent {
  none: string;
}

/** The counterpart in a format, or why there is none. */
export type Counterpart<T> = T | NoEquivalent;

export function hasNone<T>(c: Counterpart<T>): c is NoEquivalent {
  return typeof c === 'object' && c !== null && 'none' in c;
}

/** Fields every row has, whatever its kind. */
export interface RowBase {
  /** One line for --help, the page's menus and docs/operations.md. */
  help: string;
  /**
   * The kernel function that computes it in assembly/ and its line-for-line twin of the same name
   * in src/engines/js.ts (test/operations.test.ts checks both exist).
   */
  kernel: string;
}

/** A table's rows as a list in the contract's code order, each with its name and kernel code. */
export function rowList<N extends string, R>(names: readonly N[], rows: Record<N, R>, what: string): readonly (R & { name: N; code: number })[] {
  return names.map((name) => ({ ...rows[name], name, code: codeOf(names, name, what) }));
}

/** `'a', 'b' or 'c'`: names as a sentence lists them. */
export function nameList(names: readonly string[], quote = "'", conjunction = 'or'): string {
  const q = names.map((n) => `${quote}${n}${quote}`);
  return q.length < 2 ? q.join('') : `${q.slice(0, -1).join(', ')} ${conjunction} ${q[q.length - 1]}`;
}
