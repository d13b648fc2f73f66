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
    const { values, positionals } = parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    if (e instanceof BackpropError || !(e instanceof Error)) throw e;
    // parseArgs says e.g. "Unknown option '--epoch'. To specify a positional argument starting with a '-' …"
    throw new BackpropError(command.name, `${e.message.split('. ')[0]!.replace(/\.$/, '')}. See 'backprop ${command.name} --help'.`);
  }
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
