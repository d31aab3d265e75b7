#!/usr/bin/env node
// serve.mjs - a tiny static server for the built page (no npm dependencies).
//
//   node web/serve.mjs [--dir build/wasm/web] [--port 8080] [--no-isolation]
//                                                              (or env GANVAS_PORT / PORT)
//
// Serves the folder on 127.0.0.1 with the right MIME types (application/wasm for .wasm) and
// the cross-origin isolation headers (COOP same-origin, COEP require-corp), which let the page
// use threads (it then loads ganvas_mt.js). --no-isolation leaves them out, like an ordinary
// static host: the page then falls back to ganvas_st.js (one thread). If the port is
// busy it tries the next ones. Prints exactly one line when listening:
//   Ganvas is serving at http://127.0.0.1:8080/ganvas.html
// Sends FILE.br or FILE.gz when the browser accepts it and web/precompress.mjs wrote it, with an
// ETag (a repeated fetch is a 304). `/` redirects to ganvas.html. Also importable: startServer({dir, port, isolation}) -> {server, url}.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const PAGE = 'ganvas.html';
const PORT_ATTEMPTS = 20;
const DEFAULT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'wasm', 'web');

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.data': 'application/octet-stream',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
// What the page may run and load: its own files only. No inline script or style, no eval;
// 'wasm-unsafe-eval' is what WebAssembly compilation needs (and nothing else); workers are the
// pthreads build's own script; PNG downloads and the digit's copy use blob: and data: images.
// Sent with and without isolation; web/tests/browser_test.mjs checks the page runs under it
// with no violation reported.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
const COMMON_HEADERS = {
  'Cache-Control': 'no-cache',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
};

function handler(root, isolation) {
  const base = isolation ? { ...ISOLATION_HEADERS, ...COMMON_HEADERS } : COMMON_HEADERS;
  const send = (res, status, text, extra = {}) => {
    res.writeHead(status, { ...base, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    res.end(text);
  };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, `http://${HOST}`).pathname);
    } catch {
      return send(res, 400, 'bad request\n');
    }
    if (path === '/') return send(res, 302, `see /${PAGE}\n`, { Location: `/${PAGE}` });
    const file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'forbidden\n');
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return send(res, 404, `not found: ${path}\n`);
    }
    if (!stat.isFile()) return send(res, 404, `not found: ${path}\n`);
    const variant = chooseVariant(file, stat, req.headers['accept-encoding']);
    const etag = `"${variant.stat.size.toString(16)}-${Math.floor(variant.stat.mtimeMs).toString(16)}${variant.encoding ? '-' + variant.encoding : ''}"`;
    const headers = {
      ...base,
      'Content-Type': MIME_TYPES[extname(file).toLowerCase()] || 'application/octet-stream',
      ETag: etag,
      Vary: 'Accept-Encoding',
    };
    if (variant.encoding) headers['Content-Encoding'] = variant.encoding;
    // no-cache means "ask first": a repeated fetch (each pthread worker loads ganvas_mt.js) is a 304.
    if (ifNoneMatch(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers);
      return res.end();
    }
    res.writeHead(200, { ...headers, 'Content-Length': variant.stat.size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(variant.file).on('error', () => res.destroy()).pipe(res);
  };
}

// Precompressed siblings (web/precompress.mjs writes FILE.br and FILE.gz at build time): Brotli if
// the browser takes it, else gzip, else the file itself. A sibling older than its file is stale
// and never sent.
const ENCODINGS = [['br', '.br'], ['gzip', '.gz']];
function acceptsEncoding(header, name) {
  for (const part of String(header || '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (token.trim() !== name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  }
  return false;
}
function chooseVariant(file, stat, acceptEncoding) {
  for (const [encoding, suffix] of ENCODINGS) {
    if (!acceptsEncoding(acceptEncoding, encoding)) continue;
    try {
      const sibling = statSync(file + suffix);
      if (sibling.isFile() && sibling.mtimeMs >= stat.mtimeMs) return { file: file + suffix, stat: sibling, encoding };
    } catch { /* none */ }
  }
  return { file, stat, encoding: null };
}
function ifNoneMatch(header, etag) {
  if (!header) return false;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function listen(server, port) {
  return new Promise((resolvePort, reject) => {
    const onError = (err) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolvePort(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

// Starts serving `dir`; tries `port`, port+1, ... (port 0: any free port). Returns {server, url}.
export async function startServer({ dir = DEFAULT_DIR, port = 8080, isolation = true } = {}) {
  const root = resolve(dir);
  try {
    statSync(join(root, PAGE));
  } catch {
    throw new Error(`no ${PAGE} in ${root}: build the page first (cmake --preset wasm && cmake --build --preset wasm)`);
  }
  const server = createServer(handler(root, isolation));
  const attempts = port === 0 ? 1 : PORT_ATTEMPTS;
  for (let i = 0; i < attempts; i++) {
    try {
      const bound = await listen(server, port === 0 ? 0 : port + i);
      return { server, url: `http://${HOST}:${bound}/${PAGE}` };
    } catch (err) {
      if (err.code !== 'EADDRINUSE' || i + 1 === attempts) throw err;
    }
  }
  throw new Error('unreachable');
}

function parseArgs(argv) {
  const options = { dir: DEFAULT_DIR, port: Number(process.env.GANVAS_PORT || process.env.PORT || 8080), isolation: true };
  const usage = 'usage: node web/serve.mjs [--dir DIR] [--port N] [--no-isolation]   (env GANVAS_PORT or PORT also set the port)';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dir' && i + 1 < argv.length) options.dir = argv[++i];
    else if (arg === '--port' && i + 1 < argv.length) options.port = Number(argv[++i]);
    else if (arg === '--no-isolation') options.isolation = false;
    else if (/^\d+$/.test(arg)) options.port = Number(arg);
    else if (arg === '-h' || arg === '--help') {
      console.log(usage);
      process.exit(0);
    } else {
      console.error(`serve.mjs: unknown argument '${arg}'\n${usage}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    console.error(`serve.mjs: bad port '${options.port}'`);
    process.exit(2);
  }
  return options;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  startServer(options).then(
    ({ url }) => console.log(`Ganvas is serving at ${url}`),
    (err) => {
      console.error(`serve.mjs: ${err.message}`);
      process.exit(1);
    },
  );
}
