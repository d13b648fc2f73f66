#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { removeTemporaries, watchWriting } from '../io/atomic.js';
import { demo } from './demo.js';
import { train } from './train.js';
import { predict } from './predict.js';
import { evaluate } from './evaluate.js';
import { compare } from './compare.js';
import { bench } from './bench.js';
import { explain } from './explain.js';
import { exportCommand } from './export.js';
import { searchCommand } from './search.js';
import { helpText, noArguments, parse, type Command } from './args.js';
import { inFlagWords } from './run.js';

// A new command is one file and one entry here: its flags table gives its parser and its help.
const commands: Command[] = [demo, train, explain, searchCommand, predict, evaluate, compare, bench, exportCommand];

const help = `backprop — train small neural networks with hand-written backprop in WebAssembly

usage: backprop <command> [options]

commands:
${commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

'backprop <command> --help' (or 'backprop help <command>') describes a command's options;
'backprop --version' prints the version.`;

/** The package's version, from the package.json beside dist/. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    console.log(`backprop ${version()}`);
    return 0;
  }
  // `backprop help train` is `backprop train --help`.
  if (name === 'help' && rest.length > 0) return main([...rest.slice(0, 1), '--help', ...rest.slice(1)]);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help);
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`backprop: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(', ')}. See 'backprop --help'.`);
    return 1;
  }
  const { values, positionals } = parse(command, rest);
  if (values.help) {
    console.log(helpText(command));
    return 0;
  }
  noArguments(command, positionals);
  try {
    await command.run(values, positionals);
  } catch (e) {
    throw inFlagWords(e, values);
  }
  return 0;
}

// Output piped into e.g. `head` may close early; that ends the command, quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
// Ended midway (Ctrl-C, a kill) while an output is written: it is dropped, not left as a temporary
// file. Only then is the signal listened to (a listener keeps it from ending the process at once,
// which a long epoch would delay); the exit waits a turn of the event loop, so that a progress bar's
// own listener first puts the cursor back, and gives the code a shell gives a process the signal ended.
const ending = { SIGINT: () => setImmediate(() => process.exit(130)), SIGTERM: () => setImmediate(() => process.exit(143)) };
watchWriting((writing) => { for (const [signal, end] of Object.entries(ending)) writing ? process.on(signal, end) : process.off(signal, end); });
process.on('exit', removeTemporaries);

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    // Users get the message; BACKPROP_DEBUG=1 shows where it came from.
    console.error(`backprop: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.BACKPROP_DEBUG && e instanceof Error) console.error(e.stack);
    process.exitCode = 1;
  },
);
