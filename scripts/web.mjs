// Serves the demo page and the browser bundle (dist/) on this machine: `npm run web` builds first.
// Flags: --port N (default 8080; 0 picks a free one).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../dist/', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
};

// Cross-origin isolation (window.crossOriginIsolated): the page and its workers may then share
// memory between threads (SharedArrayBuffer), which multi-threaded training needs. Every file the
// page loads is served from here, so requiring CORP of cross-origin files costs nothing.
const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: expected a port number from 0 to 65535, got ${JSON.stringify(values.port)}`);
  process.exit(1);
}

/** The file a URL path names in dist/: `{ file }`, `{ redirect }` for a directory without its slash, or undefined. */
function lookup(path) {
  const file = resolve(ROOT, `.${path}`);
  if (!`${file}${sep}`.startsWith(ROOT)) return undefined;
  try {
    const stat = statSync(file);
    if (stat.isFile()) return { file };
    if (stat.isDirectory()) return path.endsWith('/') ? lookup(`${path}index.html`) : { redirect: `${path}/` };
  } catch {
    // missing: a 404 below
  }
  return undefined;
}

const server = createServer((req, res) => {
  let path;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400).end('bad request');
    return;
  }
  const found = path === '/' ? { redirect: '/web/' } : lookup(path);
  if (!found) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}`);
  else if (found.redirect) res.writeHead(302, { location: found.redirect }).end();
  else {
    res.writeHead(200, { 'content-type': TYPES[extname(found.file)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...ISOLATED });
    createReadStream(found.file).pipe(res);
  }
});

server.on('error', (e) => {
  console.error(e.code === 'EADDRINUSE' ? `Port ${port} is in use; try: npm run web -- --port ${port + 1}` : e.message);
  process.exit(1);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Serving the backprop demo at http://localhost:${server.address().port}/web/  (Ctrl+C to stop)`);
});
