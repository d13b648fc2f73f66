import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BackpropError, fail, show } from '../errors.js';

/** A command's flags as node:util's parseArgs declares them, plus a help text. */
export interface Command<T> {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<T>;
}

/** Parses argv for one command; unknown or malformed flags become a BackpropError naming the flag. */
export function parse(command: Command<unknown>, argv: string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const options = { ...command.options, help: { type: 'boolean', short: 'h' } } as const;
    const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    if (e instanceof BackpropError || !(e instanceof Error)) throw e;
    // parseArgs explains at length ("Unknown option '--epoch'. To specify a positional argument …"); its first sentence is the point.
    throw new BackpropError(command.name, `${e.message.split(/\n|\. To specify/)[0]!.replace(/\.$/, '')}. See 'backprop ${command.name} --help'.`);
  }
}

/** `--lr -1` → `--lr=-1`: parseArgs would read a value starting with '-' as a flag, but a negative number is a value (checked later). */
function joinNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!, next = argv[i + 1];
    const takesValue = flag.startsWith('--') && options[flag.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) { out.push(`${flag}=${next}`); i++; } else out.push(flag);
  }
  return out;
}

export function number(flag: string, text: string | boolean | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (typeof text !== 'string' || text.trim() === '' || !Number.isFinite(n)) fail(`--${flag}`, `expected a number, got ${show(text)}`);
  return n;
}

export function list(flag: string, text: string | boolean | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || text.trim() === '') fail(`--${flag}`, 'expected a comma-separated list');
  return text.split(',').map((s) => s.trim());
}
