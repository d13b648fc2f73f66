// The Chromium the browser tests drive: the system's when the machine has one, else the headless
// build that @sparticuz/chromium (a development dependency) unpacks from its npm package, so that
// `npm install && npm test` needs nothing but Node. BACKPROP_BUNDLED_CHROMIUM=1 skips the system's.
import { existsSync } from 'node:fs';

const SYSTEM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-quic', '--disable-sync'];

export interface ChromiumBinary {
  executablePath: string;
  args: string[];
  /** Where it came from, for messages. */
  source: 'system' | '@sparticuz/chromium';
}

export async function findChromium(bundled = process.env.BACKPROP_BUNDLED_CHROMIUM !== undefined): Promise<ChromiumBinary> {
  const system = bundled ? undefined : SYSTEM.find((p) => p !== undefined && p !== '' && existsSync(p));
  if (system) return { executablePath: system, args: FLAGS, source: 'system' };
  const { default: chromium } = await import('@sparticuz/chromium');
  // Its args are tuned for serverless hosts; ours come last so that headless, no sandbox, no GPU hold.
  // Without a --lang it derives the locale from a POSIX environment as "en-US@posix", which Intl rejects.
  return { executablePath: await chromium.executablePath(), args: [...chromium.args, ...FLAGS, '--lang=en-US'], source: '@sparticuz/chromium' };
}
