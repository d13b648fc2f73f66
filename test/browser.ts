// For the tests that run the built library in a headless Chromium (test/chromium.ts, playwright-core): a
// static file server over a directory, and the browser.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findChromium } from './chromium.js';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Serves `root` on a free local port; `pages` adds in-memory files by URL path. */
export async function serve(root: string, pages: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<{ url: string; close(): void }> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const body = pages[path] ?? await readFile(join(root, normalize(path))).catch(() => undefined);
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** The bundled Chromium's serverless flags that leave no page cross-origin isolated (one process, no site isolation, no web security). */
const UNISOLATING = ['--single-process', '--no-zygote', '--disable-site-isolation-trials', '--disable-web-security', '--allow-running-insecure-content'];

/** `isolation`: without the flags that keep a page from being cross-origin isolated (for shared memory). */
export async function launch(options: { isolation?: boolean } = {}): Promise<Browser> {
  const { executablePath, args } = await findChromium();
  const kept = options.isolation ? args.filter((a) => !UNISOLATING.includes(a) && !a.startsWith('--disable-features=') && !a.startsWith('--enable-features=')) : args;
  return chromium.launch({ executablePath, args: kept, headless: true });
}

/** A page at `url`, with its and its workers' console errors and uncaught exceptions collected in `problems`. */
export async function open(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') problems.push(`worker console: ${m.text()}`); }));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(url);
  return { page, problems };
}
