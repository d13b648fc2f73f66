import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CsvRows, isDecimal } from '../csv.js';
import { BackpropError, fail, show } from '../errors.js';

/** One flag: the parser's configuration and the help's line both come from this. */
export interface Flag {
  /** What the flag takes, as the help shows it (`--epochs N`); a flag without one is a switch. */
  value?: string;
  help: string;
}

export type Flags = Record<string, Flag>;

/** The flags' values after parsing: a string for a flag with a value, true for a switch given. */
export type Values = Record<string, string | boolean | undefined>;

/**
 * Where a group's flags do something. A flag given where it does nothing is refused, not dropped (the
 * user meant something by it): `parse` checks every command's groups the same way.
 */
export interface Scope {
  applies(values: Values, positionals: string[]): boolean;
  /** Why `--flag` does nothing in this run of `command`. */
  refusal(flag: string, values: Values, command: string): string;
}

export interface FlagGroup {
  heading?: string;
  flags: Flags;
  /** Where these flags apply (default: wherever the command runs). */
  scope?: Scope;
}

export interface Command {
  name: string;
  summary: string;
  /** The synopsis after `usage: `, one line per form. */
  usage: string;
  /** What the command does, between the synopsis and the flags. */
  about?: string;
  /** The flags in the order the help lists them, under optional headings. */
  flags: FlagGroup[];
  /** A command that takes no arguments: where its data comes from instead (a stray word is refused, saying so). */
  noArguments?: string;
  run(values: Values, positionals: string[]): Promise<void>;
}

/** Every flag of a command, by name. */
export function flagsOf(command: Command): Flags {
  const all: Flags = {};
  for (const g of command.flags) Object.assign(all, g.flags);
  return all;
}

/**
 * Parses argv for one command. Unknown, malformed and repeated flags, and flags given out of their
 * group's scope, become a BackpropError naming the flag: a repeated flag would otherwise silently
 * take its last value, and a flag out of scope be ignored.
 */
export function parse(command: Command, argv: string[]): { values: Values; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  const all = flagsOf(command);
  for (const [name, flag] of Object.entries(all)) options[name] = { type: flag.value === undefined ? 'boolean' : 'string', multiple: true };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, all), options, allowPositionals: true, strict: true });
  } catch (e) {
    if (e instanceof BackpropError || !(e instanceof Error)) throw e;
    // parseArgs explains at length ("Unknown option '--epoch'. To specify a positional argument …"); its first sentence is the point.
    throw new BackpropError(command.name, `${e.message.split(/\n|\. To specify/)[0]!.replace(/\.$/, '')}. See 'backprop ${command.name} --help'.`);
  }
  const values: Values = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    const given = Array.isArray(value) ? (value as (string | boolean)[]) : [value as string | boolean];
    if (given.length > 1) fail(`--${name}`, `is given ${given.length} times${typeof given[0] === 'string' ? ` (${given.map(show).join(', ')})` : ''}; give it once`);
    values[name] = given[0];
  }
  if (!values.help) {
    for (const group of command.flags) {
      if (!group.scope || group.scope.applies(values, parsed.positionals)) continue;
      const given = Object.keys(group.flags).find((name) => values[name] !== undefined);
      if (given !== undefined) fail(`--${given}`, group.scope.refusal(given, values, command.name));
    }
  }
  return { values, positionals: parsed.positionals };
}

/** A command without arguments refuses any, naming them, as train refuses a second CSV file: a stray word is not ignored. */
export function noArguments(command: Command, positionals: string[]): void {
  if (command.noArguments !== undefined && positionals.length) fail(command.name, `takes no arguments (${command.noArguments}), got ${positionals.length}: ${positionals.join(' ')}`);
}

/**
 * `--lr -1` → `--lr=-1`: parseArgs would read a value starting with '-' as a flag, but a negative
 * number is a value (checked later). Any other word starting with '-' after a flag that takes a
 * value is a flag, and that value is missing (`--epochs --lr 0.1`): said so, naming the flag.
 */
function joinNegativeValues(argv: string[], flags: Flags): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!, next = argv[i + 1];
    const value = flag.startsWith('--') && Object.hasOwn(flags, flag.slice(2)) ? flags[flag.slice(2)]!.value : undefined;
    if (value === undefined || next === undefined || !next.startsWith('-') || next === '-') out.push(flag);
    else if (/^-(\d|\.\d|Infinity)/.test(next)) { out.push(`${flag}=${next}`); i++; }
    else fail(flag, `expected a value (${value}) after it, got the flag ${next}; a value that starts with '-' is written ${flag}=…`);
  }
  return out;
}

const HELP_WIDTH = 100, FLAG_COLUMN = 23;

/** `usage: …`, what the command does, then every flag of its table with its help, wrapped. */
export function helpText(command: Command): string {
  const parts = [`usage: ${command.usage}`];
  if (command.about) parts.push(command.about);
  for (const group of command.flags) {
    const lines = Object.entries(group.flags).map(([name, flag]) => flagLine(`--${name}${flag.value === undefined ? '' : ` ${flag.value}`}`, flag.help));
    if (lines.length) parts.push([...(group.heading ? [group.heading] : []), ...lines].join('\n'));
  }
  return parts.join('\n\n');
}

function flagLine(left: string, help: string): string {
  const chunks: string[] = [];
  for (const word of help.split(' ')) {
    const last = chunks.length - 1;
    if (last >= 0 && chunks[last]!.length + 1 + word.length <= HELP_WIDTH - FLAG_COLUMN) chunks[last] += ` ${word}`;
    else chunks.push(word);
  }
  const head = `  ${left}`;
  // A flag too long for its column puts its help on the lines below.
  const first = head.length < FLAG_COLUMN - 1 ? [head.padEnd(FLAG_COLUMN) + chunks.shift()] : [head];
  return [...first, ...chunks.map((c) => ' '.repeat(FLAG_COLUMN) + c)].join('\n');
}

/** A flag's number, written in decimal (`--epochs 0x10` is not 16). */
export function number(flag: string, text: string | boolean | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || !isDecimal(text.trim())) fail(`--${flag}`, `expected a number, got ${show(text)}`);
  const n = Number(text);
  if (!Number.isFinite(n)) fail(`--${flag}`, `expected a finite number, got ${show(text)}`);
  return n;
}

/**
 * A comma-separated flag value, read as a CSV file's header row is (src/csv.ts): a name holding a
 * comma is quoted as a CSV header quotes it, `--features '"a,b",c'`; each item is trimmed, as the
 * header's names are.
 */
export function list(flag: string, text: string | boolean | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || text.trim() === '') fail(`--${flag}`, 'expected a comma-separated list');
  let more = false;
  const reader = new CsvRows(`--${flag}`, () => { more = true; });
  try {
    reader.write(text);
    reader.end();
  } catch {
    // a header without data rows is what a list is; anything else is refused below, in the flag's words
  }
  const names = more ? undefined : reader.columns;
  if (!names) fail(`--${flag}`, `expected a comma-separated list, a name holding a comma in double quotes ('"a,b",c'), got ${show(text)}`);
  return names.map((s) => s.trim());
}
